/**
 * `buildApp(deps, options)`: the fastify server with every plugin, from dependencies handed in (so unit
 * tests pass in-memory ones and `main.ts` the real ones). Nothing here connects to anything.
 *
 * Order matters: logging and the error handler first, then authentication (onRequest, before the body is
 * read), the rate limit (per key, after authentication), the OpenAPI generator (it must see every route),
 * then one plugin per resource.
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import type { Registry } from 'prom-client';
import type { ApiKeyStore } from './auth/api-keys.js';
import { API_KEY_HEADER, installAuthentication } from './auth/authenticate.js';
import { type DashboardOptions, dashboardRoutes } from './dashboard/dashboard-routes.js';
import { type DlqRoutesOptions, dlqRoutes } from './dlq/dlq-routes.js';
import { installErrorHandler } from './http/error-handler.js';
import { installHttpMetrics } from './http/http-metrics.js';
import { loggerOptions } from './http/logging.js';
import { type OpsRoutesOptions, opsRoutes } from './ops/ops-routes.js';
import { analyticsRoutes } from './queries/analytics-routes.js';
import { type PropertyRoutesOptions, propertyRoutes } from './queries/property-routes.js';
import { type ReservationRoutesOptions, reservationRoutes } from './reservations/reservation-routes.js';

/** Everything the server talks to. */
export interface AppDependencies {
  readonly apiKeys: ApiKeyStore;
  readonly reservations: ReservationRoutesOptions;
  readonly ops: OpsRoutesOptions;
  /** Property read models; absent: the routes are not offered. */
  readonly properties?: PropertyRoutesOptions;
  /** Dead-letter listing and replay; absent: the routes are not offered. */
  readonly dlq?: DlqRoutesOptions;
  /** The operator dashboard (`/dashboard`); absent: not offered. */
  readonly dashboard?: DashboardOptions;
  /** Redis for the shared rate-limit counters; absent: counters per process (tests). */
  readonly redis?: Redis;
  readonly registry: Registry;
}

/** Tunables of the server. */
export interface AppOptions {
  readonly logLevel?: string;
  /** Largest request body in bytes (default 16 KiB: a booking is well under 2 KiB). */
  readonly bodyLimitBytes?: number;
  /** Requests per key per window (default 100). */
  readonly rateLimitMax?: number;
  readonly rateLimitWindowMs?: number;
  /** Prefix of the rate-limit keys in Redis. */
  readonly redisKeyPrefix?: string;
  /** Where log lines go (default stdout); tests pass a stream to read them. */
  readonly logStream?: DestinationStream;
}

/** Builds the server; call `ready()` or `listen()` on it. */
export async function buildApp(deps: AppDependencies, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'info', options.logStream),
    bodyLimit: options.bodyLimitBytes ?? 16 * 1024,
    ajv: {
      // Strict input: no silent dropping of unknown fields and no type coercion; every error reported.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false },
    },
  });
  installErrorHandler(app);
  installHttpMetrics(app, deps.registry);
  installAuthentication(app, deps.apiKeys);

  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: options.rateLimitMax ?? 100,
    timeWindow: options.rateLimitWindowMs ?? 60_000,
    ...(deps.redis === undefined
      ? {}
      : { redis: deps.redis, nameSpace: `${options.redisKeyPrefix ?? ''}ratelimit:` }),
    // Only keyed routes are limited, per key; probes and metrics never are.
    allowList: (request) => request.principal === undefined,
    keyGenerator: (request) => request.principal?.keyHash ?? request.ip,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      code: 'API_ERR_RATE_LIMITED',
      error: 'Too Many Requests',
      message: `rate limit of ${context.max} requests per ${context.after} exceeded for this API key; retry after the Retry-After header`,
      retriable: true,
    }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Hotel reservations API',
        version: '0.1.0',
        description:
          'Writes for booking clients and operations for operators. Errors are `{ statusCode, code, error, message }`; codes are listed in docs/api.md.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: API_KEY_HEADER } },
      },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(opsRoutes, deps.ops);
  await app.register(reservationRoutes, deps.reservations);
  if (deps.properties !== undefined) await app.register(propertyRoutes, deps.properties);
  if (deps.properties !== undefined) await app.register(analyticsRoutes, deps.properties);
  if (deps.dlq !== undefined) await app.register(dlqRoutes, deps.dlq);
  if (deps.dashboard !== undefined) await app.register(dashboardRoutes, deps.dashboard);
  return app;
}
