/**
 * Reaches the cluster once before the runtime starts its clients, and names why it cannot: kafkajs retries
 * a refused certificate like a refused connection and reports either as "number of retries exceeded" after
 * its whole retry budget, and a rejected password surfaces from whichever client connects first. Here a
 * bad credential or certificate fails at once, and an unreachable listener within `timeoutMs`.
 */
import { retry } from '../../util/retry.js';
import { KafkaFacadeError } from '../errors.js';
import type { KafkaClientOptions } from '../kafka-client.js';
import { isTlsError } from '../tls-error.js';
import { kafkaClientConfig } from './client-config.js';
import { kafkajs } from './kafkajs-module.js';

function chain(error: unknown): unknown[] {
  const links: unknown[] = [];
  for (let link = error; link !== undefined && link !== null && links.length < 8; ) {
    links.push(link);
    link = (link as { cause?: unknown }).cause ?? (link as { originalError?: unknown }).originalError;
  }
  return links;
}

/** Why a connection attempt failed: a coded error to throw now, or undefined to try again. */
export function classifyConnectionFailure(error: unknown, brokers: string): KafkaFacadeError | undefined {
  for (const link of chain(error)) {
    const name = (link as { name?: string }).name;
    const code = (link as { code?: string }).code;
    const message = String((link as { message?: string }).message ?? link);
    if (name === 'KafkaJSSASLAuthenticationError') {
      return new KafkaFacadeError(
        'STRM_ERR_KAFKA_AUTHENTICATION',
        `the brokers at ${brokers} refused the SASL credentials: ${message}; check sasl.mechanism, username and password (or the token)`,
        { cause: error },
      );
    }
    if (isTlsError(code, message)) {
      return new KafkaFacadeError(
        'STRM_ERR_KAFKA_TLS',
        `TLS with the brokers at ${brokers} failed: ${message}${code ? ` (${code})` : ''}; check ssl.ca (the CA that signed the broker certificate), ssl.servername, the client certificate, and that the port is a TLS listener`,
        { cause: error },
      );
    }
  }
  return undefined;
}

/**
 * Connects an admin client until it succeeds, a credential or certificate is refused (thrown at once), or
 * `timeoutMs` passes (`STRM_ERR_KAFKA_UNREACHABLE`, retriable).
 */
export async function checkConnection(options: KafkaClientOptions, timeoutMs: number): Promise<void> {
  const brokers = options.brokers.join(',');
  const deadline = Date.now() + timeoutMs;
  const attempt = async () => {
    // Each attempt's own timeouts end with the deadline, so the check as a whole keeps to `timeoutMs`.
    const remaining = deadline - Date.now();
    const admin = new kafkajs.Kafka({
      ...kafkaClientConfig(options),
      logLevel: kafkajs.logLevel.NOTHING,
      logCreator: undefined,
      connectionTimeout: Math.max(100, Math.min(remaining, options.connectionTimeoutMs ?? 3_000)),
      authenticationTimeout: Math.max(100, Math.min(remaining, 10_000)),
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
    } catch (error) {
      throw classifyConnectionFailure(error, brokers) ?? error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  try {
    await retry(attempt, {
      retries: Number.POSITIVE_INFINITY,
      maxTimeMs: timeoutMs,
      maxDelayMs: 2_000,
      // A refused credential or certificate does not get better by asking again.
      retriable: (error) => !(error instanceof KafkaFacadeError),
    });
  } catch (last) {
    if (last instanceof KafkaFacadeError) throw last;
    const why =
      (last as { cause?: { message?: string } })?.cause?.message ?? (last as Error)?.message ?? String(last);
    throw new KafkaFacadeError(
      'STRM_ERR_KAFKA_UNREACHABLE',
      `no broker at ${brokers} answered within ${timeoutMs} ms (last error: ${why}); check bootstrapServers, that the listener's port and protocol (PLAINTEXT, SSL, SASL_SSL) match ssl/sasl, and the network`,
      { cause: last, retriable: true },
    );
  }
}
