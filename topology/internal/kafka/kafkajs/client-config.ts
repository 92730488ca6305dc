/** The kafkajs configuration of the port's client options. */
import type { KafkaConfig } from 'kafkajs';
import type { KafkaClientOptions } from '../kafka-client.js';
import { KAFKAJS_RETRY_GROWTH } from './broker-retry.js';
import { kafkajs } from './kafkajs-module.js';
import { pinoLogCreator } from './log-bridge.js';
import { kafkajsSasl, kafkajsTls } from './security.js';

/** The kafkajs configuration of a client, also used by the connection check. */
export function kafkaClientConfig(options: KafkaClientOptions): KafkaConfig {
  const ssl = kafkajsTls(options.ssl);
  const sasl = kafkajsSasl(options.sasl);
  return {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: KAFKAJS_LOG_LEVELS[options.clientLogLevel ?? 'info'],
    logCreator: pinoLogCreator(options.logger),
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    // The broker side retries leader moves; a few quick retries keep a restart from failing a send.
    retry: {
      initialRetryTime: 100,
      retries: options.retries ?? 8,
      maxRetryTime: 5_000,
      ...KAFKAJS_RETRY_GROWTH,
    },
    // SASL without TLS would send a PLAIN password in clear text: SASL implies TLS unless told otherwise.
    ...(ssl !== undefined ? { ssl } : sasl !== undefined ? { ssl: true } : {}),
    ...(sasl !== undefined ? { sasl } : {}),
  };
}

const KAFKAJS_LOG_LEVELS = {
  error: kafkajs.logLevel.ERROR,
  warn: kafkajs.logLevel.WARN,
  info: kafkajs.logLevel.INFO,
} as const;
