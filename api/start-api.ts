/**
 * Starts one instance of the application: applies the migrations, creates missing topics, connects the
 * publisher, and runs (as configured) the reservation topology on {@link KafkaStreams}, the payment
 * worker, the system-of-record sink and the HTTP server. `close()` stops them in reverse order. Used by
 * `main.ts` and by the integration tests (which run instances with their own topic prefix and database).
 */
// The library first: its kafkajs adapter installs its correction of kafkajs' read_committed filter
// before it loads kafkajs, and refuses read_committed reads (the dead-letter listing) and exactly-once
// when something else loaded kafkajs first.
import '../topology/runtime/index.js';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, register as defaultRegistry, type Registry } from 'prom-client';
import { ResilientPaymentGateway } from '../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../processors/domain/payment/simulated-gateway.js';
import type { PropertyCatalog } from '../processors/domain/reference-data.js';
import { loadPropertyCatalog } from '../processors/domain/reference-data-loader.js';
import { DEFAULT_STAY_LIMITS } from '../processors/domain/stay.js';
import {
  ALERT_STORES,
  type AlertState,
  newAlertStats,
} from '../processors/topology/analytics/alerts-processor.js';
import { buildReservationTopology } from '../processors/topology/build-reservation-topology.js';
import { STORES } from '../processors/topology/config.js';
import { PaymentWorker } from '../processors/topology/payment-worker.js';
import { avroReservationSerdes } from '../processors/topology/serdes.js';
import { HttpSchemaRegistryClient } from '../schemas/registry/http-schema-registry.js';
import type { ReadOnlyKeyValueStore } from '../state/store.js';
import { createKafkaClient } from '../topology/internal/kafka/default-client.js';
import type { KafkaClient } from '../topology/internal/kafka/kafka-client.js';
import { KafkaStreams } from '../topology/runtime/kafka-streams.js';
import { registerStreamsMetrics } from '../topology/runtime/metrics.js';
import { buildApp } from './app.js';
import { PostgresApiKeyStore } from './auth/api-keys.js';
import { CachedApiKeyStore } from './auth/cached-api-key-store.js';
import { PostgresReservationOwners } from './auth/reservation-owners.js';
import type { ApiConfig } from './config.js';
import { dashboardOptions } from './dashboard/dashboard-wiring.js';
import { migrate } from './db/migrate.js';
import { KafkaDeadLetterService } from './dlq/kafka-dead-letter-service.js';
import { REDACTED_PATHS } from './http/logging.js';
import { ensureTopics } from './kafka/ensure-topics.js';
import { KafkaEventPublisher } from './kafka/kafka-event-publisher.js';
import { topicNamer } from './kafka/topics.js';
import { warmUpSerdes } from './kafka/warm-up-serdes.js';
import { LagAlerts } from './ops/lag-alerts.js';
import type { ReadinessCheck } from './ops/ops-routes.js';
import { PaymentWorkerLoop } from './payments/payment-worker-loop.js';
import { PostgresSimulatorLedger } from './payments/postgres-simulator-ledger.js';
import { registerAlertMetrics } from './queries/analytics-alert-metrics.js';
import { StoreAnalyticsQueries } from './queries/analytics-queries.js';
import { PostgresPropertyQueries } from './queries/postgres-property-queries.js';
import type { PropertyReadRoute, PropertyRoutesOptions } from './queries/property-routes.js';
import { RedisReservationProperties, rememberingProperties } from './queries/reservation-properties.js';
import { StorePropertyQueries } from './queries/store-property-queries.js';
import { StoreReadRouter } from './queries/store-read-router.js';
import { StoreReservationReader } from './queries/store-reservation-reader.js';
import { RedisConfirmationNumbers } from './reservations/confirmation-numbers.js';
import { DecisionFeed } from './reservations/decision-feed.js';
import { DecisionWaiters } from './reservations/decision-waiters.js';
import { RedisIdempotencyStore } from './reservations/idempotency.js';
import type { ReservationRoutesOptions } from './reservations/reservation-routes.js';
import type { ReservationLedger } from './reservations/reservation-view.js';
import { countingLookups, registerWaitMetrics } from './reservations/wait-metrics.js';
import { PostgresReservationLedger } from './sink/postgres-ledger.js';
import { SystemOfRecordSink } from './sink/system-of-record-sink.js';

/** A running instance. */
export interface RunningApi {
  readonly app: FastifyInstance;
  readonly config: ApiConfig;
  /** The HTTP requests' Postgres pool. */
  readonly pool: pg.Pool;
  /** The sink's and the payment simulator ledger's Postgres pool. */
  readonly backgroundPool: pg.Pool;
  readonly redis: Redis;
  readonly kafka: KafkaClient;
  readonly apiKeys: PostgresApiKeyStore;
  readonly streams: KafkaStreams | undefined;
  readonly sink: SystemOfRecordSink | undefined;
  readonly logger: Logger;
  /** Stops everything; idempotent. */
  close(): Promise<void>;
}

/** Registries that already collect the process metrics (registering them twice would throw). */
const processMetricsCollected = new WeakSet<Registry>();

/** The process's pino logger: named after the application, at `LOG_LEVEL`, secrets redacted. */
export function createLogger(config: ApiConfig): Logger {
  return pino({
    name: config.applicationId,
    level: config.logLevel,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  });
}

/** What {@link startApi} takes besides the configuration. */
export interface StartApiOptions {
  /** Metrics registry (default: prom-client's global one). */
  readonly registry?: Registry;
  readonly logger?: Logger;
  /**
   * The clock that stamps accepted commands (`occurredAt`, record timestamps); default `Date.now`. Tests
   * give instances skewed clocks to show that nothing downstream orders by these stamps.
   */
  readonly clock?: () => number;
}

/** Starts an instance from `config` (the server is built but not listening; call `app.listen`). */
export async function startApi(config: ApiConfig, options: StartApiOptions = {}): Promise<RunningApi> {
  const logger = options.logger ?? createLogger(config);
  const registry = options.registry ?? defaultRegistry;
  // The process metrics, among them the event-loop delay (`nodejs_eventloop_lag_p99_seconds` and its
  // siblings, which prom-client measures with perf_hooks' monitorEventLoopDelay): a saturated process
  // shows there before its requests time out.
  if (!processMetricsCollected.has(registry)) {
    collectDefaultMetrics({ register: registry });
    processMetricsCollected.add(registry);
  }
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    while (closers.length > 0) {
      await closers.pop()!().catch((error: unknown) => logger.warn({ err: error }, 'error while closing'));
    }
  };
  try {
    await migrate(config.databaseUrl, logger);
    // Two pools: the HTTP requests' and the background consumers' (sink, payment simulator ledger). On
    // one shared pool a sink catching up held the connections the bookings wait for (bench/RESULTS.md,
    // bench:http: thousands of requests queued for a connection at 10,000 bookings/min).
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize });
    const backgroundPool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: config.databaseBackgroundPoolSize,
    });
    for (const p of [pool, backgroundPool]) {
      // An idle client the server terminates (restart, failover, admin command) emits 'error' on the pool;
      // without a listener that would crash the process. The pool replaces the client on next use.
      p.on('error', (error) => logger.warn({ err: error }, 'idle Postgres connection lost'));
      closers.push(() => p.end());
    }
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
    closers.push(() => redis.quit());
    // One client of the library's Kafka client port for the publisher, the side consumers, the
    // dead-letter service, topic creation and the dashboard. Its log goes into the process's pino log,
    // with the runtime's demotions: kafkajs' own logger wrote about 100 ERROR lines per instance
    // ('Response Heartbeat ... The group is rebalancing') at every rebalance.
    const kafka = createKafkaClient({
      clientId: `${config.applicationId}-api`,
      brokers: config.kafkaBrokers,
      logger,
      clientLogLevel: 'warn',
    });
    const registryClient = new HttpSchemaRegistryClient({ url: config.schemaRegistryUrl });
    const names = topicNamer(config.topicPrefix);
    const created = await ensureTopics(kafka, names, config.topicPartitions);
    if (created.length > 0) logger.info({ topics: created }, 'created missing topics');

    const publisher = new KafkaEventPublisher(kafka, registryClient, names);
    await publisher.connect();
    closers.push(() => publisher.close());
    const catalog =
      config.referenceDataPath === '' ? loadPropertyCatalog() : loadPropertyCatalog(config.referenceDataPath);

    let streams: KafkaStreams | undefined;
    let keyBytes: ((propertyId: string) => Buffer) | undefined;
    let topologyMermaid: string | undefined;
    if (config.runStreams) {
      const serdes = avroReservationSerdes(registryClient);
      // The bytes the producers' partitioner hashed: the key serde of the topology's input topics.
      const keyContext = { topic: names('reservation.created'), isKey: true };
      keyBytes = (propertyId) => serdes.key.serialize(propertyId, keyContext)!;
      await warmUpSerdes(serdes, registryClient, names);
      const alertStats = newAlertStats();
      const topology = buildReservationTopology(
        { catalog, serdes, topicPrefix: config.topicPrefix },
        { alertStats },
      );
      topologyMermaid = topology.describe().toMermaid();
      streams = await startStreams(
        () =>
          new KafkaStreams(topology, {
            applicationId: config.applicationId,
            bootstrapServers: config.kafkaBrokers,
            stateDir: config.stateDir,
            applicationServer: config.advertisedServer,
            numStandbyReplicas: config.numStandbyReplicas,
            consumer: { sessionTimeoutMs: config.sessionTimeoutMs },
            deserializationExceptionHandler: 'deadLetter',
            logger,
          }),
        registry,
        logger,
        closers,
      );
      const running = streams;
      const unregister = registerAlertMetrics(registry, alertStats, () =>
        running
          .localStores<ReadOnlyKeyValueStore<string, AlertState>>(ALERT_STORES.alerts)
          .map((s) => s.store),
      );
      closers.push(async () => unregister());
    }
    if (config.runPaymentWorker) {
      // The simulator's authorisations in Postgres, which every instance reaches: a capture or refund
      // works whichever instance's worker handles it, after any rebalance.
      const gateway = new ResilientPaymentGateway(
        new SimulatedPaymentGateway({ ledger: new PostgresSimulatorLedger(backgroundPool) }),
      );
      // Its circuit breaker keeps timers; closed after the loop that uses it (closers run in reverse).
      closers.push(async () => gateway.close());
      const loop = new PaymentWorkerLoop({
        kafka,
        worker: new PaymentWorker(gateway, {
          applicationId: config.applicationId,
        }),
        publisher,
        registry: registryClient,
        names,
        groupId: `${config.applicationId}-payments`,
        logger,
        concurrency: config.paymentConcurrency,
        commitIntervalMs: config.paymentCommitIntervalMs,
        fetchLingerMs: config.paymentFetchLingerMs,
        applicationId: config.applicationId,
        sessionTimeoutMs: config.sessionTimeoutMs,
      });
      closers.push(() => loop.stop());
      await loop.start();
    }
    let sink: SystemOfRecordSink | undefined;
    if (config.runSink) {
      sink = new SystemOfRecordSink({
        kafka,
        pool: backgroundPool,
        registry: registryClient,
        names,
        groupId: `${config.applicationId}-sink`,
        logger,
        metrics: registry,
        // The library's changelog naming, `<applicationId>-<store>-changelog`.
        stateChangelog: `${config.applicationId}-${STORES.reservations}-changelog`,
        sessionTimeoutMs: config.sessionTimeoutMs,
      });
      const running = sink;
      closers.push(() => running.stop());
      await sink.start();
    }

    // Started before the server answers, so every decision a waiting request needs comes after its start.
    const waiters = new DecisionWaiters();
    registerWaitMetrics(waiters, registry);
    const decisions = new DecisionFeed({
      kafka,
      registry: registryClient,
      names,
      applicationId: config.applicationId,
      waiters,
      logger,
    });
    closers.push(() => decisions.stop());
    await decisions.start();

    const lagAlerts = new LagAlerts(registry);
    lagAlerts.start();
    closers.push(async () => lagAlerts.stop());
    const apiKeys = new PostgresApiKeyStore(pool);
    const readiness: ReadinessCheck[] = [
      {
        name: 'postgres',
        check: async () => {
          await pool.query('SELECT 1');
          return { ready: true };
        },
      },
      { name: 'redis', check: async () => ({ ready: (await redis.ping()) === 'PONG' }) },
    ];
    if (streams !== undefined) {
      const s = streams;
      readiness.push({
        name: 'streams',
        check: async () => ({ ready: s.state === 'RUNNING', detail: `state ${s.state}` }),
      });
    }
    if (sink !== undefined) {
      const s = sink;
      readiness.push({ name: 'sink', check: async () => ({ ready: s.running }) });
    }
    const ledger = new PostgresReservationLedger(pool);
    const postgresQueries = new PostgresPropertyQueries(pool, catalog);
    const cachedKeys = new CachedApiKeyStore(apiKeys);
    const dashboard = await dashboardOptions({
      kafka,
      applicationId: config.applicationId,
      topicPrefix: config.topicPrefix,
      advertisedServer: config.advertisedServer,
      apiKeys: cachedKeys,
      catalog,
      waiters,
      ...(streams === undefined ? {} : { streams }),
      ...(topologyMermaid === undefined ? {} : { topologyMermaid }),
    });
    closers.push(dashboard.close);
    const reads = storeReads(config, catalog, redis, ledger, postgresQueries, streams, keyBytes);
    const app = await buildApp(
      {
        apiKeys: cachedKeys,
        registry,
        redis,
        reservations: {
          catalog,
          stayLimits: DEFAULT_STAY_LIMITS,
          publisher,
          confirmationNumbers: new RedisConfirmationNumbers(redis, config.redisKeyPrefix),
          idempotency: new RedisIdempotencyStore(
            redis,
            config.redisKeyPrefix,
            config.idempotencyTtlSeconds,
            config.idempotencyPendingSeconds,
          ),
          owners: new PostgresReservationOwners(pool),
          ledger: countingLookups(reads?.ledger ?? ledger, registry),
          waitTimeoutMs: config.waitTimeoutMs,
          waiters,
          now: options.clock ?? Date.now,
          ...(reads === undefined ? {} : { storeReads: reads.reservations }),
        },
        ops: { registry, readiness, lagAlerts },
        properties: reads?.properties ?? { catalog, queries: postgresQueries },
        dlq: {
          service: new KafkaDeadLetterService(kafka, pool, publisher, registryClient),
        },
        dashboard: dashboard.options,
      },
      {
        logLevel: config.logLevel,
        bodyLimitBytes: config.bodyLimitBytes,
        rateLimitMax: config.rateLimitMax,
        rateLimitWindowMs: config.rateLimitWindowMs,
        redisKeyPrefix: config.redisKeyPrefix,
      },
    );
    closers.push(() => app.close());
    // Before the server closes (closers run in reverse): fastify's close waits for requests in flight, and
    // a `?wait=true` would hold it, and the streams' leaving the group, up to WAIT_TIMEOUT_MS.
    closers.push(async () => waiters.close());
    await app.ready();
    return { app, config, pool, backgroundPool, redis, kafka, apiKeys, streams, sink, logger, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Starts the streams runtime, retrying a retriable start failure (e.g. a freshly created topic without a
 * leader yet) with a new instance, since an instance starts once; at most 3 tries, 2 s apart.
 */
async function startStreams(
  create: () => KafkaStreams,
  registry: Registry,
  logger: Logger,
  closers: Array<() => Promise<unknown>>,
): Promise<KafkaStreams> {
  for (let attempt = 1; ; attempt++) {
    const streams = create();
    const stopMetrics = registerStreamsMetrics(streams, { registry });
    try {
      await streams.start();
      closers.push(async () => stopMetrics());
      closers.push(() => streams.close());
      return streams;
    } catch (error) {
      stopMetrics();
      await streams.close().catch(() => undefined);
      const retriable = (error as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= 3) throw error;
      logger.warn({ err: error, attempt }, 'streams start failed; retrying with a new instance');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
}

/**
 * The store-backed reads, when the streams run in this process: property reads and `GET /reservations/:n`
 * answered from the state stores of the instance that owns the property, forwarded there when that is
 * another instance. API-only instances (no streams) keep reading the system of record.
 */
function storeReads(
  config: ApiConfig,
  catalog: PropertyCatalog,
  redis: Redis,
  ledger: PostgresReservationLedger,
  postgresQueries: PostgresPropertyQueries,
  streams: KafkaStreams | undefined,
  keyBytes: ((propertyId: string) => Buffer) | undefined,
):
  | {
      ledger: ReservationLedger;
      properties: PropertyRoutesOptions;
      reservations: NonNullable<ReservationRoutesOptions['storeReads']>;
    }
  | undefined {
  if (streams === undefined || keyBytes === undefined) return undefined;
  const router = new StoreReadRouter({ streams, self: config.advertisedServer, keyBytes });
  // Every store of a property lives in the property's task (one sub-topology, partitioned by property):
  // routing by one store routes them all; a store read elsewhere would fail with a retriable 503.
  const byInventory: PropertyReadRoute = (request, reply, propertyId, readHere) =>
    router.route(request, reply, STORES.inventory, propertyId, readHere);
  const properties = new RedisReservationProperties(redis, config.redisKeyPrefix, ledger);
  return {
    ledger: rememberingProperties(ledger, properties),
    properties: {
      catalog,
      queries: new StorePropertyQueries({ stores: router, catalog, archive: postgresQueries }),
      analytics: new StoreAnalyticsQueries({ stores: router, catalog }),
      route: byInventory,
    },
    reservations: {
      properties,
      route: (request, reply, propertyId, readHere) =>
        router.route(request, reply, STORES.reservations, propertyId, readHere),
      reader: new StoreReservationReader(router, ledger),
    },
  };
}
