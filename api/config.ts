/**
 * The process configuration, from environment variables (documented in docs/api.md). Every variable has
 * a default that works against a local stack (`npm run stack:start`), except where said.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import {
  DEFAULT_PAYMENT_COMMIT_INTERVAL_MS,
  DEFAULT_PAYMENT_FETCH_LINGER_MS,
} from './payments/payment-worker-loop.js';
import { PENDING_LEASE_SECONDS } from './reservations/idempotency.js';

/** Everything `main.ts` needs. */
export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  /**
   * `host:port` at which the other instances reach this one's HTTP API: the streams' `applicationServer`,
   * to which reads of keys this instance owns are forwarded.
   */
  readonly advertisedServer: string;
  readonly logLevel: string;
  readonly kafkaBrokers: string[];
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Consumer group and internal-topic prefix of the streams application; also prefixes the sink's group. */
  readonly applicationId: string;
  /** Prefix of every pipeline topic (empty in production; with one, the topology is not run). */
  readonly topicPrefix: string;
  readonly topicPartitions: number;
  readonly redisKeyPrefix: string;
  readonly stateDir: string;
  /** Warm copies of each stateful task on other instances (faster failover); none with one instance. */
  readonly numStandbyReplicas: number;
  /**
   * Consumer-group session timeout of every consumer of the process (streams, sink, payment worker): how
   * long the group waits for an instance that stopped heartbeating (a crash, a SIGKILL) before moving its
   * work. A clean stop leaves the groups at once and does not wait it out.
   */
  readonly sessionTimeoutMs: number;
  /** Payment requests performed at once by this instance's payment worker. */
  readonly paymentConcurrency: number;
  readonly paymentCommitIntervalMs: number;
  readonly paymentFetchLingerMs: number;
  /** Postgres connections of the HTTP requests (owners, the API's own ledger writes, reads, keys). */
  readonly databasePoolSize: number;
  /** Postgres connections of the sink and the payment simulator's ledger, apart from the requests'. */
  readonly databaseBackgroundPoolSize: number;
  /** Path of the properties JSON; empty: the sample reference data. */
  readonly referenceDataPath: string;
  readonly bodyLimitBytes: number;
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
  readonly idempotencyTtlSeconds: number;
  /** The lease of a pending Idempotency-Key claim: how long a retry gets 409 before it takes over. */
  readonly idempotencyPendingSeconds: number;
  readonly waitTimeoutMs: number;
  readonly runStreams: boolean;
  readonly runSink: boolean;
  readonly runPaymentWorker: boolean;
}

/** Reads the configuration from `env`; throws a {@link ConfigError} naming a malformed variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const text = (name: string, fallback: string) => {
    const value = env[name];
    return value === undefined || value === '' ? fallback : value;
  };
  const integer = (name: string, fallback: number, min = 0) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < min) {
      throw new ConfigError(`${name}=${raw} is not a whole number of at least ${min}; fix or unset it`);
    }
    return value;
  };
  const flag = (name: string, fallback: boolean) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(`${name}=${raw} must be true or false`);
  };
  const topicPrefix = text('TOPIC_PREFIX', '');
  const host = text('HOST', '0.0.0.0');
  const port = integer('PORT', 8080);
  // A wildcard listen address is no address to reach: advertise loopback (one machine) unless told.
  const reachableHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const advertisedServer = text('ADVERTISED_SERVER', `${reachableHost}:${port}`);
  if (!/^[^\s/:]+:\d{1,5}$/.test(advertisedServer) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(advertisedServer)) {
    throw new ConfigError(`ADVERTISED_SERVER=${advertisedServer} must be host:port (no scheme, no path)`);
  }
  return {
    host,
    port,
    advertisedServer,
    logLevel: text('LOG_LEVEL', 'info'),
    kafkaBrokers: text('KAFKA_BROKERS', '127.0.0.1:9092')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== ''),
    schemaRegistryUrl: text('SCHEMA_REGISTRY_URL', 'http://127.0.0.1:8081/apis/ccompat/v7'),
    databaseUrl: text('DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/test'),
    redisUrl: text('REDIS_URL', 'redis://127.0.0.1:6379'),
    applicationId: text('APPLICATION_ID', 'reservations'),
    topicPrefix,
    topicPartitions: integer('TOPIC_PARTITIONS', 6, 1),
    redisKeyPrefix: text('REDIS_KEY_PREFIX', 'reservations:'),
    stateDir: text('STATE_DIR', join(tmpdir(), 'tstreams')),
    numStandbyReplicas: integer('NUM_STANDBY_REPLICAS', 1),
    // 10 s: a crashed instance's partitions move within about 10 s, while a member that heartbeats every
    // second survives a stall of 9 s (a long restore or a GC pause on a loaded machine). The broker's
    // group.min.session.timeout.ms (6 s by default) is the floor.
    sessionTimeoutMs: integer('SESSION_TIMEOUT_MS', 10_000, 6_000),
    paymentConcurrency: integer('PAYMENT_CONCURRENCY', 64, 1),
    paymentCommitIntervalMs: integer('PAYMENT_COMMIT_INTERVAL_MS', DEFAULT_PAYMENT_COMMIT_INTERVAL_MS, 1),
    paymentFetchLingerMs: integer('PAYMENT_FETCH_LINGER_MS', DEFAULT_PAYMENT_FETCH_LINGER_MS, 0),
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1),
    databaseBackgroundPoolSize: integer('DATABASE_BACKGROUND_POOL_SIZE', 10, 1),
    referenceDataPath: text('REFERENCE_DATA', ''),
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', 16 * 1024, 1024),
    rateLimitMax: integer('RATE_LIMIT_MAX', 100, 1),
    rateLimitWindowMs: integer('RATE_LIMIT_WINDOW_MS', 60_000, 1000),
    idempotencyTtlSeconds: integer('IDEMPOTENCY_TTL_SECONDS', 86_400, 60),
    idempotencyPendingSeconds: integer('IDEMPOTENCY_PENDING_SECONDS', PENDING_LEASE_SECONDS, 1),
    waitTimeoutMs: integer('WAIT_TIMEOUT_MS', 10_000, 100),
    runStreams: flag('RUN_STREAMS', true),
    runSink: flag('RUN_SINK', true),
    runPaymentWorker: flag('RUN_PAYMENT_WORKER', true),
  };
}
