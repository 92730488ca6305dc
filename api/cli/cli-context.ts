/**
 * What the command-line tools share: the configuration from the environment (same variables as
 * `main.ts`), with the connections they need opened on demand and closed at the end.
 */
// The library first: its kafkajs adapter installs its correction of kafkajs' read_committed filter
// before it loads kafkajs, and refuses read_committed reads (the dead-letter listing) and exactly-once
// when something else loaded kafkajs first.
import '../../topology/runtime/index.js';
import pg from 'pg';
import pino from 'pino';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { type ApiConfig, loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';

/** Opens a Postgres pool on a migrated database, runs `work`, closes the pool. */
export async function withDatabase<T>(work: (pool: pg.Pool, config: ApiConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  await migrate(config.databaseUrl);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  try {
    return await work(pool, config);
  } finally {
    await pool.end();
  }
}

/** A quiet Kafka client (errors only) on the configured brokers. */
export function kafkaClient(config: ApiConfig): KafkaClient {
  return createKafkaClient({
    clientId: `${config.applicationId}-cli`,
    brokers: config.kafkaBrokers,
    logger: pino({ name: `${config.applicationId}-cli`, level: 'error' }),
    clientLogLevel: 'error',
  });
}
