/**
 * One error body for every failure: `{ statusCode, code, error, message, retriable, details? }`.
 * Schema validation failures become `API_ERR_VALIDATION` with the failing paths, malformed JSON and
 * oversized bodies keep their 4xx, coded {@link ApiError}s keep theirs, and anything else is a 500 whose
 * message says nothing internal (the log has the error).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';
import { LogThrottle } from './log-throttle.js';

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Installs the error and not-found handlers on `app`. */
export function installErrorHandler(app: FastifyInstance): void {
  const throttle = new LogThrottle(app.log);
  app.addHook('onClose', async () => throttle.flush());
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      // A retriable 5xx (a rebalance under way, an owner restarting) is expected in normal operation: a
      // warning without the stack, or every rebalance floods the log with errors; and one per kind and
      // 10 s with a count, or every read during a failover adds one.
      if (error.statusCode >= 500 && error.retriable) {
        const reason = (error.details as { reason?: unknown } | undefined)?.reason;
        throttle.warn(
          `${error.code}:${String(reason ?? '')}`,
          request.log,
          { code: error.code, details: error.details },
          error.message,
        );
      } else if (error.statusCode >= 500) request.log.error({ err: error }, error.message);
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      else if (error.code === 'API_ERR_UNAVAILABLE') reply.header('retry-after', '1');
      return reply.status(error.statusCode).send({
        statusCode: error.statusCode,
        code: error.code,
        error: REASONS[error.statusCode] ?? 'Error',
        message: error.message,
        retriable: error.retriable,
        ...(error.details === undefined ? {} : { details: error.details }),
      });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation !== undefined) {
      return reply.status(400).send({
        statusCode: 400,
        code: 'API_ERR_VALIDATION',
        error: REASONS[400],
        message: fastifyError.message,
        retriable: false,
        details: {
          errors: fastifyError.validation.map((v) => ({
            path: `${fastifyError.validationContext ?? 'body'}${v.instancePath}`,
            message: v.message,
            params: v.params,
          })),
        },
      });
    }
    const status = fastifyError.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'API_ERR_PAYLOAD_TOO_LARGE'
          : status === 429
            ? 'API_ERR_RATE_LIMITED'
            : 'API_ERR_VALIDATION';
      return reply.status(status).send({
        statusCode: status,
        code,
        error: REASONS[status] ?? 'Client Error',
        message: fastifyError.message,
        retriable: status === 429,
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({
      statusCode: 500,
      code: 'API_ERR_INTERNAL',
      error: REASONS[500],
      message: 'internal error; the server log has the details under this request id',
      retriable: false,
      details: { requestId: request.id },
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      statusCode: 404,
      code: 'API_ERR_NOT_FOUND',
      error: REASONS[404],
      message: `no route ${request.method} ${request.url.split('?')[0]}; see /openapi.json`,
      retriable: false,
    }),
  );
}
