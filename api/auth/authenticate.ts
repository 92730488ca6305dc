/**
 * Authentication and authorisation as one `onRequest` hook: routes that declare `config.roles` need an
 * `x-api-key` whose role is among them (an operator may do everything a booking client may). A missing
 * or unknown key is 401 and a wrong role 403, both before the body is even parsed, so nothing is
 * produced. Routes without `config.roles` (health, metrics, docs) are public.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import { type ApiKeyStore, hashApiKey, type Principal, type Role } from './api-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed to call the route; absent: public. */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    /** The caller, on routes that need a key. */
    principal?: Principal;
  }
}

/** The header carrying the key. */
export const API_KEY_HEADER = 'x-api-key';

/** Installs the hook on `app` (call before the routes are registered). */
export function installAuthentication(app: FastifyInstance, keys: ApiKeyStore): void {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const roles = request.routeOptions.config?.roles;
    if (roles === undefined) return;
    const header = request.headers[API_KEY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') throw new UnauthenticatedError();
    const principal = await keys.find(hashApiKey(key));
    if (principal === undefined) throw new UnauthenticatedError('unknown or revoked API key');
    if (!roles.includes(principal.role) && principal.role !== 'operator') {
      throw new ForbiddenError(principal.role, roles);
    }
    request.principal = principal;
  });
}
