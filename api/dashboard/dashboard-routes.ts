/**
 * The operator dashboard as a fastify plugin: `GET /dashboard` (the login form, or the page once logged
 * in), `POST /dashboard/login|logout`, `GET /dashboard/assets/*` (the bundle `npm run build:dashboard` writes),
 * `GET /dashboard/events` (the live panels as server-sent events) and `POST /dashboard/dlq/replay`.
 *
 * These routes declare no `config.roles`: the session cookie, not an `x-api-key` header, says who is
 * calling. Login checks the key against the same key store and requires the operator role; every read and
 * the replay then run through the API's own routes with that key ({@link RouteReads}).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import { type ApiKeyStore, hashApiKey } from '../auth/api-keys.js';
import { dashboardPage, loginPage } from './dashboard-pages.js';
import {
  type DashboardSession,
  DashboardSessions,
  sessionCookie,
  sessionIdOf,
} from './dashboard-sessions.js';
import { LiveStream } from './live-stream.js';
import type { PipelineView } from './pipeline-view.js';
import { RouteReads } from './route-reads.js';

/** Where `npm run build:dashboard` puts the bundle. */
export const DASHBOARD_ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dist');

/** What the dashboard needs. */
export interface DashboardOptions {
  readonly apiKeys: ApiKeyStore;
  readonly catalog: PropertyCatalog;
  readonly pipeline: PipelineView;
  /** The DLQ topics to show (those that exist now) and how many records each holds. */
  readonly dlqTopics: () => Promise<Array<{ topic: string; records: number }>>;
  /** `describe().toMermaid()` of the topology this process runs, if any. */
  readonly topologyMermaid?: string;
  /** Subscribes to "property data may have changed" (a reservation was decided); returns the unsubscribe. */
  readonly onPropertyChange?: (listener: () => void) => () => void;
  /** Mark the cookie `Secure` (behind HTTPS). */
  readonly secureCookie?: boolean;
  readonly sessions?: DashboardSessions;
  readonly assetsDir?: string;
}

const ASSET_TYPES: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/**
 * Same-origin only: the page may load, connect to and submit to this server alone (the browser then
 * refuses any request to another host), and may not be framed.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Registers the dashboard routes. */
export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const sessions = options.sessions ?? new DashboardSessions();
  const assetsDir = options.assetsDir ?? DASHBOARD_ASSETS_DIR;
  const streams = new Set<{ live: LiveStream; sessionId: string }>();
  const unsubscribe = options.onPropertyChange?.(() => {
    for (const { live } of streams) live.propertyChanged();
  });
  // Open event streams would keep the server from closing.
  app.addHook('preClose', async () => {
    unsubscribe?.();
    for (const { live } of streams) live.close();
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  const sessionOf = (request: FastifyRequest): DashboardSession | undefined =>
    sessions.find(sessionIdOf(request.headers.cookie));
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .send(body);
  const hidden = { schema: { hide: true } };

  app.get('/dashboard', hidden, async (request, reply) => {
    const session = sessionOf(request);
    if (session === undefined) return html(reply, 200, loginPage());
    return html(reply, 200, dashboardPage(session.name, options.catalog, options.topologyMermaid));
  });

  app.post<{ Body: { key?: string } }>('/dashboard/login', hidden, async (request, reply) => {
    const key = typeof request.body?.key === 'string' ? request.body.key.trim() : '';
    const principal = key === '' ? undefined : await options.apiKeys.find(hashApiKey(key));
    if (principal === undefined) return html(reply, 401, loginPage('Unknown or revoked API key.'));
    if (principal.role !== 'operator') {
      return html(
        reply,
        403,
        loginPage(`This is a ${principal.role} key; the dashboard needs an operator key.`),
      );
    }
    const id = sessions.open(key, principal.name);
    // 303: the browser follows with a GET, so a reload does not post the key again.
    return reply
      .header('set-cookie', sessionCookie(id, options.secureCookie ?? false))
      .redirect('/dashboard', 303);
  });

  app.post('/dashboard/logout', hidden, async (request, reply) => {
    const sessionId = sessionIdOf(request.headers.cookie);
    sessions.close(sessionId);
    // Pages of this session still open (other tabs) lose their stream with the session.
    for (const { live, sessionId: id } of streams) if (id === sessionId) live.close();
    return reply
      .header('set-cookie', sessionCookie(undefined, options.secureCookie ?? false))
      .redirect('/dashboard', 303);
  });

  app.get<{ Params: { file: string } }>('/dashboard/assets/:file', hidden, async (request, reply) => {
    const type = ASSET_TYPES[request.params.file];
    if (type === undefined) return reply.status(404).send({ statusCode: 404, error: 'Not Found' });
    const body = await readFile(join(assetsDir, request.params.file)).catch(() => undefined);
    if (body === undefined) {
      return reply.status(503).send({
        statusCode: 503,
        code: 'API_ERR_UNAVAILABLE',
        error: 'Service Unavailable',
        message: 'the dashboard bundle is not built: run `npm run build:dashboard`',
      });
    }
    return reply.header('content-type', type).header('cache-control', 'no-cache').send(body);
  });

  app.get<{ Querystring: { property?: string } }>('/dashboard/events', hidden, async (request, reply) => {
    const sessionId = sessionIdOf(request.headers.cookie);
    const session = sessions.find(sessionId);
    if (sessionId === undefined || session === undefined) {
      return reply.status(401).send({ statusCode: 401, error: 'Unauthorized' });
    }
    const propertyId = request.query.property ?? options.catalog.all()[0]?.propertyId ?? '';
    if (!options.catalog.has(propertyId)) {
      return reply
        .status(404)
        .send({ statusCode: 404, error: 'Not Found', message: `property ${propertyId}` });
    }
    const reads = new RouteReads(app, session.apiKey);
    const live = new LiveStream(reply.raw, {
      occupancy: () => reads.occupancy(propertyId),
      rates: () => reads.rates(propertyId),
      kpis: () => reads.kpis(propertyId),
      // Also keeps the session alive while a page is open (an open dashboard is in use).
      pipeline: () => {
        sessions.find(sessionId);
        return options.pipeline.read();
      },
      dlq: async () => reads.deadLetters(await options.dlqTopics()),
    });
    const entry = { live, sessionId };
    reply.hijack();
    streams.add(entry);
    // The response's 'close': the browser went away (or the stream was ended here).
    reply.raw.on('close', () => {
      streams.delete(entry);
      live.close();
    });
    live.start();
  });

  app.post<{ Body: { topic: string; partition: number; offset: string } }>(
    '/dashboard/dlq/replay',
    {
      schema: {
        hide: true,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['topic', 'partition', 'offset'],
          properties: {
            topic: { type: 'string', maxLength: 249 },
            partition: { type: 'integer', minimum: 0 },
            offset: { type: 'string', pattern: '^[0-9]+$' },
          },
        },
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      if (session === undefined) return reply.status(401).send({ statusCode: 401, error: 'Unauthorized' });
      const { topic, partition, offset } = request.body;
      const result = await new RouteReads(app, session.apiKey).replay(topic, partition, offset);
      for (const { live } of streams) live.deadLettersChanged();
      return reply.status(result.status).send(result.body);
    },
  );
};
