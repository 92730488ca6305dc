/**
 * An API instance for integration tests on the real stack, isolated from every other test: its own topic
 * prefix, Redis key prefix, consumer groups and Postgres database (created here, dropped at close).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../api/config.js';
import { type RunningApi, type StartApiOptions, startApi } from '../../../api/start-api.js';
import { endpoints, uniqueName } from '../../support/index.js';

/** A started instance and how to stop it. */
export interface TestInstance {
  readonly api: RunningApi;
  readonly prefix: string;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/** Creates an empty database and returns its URL. */
export async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = endpoints().databaseUrl;
  const name = `api_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The test defaults of an instance on `prefix` and `databaseUrl`, with `env` on top (also the environment
 * of an instance run as a child process, `api-process.ts`).
 */
export function testEnv(
  prefix: string,
  databaseUrl: string,
  env: Record<string, string>,
): Record<string, string> {
  const stack = endpoints();
  return {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: stack.redisUrl,
    APPLICATION_ID: prefix.slice(0, -1),
    TOPIC_PREFIX: prefix,
    TOPIC_PARTITIONS: '2',
    REDIS_KEY_PREFIX: `${prefix}:`,
    LOG_LEVEL: 'warn',
    WAIT_TIMEOUT_MS: '2000',
    RUN_STREAMS: 'false',
    RUN_PAYMENT_WORKER: 'false',
    ...env,
  };
}

/**
 * Starts an instance; `env` overrides the test defaults (no topology, sink on, small rate limit), `options`
 * go to {@link startApi} (e.g. a skewed clock).
 */
export async function startTestInstance(
  env: Record<string, string> = {},
  options: Omit<StartApiOptions, 'registry'> = {},
): Promise<TestInstance> {
  const prefix = `${uniqueName('api')}.`;
  const database = await createDatabase();
  const api = await startApi(loadConfig(testEnv(prefix, database.url, env)), {
    ...options,
    registry: new Registry(),
  });
  return {
    api,
    prefix,
    databaseUrl: database.url,
    close: async () => {
      await api.close();
      await database.drop();
    },
  };
}

/**
 * Starts another instance of `first`'s application: same application id, topics, Redis prefix and
 * database (which `first` drops at its close; this one's close leaves it). `env` overrides the same test
 * defaults as {@link startTestInstance}, e.g. a port of its own.
 */
export async function startPeerInstance(
  first: TestInstance,
  env: Record<string, string> = {},
  options: Omit<StartApiOptions, 'registry'> = {},
): Promise<TestInstance> {
  const shared = {
    APPLICATION_ID: first.api.config.applicationId,
    REDIS_KEY_PREFIX: first.api.config.redisKeyPrefix,
    TOPIC_PARTITIONS: String(first.api.config.topicPartitions),
  };
  const config = loadConfig(testEnv(first.prefix, first.databaseUrl, { ...shared, ...env }));
  const api = await startApi(config, { ...options, registry: new Registry() });
  return { api, prefix: first.prefix, databaseUrl: first.databaseUrl, close: () => api.close() };
}
