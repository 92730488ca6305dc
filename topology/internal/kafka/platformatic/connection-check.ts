/**
 * `checkConnection` on @platformatic/kafka: metadata requests without the client's own retries until one
 * answers, a credential or certificate is refused (thrown at once), or the deadline passes.
 */
import { Admin } from '@platformatic/kafka';
import { KafkaFacadeError } from '../errors.js';
import type { KafkaClientOptions } from '../kafka-client.js';
import { baseOptions } from './client-options.js';
import { errorMessage, isAuthenticationError, tlsFailure } from './errors.js';

export async function checkConnection(options: KafkaClientOptions, timeoutMs: number): Promise<void> {
  const brokers = options.brokers.join(',');
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const remaining = Math.max(100, deadline - Date.now());
    const admin = new Admin({
      ...baseOptions(options, '-connection-check'),
      retries: 0,
      timeout: Math.min(remaining, options.requestTimeoutMs ?? 30_000),
      connectTimeout: Math.min(remaining, options.connectionTimeoutMs ?? 3_000),
    });
    try {
      await admin.metadata({ topics: [] });
      return;
    } catch (error) {
      lastError = error;
      if (isAuthenticationError(error))
        throw new KafkaFacadeError(
          'STRM_ERR_KAFKA_AUTHENTICATION',
          `the brokers at ${brokers} refused the SASL credentials: ${errorMessage(error)}; check sasl.mechanism, username and password (or the token)`,
          { cause: error },
        );
      const tls = tlsFailure(error);
      if (tls !== undefined)
        throw new KafkaFacadeError(
          'STRM_ERR_KAFKA_TLS',
          `TLS with the brokers at ${brokers} failed: ${tls.message}${tls.code ? ` (${tls.code})` : ''}; check ssl.ca (the CA that signed the broker certificate), ssl.servername, the client certificate, and that the port is a TLS listener`,
          { cause: error },
        );
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, Math.max(0, deadline - Date.now()))));
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
  throw new KafkaFacadeError(
    'STRM_ERR_KAFKA_UNREACHABLE',
    `no broker at ${brokers} answered within ${timeoutMs} ms: ${errorMessage(lastError)}`,
    { cause: lastError, retriable: true },
  );
}
