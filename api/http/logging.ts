/**
 * Structured logs (pino) with secrets and card data redacted: API keys, idempotency keys are fine but
 * cookies and authorisation are not, and payment tokens never appear even if a body is logged.
 */
import type { FastifyServerOptions } from 'fastify';

/** Paths pino replaces with `[redacted]`. */
export const REDACTED_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-api-key"]',
  'headers.authorization',
  '*.paymentToken',
  '*.*.paymentToken',
  'paymentToken',
  '*.cardNumber',
  'cardNumber',
  '*.password',
] as const;

/** The `logger` option of the fastify instance. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
}
