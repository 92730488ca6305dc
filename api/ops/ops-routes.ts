/**
 * Operations endpoints, public so that probes and Prometheus need no key: `/health` (the process
 * answers), `/ready` (every readiness check passes: streams RUNNING, sink consuming, ...) and `/metrics`
 * (the prom-client registry: HTTP latency, the streams runtime's metrics, process defaults).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import type { Role } from '../auth/api-keys.js';
import type { LagAlerts } from './lag-alerts.js';

/** One readiness condition. */
export interface ReadinessCheck {
  readonly name: string;
  /** True when ready; `detail` says why not. */
  check(): Promise<{ readonly ready: boolean; readonly detail?: string }>;
}

/** What the ops routes need. */
export interface OpsRoutesOptions {
  readonly registry: Registry;
  readonly readiness: readonly ReadinessCheck[];
  /** The lag rules evaluated in the process, for `/alerts`; absent: the route answers an empty list. */
  readonly lagAlerts?: LagAlerts;
  /** Clock of `/alerts`. */
  readonly now?: () => number;
}

const OPERATOR: { roles: readonly Role[] } = { roles: ['operator'] };

const checkSchema = {
  type: 'object',
  properties: { name: { type: 'string' }, ready: { type: 'boolean' }, detail: { type: 'string' } },
} as const;

/** Registers `/health`, `/ready` and `/metrics`. */
export const opsRoutes: FastifyPluginAsync<OpsRoutesOptions> = async (app, options) => {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: streams RUNNING and every dependency reachable',
        tags: ['operations'],
        response: {
          200: {
            type: 'object',
            properties: { ready: { type: 'boolean' }, checks: { type: 'array', items: checkSchema } },
          },
          503: {
            type: 'object',
            properties: { ready: { type: 'boolean' }, checks: { type: 'array', items: checkSchema } },
          },
        },
      },
    },
    async (_request, reply) => {
      const checks = await Promise.all(
        options.readiness.map(async (c) => {
          try {
            return { name: c.name, ...(await c.check()) };
          } catch (error) {
            return { name: c.name, ready: false, detail: (error as Error).message };
          }
        }),
      );
      const ready = checks.every((c) => c.ready);
      if (!ready) reply.status(503).header('retry-after', '1');
      return { ready, checks };
    },
  );

  app.get(
    '/alerts',
    {
      config: OPERATOR,
      schema: {
        summary:
          "Lag alerts firing on this instance's partitions (lag > 1000 records or behind for 5 minutes)",
        tags: ['operations'],
        response: {
          200: {
            type: 'object',
            properties: {
              alerts: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    alert: { type: 'string' },
                    topic: { type: 'string' },
                    partition: { type: 'integer' },
                    lag: { type: 'number' },
                    behindSince: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          },
        },
      },
    },
    async () => {
      const alerts = (await options.lagAlerts?.sample((options.now ?? Date.now)())) ?? [];
      return { alerts: alerts.map((a) => ({ ...a, behindSince: new Date(a.behindSince).toISOString() })) };
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['operations'], hide: false } },
    async (_request, reply) => {
      reply.header('content-type', options.registry.contentType);
      return options.registry.metrics();
    },
  );
};
