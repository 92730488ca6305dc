/**
 * What the command-line tools share: the configuration from the environment (same variables as
 * `main.ts`), with the connections they need opened on demand and closed at the end.
 */
// The library before kafkajs (which this application also uses itself): the library's kafkajs adapter
// installs its correction of kafkajs' read_committed filter before it loads kafkajs, and refuses
// read_committed reads (the dead-letter listing) and exactly-once when kafkajs was loaded first.
import '../../topology/runtime/index.js';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
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

/** A quiet kafkajs client on the configured brokers. */
export function kafkaClient(config: ApiConfig): Kafka {
  return new Kafka({
    clientId: `${config.applicationId}-cli`,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.ERROR,
  });
}
