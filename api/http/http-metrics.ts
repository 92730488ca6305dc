/**
 * HTTP metrics: a latency histogram per method, route pattern and status code (route patterns, not
 * URLs, so confirmation numbers do not explode the label set).
 */
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

/** Installs an `onResponse` hook that observes `http_request_duration_seconds` in `registry`. */
export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const existing = registry.getSingleMetric('http_request_duration_seconds') as Histogram | undefined;
  const histogram =
    existing ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request received to response sent, per method, route and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  app.addHook('onResponse', async (request, reply) => {
    histogram.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
