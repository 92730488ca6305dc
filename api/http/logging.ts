/**
 * Structured logs (pino) with secrets and card data redacted: API keys, authorisation and cookies in
 * headers, and payment tokens or card numbers in any logged object, even if a body is ever logged.
 */
import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

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
export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    ...(stream === undefined ? {} : { stream }),
  };
}
