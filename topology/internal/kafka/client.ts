// Must load before kafkajs: it corrects kafkajs' read_committed filter (see the module).
import './kafkajs-aborted-filter.js';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import { KAFKAJS_RETRY_GROWTH } from './broker-retry.js';
import { pinoLogCreator } from './log-bridge.js';
import { kafkajsSasl, kafkajsTls, type SaslConfig, type TlsConfig } from './security.js';

/** How to reach the cluster. */
export interface KafkaClientOptions {
  /** Shown in broker logs and quotas; the runtime uses `<applicationId>-<instance>`. */
  readonly clientId: string;
  /** `host:port` of one or more brokers. */
  readonly brokers: ReadonlyArray<string>;
  readonly logger: Logger;
  /** Per-request timeout; kafkajs' default (30 s) hides a dead broker for too long in tests. */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** TLS to the brokers; `true` with the system's CAs. */
  readonly ssl?: boolean | TlsConfig;
  readonly sasl?: SaslConfig;
}

/**
 * Creates the kafkajs client that the admin, producer and consumer facades share. Only this folder
 * imports kafkajs, so a faster client can replace it without touching the runtime.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  return new Kafka(kafkaClientConfig(options));
}

/** The kafkajs configuration of {@link createKafkaClient}, also used by the connection check. */
export function kafkaClientConfig(options: KafkaClientOptions): KafkaConfig {
  const ssl = kafkajsTls(options.ssl);
  const sasl = kafkajsSasl(options.sasl);
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    // The broker side retries leader moves; a few quick retries keep a restart from failing a send.
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 5_000, ...KAFKAJS_RETRY_GROWTH },
    // SASL without TLS would send a PLAIN password in clear text: SASL implies TLS unless told otherwise.
    ...(ssl !== undefined ? { ssl } : sasl !== undefined ? { ssl: true } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
  };
}
