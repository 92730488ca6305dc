/**
 * Configuration of a {@link KafkaStreams} instance, with its documented defaults. Only `applicationId`
 * and `bootstrapServers` are required.
 */

import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import pino, { type Logger } from 'pino';
import { DEFAULT_CACHE_MAX_BYTES } from '../../state/cache/thread-cache.js';
import type { DeserializationExceptionHandler, ProcessingExceptionHandler } from '../dead-letter.js';
import {
  defaultClientKind,
  KAFKA_CLIENT_KINDS,
  type KafkaClientKind,
} from '../internal/kafka/default-client.js';
import type { SaslConfig, TlsConfig } from '../internal/kafka/security.js';
import { RuntimeError } from './errors.js';
import type { ProductionExceptionHandler } from './production-errors.js';

/**
 * `at_least_once`: outputs acknowledged before offsets are committed; a crash replays (and may duplicate)
 * up to a commit interval. `exactly_once`: one Kafka transaction per stream thread (clients with KIP-447:
 * @platformatic/kafka) or per task (kafkajs) per commit holds the outputs, changelog records and input
 * offsets; consumers read `read_committed`.
 */
export type ProcessingGuarantee = 'at_least_once' | 'exactly_once';

/** What the uncaught-exception handler decides after a task or the consumer failed. */
export type UncaughtExceptionResponse = 'REPLACE_THREAD' | 'SHUTDOWN_CLIENT' | 'SHUTDOWN_APPLICATION';

/** Decides what happens after an error no other handler took; the default is `SHUTDOWN_CLIENT`. */
export type UncaughtExceptionHandler = (error: Error) => UncaughtExceptionResponse;

/** A built-in handler by name, or your own. */
export type DeserializationHandlerOption =
  | 'fail'
  | 'logAndContinue'
  | 'deadLetter'
  | DeserializationExceptionHandler;

/** A built-in handler by name, or your own. */
export type ProcessingHandlerOption = 'fail' | 'logAndContinue' | 'deadLetter' | ProcessingExceptionHandler;

/** A built-in handler by name, or your own. */
export type ProductionHandlerOption = 'fail' | 'logAndContinue' | 'deadLetter' | ProductionExceptionHandler;

/**
 * Where a member starts reading a source topic partition its group never committed an offset for (Kafka's
 * `auto.offset.reset`): `earliest` (the default, as in Kafka Streams) from the oldest record kept,
 * `latest` from records written after it joined, `none` refuses to start
 * (`STRM_ERR_RUNTIME_NO_COMMITTED_OFFSET`). Internal repartition topics always start at the earliest
 * offset, since their records are the application's own.
 */
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

/** What `new KafkaStreams(topology, config)` accepts. */
export interface StreamsConfig {
  /** Names the consumer group, prefixes internal topics and the state directory. Required. */
  readonly applicationId: string;
  /** `host:port` of the brokers, as a list or a comma-separated string. Required. */
  readonly bootstrapServers: string | ReadonlyArray<string>;
  /** Root of persistent stores: `<stateDir>/<applicationId>/<taskId>/<store>`. Default `<os tmpdir>/tstreams`. */
  readonly stateDir?: string;
  /**
   * Default `at_least_once`; `exactly_once` runs a transactional producer per stream thread (KIP-447,
   * @platformatic/kafka) or per task (kafkajs).
   */
  readonly processingGuarantee?: ProcessingGuarantee;
  /**
   * The Kafka client adapter: `kafkajs` (kafkajs 2.2.4) or `platformatic` (@platformatic/kafka 2.12).
   * Default: the environment variable `STREAMS_KAFKA_CLIENT` when it names one, else `kafkajs`.
   */
  readonly client?: KafkaClientKind;
  /** Where to start on a source partition without a committed offset; default `earliest`. */
  readonly autoOffsetReset?: AutoOffsetReset;
  /**
   * How often offsets are committed (after the outputs are acknowledged). Kafka Streams uses 30 s for
   * at-least-once; the default here is 1 s because kafkajs commits are cheap and a crash then replays at
   * most a second of input. Exactly-once defaults to 100 ms (outputs are visible only after a commit).
   */
  readonly commitIntervalMs?: number;
  /**
   * Warm copies of each stateful task on other instances, kept by following the task's changelogs, so that
   * a failover restores only a short tail. Default 0. Persistent (RocksDB) stores keep their warmth when
   * a standby is promoted; in-memory stores are rebuilt from the changelog.
   */
  readonly numStandbyReplicas?: number;
  /**
   * A member whose local state of a task is at most this many records behind the changelog counts as
   * caught up: a task only moves to a member that is not once it warmed up (Kafka Streams' default).
   * Default 10,000.
   */
  readonly acceptableRecoveryLag?: number;
  /** Most tasks warming up on new members at once. Default 2. */
  readonly maxWarmupReplicas?: number;
  /**
   * A member warming tasks up checks this often whether they caught up, and triggers the rebalance that
   * moves them when they have (or after ten checks regardless). Default 5,000 ms.
   */
  readonly probingRebalanceIntervalMs?: number;
  /** Undecodable input records. Default `fail`; `deadLetter` writes them to `<topic>.dlq`. */
  readonly deserializationExceptionHandler?: DeserializationHandlerOption;
  /**
   * Input records on which a processor throws. Default `fail`; `deadLetter` writes the input bytes to
   * `<topic>.dlq` (with the failing node in `x-dlq-failed-node`). Outputs the processor forwarded before
   * throwing are kept.
   */
  readonly processingExceptionHandler?: ProcessingHandlerOption;
  /** Records the broker refuses (too large, unknown topic). Default `fail`. */
  readonly productionExceptionHandler?: ProductionHandlerOption;
  /** Default: shut this instance down (`SHUTDOWN_CLIENT`). */
  readonly uncaughtExceptionHandler?: UncaughtExceptionHandler;
  /**
   * Output records buffered (produced but not yet acknowledged) before the loop waits for the producer:
   * the back-pressure bound. Default 20,000.
   */
  readonly maxBufferedRecords?: number;
  /** How often wall-clock punctuators are checked. Default 100 ms. */
  readonly wallClockTickMs?: number;
  /**
   * A task that reads several partitions (a join) processes their records in timestamp order; this is how
   * long it waits for records of an input that ran dry before it goes on without it (Kafka Streams'
   * `max.task.idle.ms`). Default 0: it waits only for an input known to have more than was fetched.
   */
  readonly maxTaskIdleMs?: number;
  /** Replication factor of internal topics; default `-1`, the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** Kafka client id prefix; default `<applicationId>`. */
  readonly clientId?: string;
  /**
   * Stream threads of this instance (Kafka Streams' `num.stream.threads`): each is one member of the
   * group with its own tasks, consumer, producers and record cache, so one process uses several cores.
   * Default 1: the topology runs on the main thread, as it always did. Above 1 every thread runs on a
   * `worker_threads` worker, which rebuilds the topology from {@link topologyModule} (a topology holds
   * functions and cannot be sent to a worker); without it the constructor refuses with
   * `STRM_ERR_RUNTIME_TOPOLOGY_MODULE_REQUIRED`. See `topology/runtime/README.md`, "Stream threads".
   */
  readonly numStreamThreads?: number;
  /**
   * With `numStreamThreads > 1`: the module (a path or a `file:` URL; a `.ts` file is loaded through
   * `tsx`) each stream thread imports to build its topology. Its export `buildTopology(args)` returns the
   * {@link Topology} (or a promise of it), called with {@link topologyModuleArgs}; an optional export
   * `streamsConfig` gives the options that are functions or objects a worker cannot receive (the
   * logger, handler functions, a SASL token provider).
   *
   * @example
   * // topology.ts: export function buildTopology(args: { input: string }) { return new Topology()... }
   * new KafkaStreams(buildTopology({ input: 'orders' }), {
   *   applicationId: 'orders', bootstrapServers: 'localhost:9092',
   *   numStreamThreads: 2, topologyModule: new URL('./topology.ts', import.meta.url), topologyModuleArgs: { input: 'orders' },
   * });
   */
  readonly topologyModule?: string | URL;
  /** What `buildTopology` of {@link topologyModule} is called with; structured-cloneable. Default undefined. */
  readonly topologyModuleArgs?: unknown;
  /**
   * Bytes of the record cache shared by every caching store of the instance (Kafka Streams'
   * `statestore.cache.max.bytes`), divided evenly among its tasks that have a caching store.
   * DSL-materialized stores cache by default: writes to a key between two commits reach the store, its
   * changelog and downstream once, with the latest value, at commit (or when the task's share is full).
   * Default 10 MiB; 0 disables caching (every update is written and forwarded at once).
   */
  readonly cacheMaxBytes?: number;
  /**
   * `host:port` where this instance answers interactive queries. Shared with the group at every
   * rebalance, so that any instance can tell which one holds a key (`metadataForKey`). Default none.
   */
  readonly applicationServer?: string;
  /** pino logger; default a pino logger at `info` named after the application. */
  readonly logger?: Logger;
  /**
   * TLS to the brokers (Kafka's SSL / SASL_SSL): `true` trusts Node's public CAs, an object names the CA,
   * client certificate and key. Default off, or on when `sasl` is set. Used by every client the runtime
   * creates (consumers, producers, admin, the state updater's changelog reader).
   */
  readonly ssl?: boolean | TlsConfig;
  /** SASL authentication: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, or OAUTHBEARER with a token provider. */
  readonly sasl?: SaslConfig;
  /**
   * How long `start()` tries to reach a broker before it fails with `STRM_ERR_KAFKA_UNREACHABLE`. A
   * refused password (`STRM_ERR_KAFKA_AUTHENTICATION`) or certificate (`STRM_ERR_KAFKA_TLS`) fails at once.
   * Default 30 s.
   */
  readonly bootstrapTimeoutMs?: number;
  /** Consumer tuning; the defaults are the ones measured best with kafkajs 2.2.4. */
  readonly consumer?: {
    readonly maxBytesPerPartition?: number;
    readonly maxWaitTimeMs?: number;
    readonly sessionTimeoutMs?: number;
    readonly heartbeatIntervalMs?: number;
    readonly rebalanceTimeoutMs?: number;
    /**
     * While records flow, how long a fetch of the stream thread waits for {@link fetchLingerBytes} before it
     * answers with what it has, milliseconds; after a fetch that came back empty the next one answers with
     * the first record, so a record after a quiet spell is not delayed. Fewer, fuller fetches: kafkajs names
     * every assigned partition in each fetch (it has no fetch sessions), and at 10,000 reservations a minute
     * fetching at every record cost about 40 % of the pipeline's CPU (bench/RESULTS.md, "Fetch linger").
     * Default 10; 0 fetches at every record (as the Java consumer's `fetch.min.bytes` 1 does).
     */
    readonly fetchLingerMs?: number;
    /** What a lingering fetch waits for, bytes. Default 65,536. */
    readonly fetchLingerBytes?: number;
  };
  /** Producer tuning. */
  readonly producer?: {
    readonly chunkSize?: number;
    /**
     * Idempotent producers working side by side, each owning the output partitions `p % lanes`, so that
     * this many produce requests can be in flight while each partition keeps its order. Default 1.
     */
    readonly lanes?: number;
    /**
     * Exactly-once: first retry delay of the transactional producers, ms. kafkajs waits it after the
     * coordinator answers CONCURRENT_TRANSACTIONS right after a commit (kafkajs issue 304). Default 10.
     */
    readonly transactionRetryMs?: number;
  };
}

/** The configuration with every default filled in. */
export interface ResolvedStreamsConfig {
  readonly applicationId: string;
  readonly brokers: ReadonlyArray<string>;
  readonly stateDir: string;
  readonly processingGuarantee: ProcessingGuarantee;
  readonly client: KafkaClientKind;
  readonly autoOffsetReset: AutoOffsetReset;
  readonly commitIntervalMs: number;
  readonly numStandbyReplicas: number;
  readonly acceptableRecoveryLag: number;
  readonly maxWarmupReplicas: number;
  readonly probingRebalanceIntervalMs: number;
  readonly deserializationExceptionHandler: DeserializationHandlerOption;
  readonly processingExceptionHandler: ProcessingHandlerOption;
  readonly productionExceptionHandler: ProductionHandlerOption;
  readonly uncaughtExceptionHandler: UncaughtExceptionHandler;
  readonly maxBufferedRecords: number;
  readonly wallClockTickMs: number;
  readonly maxTaskIdleMs: number;
  readonly replicationFactor: number;
  readonly clientId: string;
  readonly numStreamThreads: number;
  /** A `file:` URL; set when `numStreamThreads > 1`. */
  readonly topologyModule: string | undefined;
  readonly topologyModuleArgs: unknown;
  /**
   * Identifies this process (this `KafkaStreams`) in the group, as Kafka Streams' `processId`: the stream
   * threads of one instance announce the same one, so the assignor puts standbys on another process.
   */
  readonly processId: string;
  readonly cacheMaxBytes: number;
  readonly applicationServer: string | undefined;
  readonly logger: Logger;
  readonly ssl: boolean | TlsConfig | undefined;
  readonly sasl: SaslConfig | undefined;
  readonly bootstrapTimeoutMs: number;
  readonly consumer: NonNullable<StreamsConfig['consumer']> & {
    readonly fetchLingerMs: number;
    readonly fetchLingerBytes: number;
  };
  readonly producer: NonNullable<StreamsConfig['producer']>;
}

const APPLICATION_ID = /^[a-zA-Z0-9._-]+$/;

/** Fills in defaults and rejects settings the runtime cannot honour, with a {@link RuntimeError}. */
export function resolveConfig(config: StreamsConfig): ResolvedStreamsConfig {
  const fail = (message: string): never => {
    throw new RuntimeError('STRM_ERR_RUNTIME_CONFIG', message);
  };
  if (typeof config.applicationId !== 'string' || !APPLICATION_ID.test(config.applicationId)) {
    fail(
      `applicationId "${String(config.applicationId)}" is not valid: use letters, digits, '.', '_' and '-' (it names the consumer group and internal topics)`,
    );
  }
  const brokers = (
    typeof config.bootstrapServers === 'string'
      ? config.bootstrapServers.split(',')
      : [...(config.bootstrapServers ?? [])]
  )
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0)
    fail('bootstrapServers is empty: give at least one "host:port" of the Kafka cluster');
  const guarantee = config.processingGuarantee ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once') {
    fail(`processingGuarantee "${String(guarantee)}" is not known; use "at_least_once" or "exactly_once"`);
  }
  const client = config.client ?? defaultClientKind();
  if (!KAFKA_CLIENT_KINDS.includes(client))
    fail(
      `client "${String(client)}" is not known; use ${KAFKA_CLIENT_KINDS.map((kind) => `"${kind}"`).join(' or ')}`,
    );
  const autoOffsetReset = config.autoOffsetReset ?? 'earliest';
  if (!['earliest', 'latest', 'none'].includes(autoOffsetReset)) {
    fail(`autoOffsetReset "${String(autoOffsetReset)}" is not known; use "earliest", "latest" or "none"`);
  }
  const count = (name: string, value: number | undefined, fallback: number, min: number): number => {
    const resolved = value ?? fallback;
    if (!Number.isInteger(resolved) || resolved < min)
      fail(`${name} must be an integer >= ${min}, got ${resolved}`);
    return resolved;
  };
  const numStandbyReplicas = count('numStandbyReplicas', config.numStandbyReplicas, 0, 0);
  const acceptableRecoveryLag = count('acceptableRecoveryLag', config.acceptableRecoveryLag, 10_000, 0);
  // Zero would keep tasks on their caught-up members for ever (nothing ever warms up).
  const maxWarmupReplicas = count('maxWarmupReplicas', config.maxWarmupReplicas, 2, 1);
  const maxTaskIdleMs = count('maxTaskIdleMs', config.maxTaskIdleMs, 0, 0);
  const probingRebalanceIntervalMs = count(
    'probingRebalanceIntervalMs',
    config.probingRebalanceIntervalMs,
    5_000,
    1,
  );
  // Exactly-once outputs become visible only at commit: a short interval keeps end-to-end latency low.
  const commitIntervalMs = config.commitIntervalMs ?? (guarantee === 'exactly_once' ? 100 : 1_000);
  if (!(commitIntervalMs > 0))
    fail(`commitIntervalMs must be a positive number of milliseconds, got ${commitIntervalMs}`);
  const cacheMaxBytes = config.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  if (!Number.isSafeInteger(cacheMaxBytes) || cacheMaxBytes < 0)
    fail(`cacheMaxBytes must be a whole number of bytes >= 0 (0 disables caching), got ${cacheMaxBytes}`);
  const bootstrapTimeoutMs = config.bootstrapTimeoutMs ?? 30_000;
  if (!(bootstrapTimeoutMs > 0))
    fail(`bootstrapTimeoutMs must be a positive number, got ${bootstrapTimeoutMs}`);
  const sasl = config.sasl;
  if (sasl !== undefined) {
    const known = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'];
    if (!known.includes(sasl.mechanism))
      fail(`sasl.mechanism "${String(sasl.mechanism)}" is not supported; use one of ${known.join(', ')}`);
    if (sasl.mechanism === 'oauthbearer' && typeof sasl.tokenProvider !== 'function')
      fail('sasl.mechanism "oauthbearer" needs a tokenProvider function that returns { value: token }');
    if (sasl.mechanism !== 'oauthbearer' && (!sasl.username || typeof sasl.password !== 'string'))
      fail(`sasl.mechanism "${sasl.mechanism}" needs a username and a password`);
  }
  const numStreamThreads = count('numStreamThreads', config.numStreamThreads, 1, 1);
  if (numStreamThreads > 1 && config.topologyModule === undefined) {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_REQUIRED',
      `numStreamThreads ${numStreamThreads} runs each stream thread on a worker thread, which cannot receive ` +
        'the topology (it holds functions): set topologyModule to a module whose export buildTopology(args) ' +
        'builds the same topology, or use numStreamThreads 1',
    );
  }
  const maxBufferedRecords = config.maxBufferedRecords ?? 20_000;
  if (!(maxBufferedRecords >= 1)) fail(`maxBufferedRecords must be at least 1, got ${maxBufferedRecords}`);
  return {
    applicationId: config.applicationId,
    brokers,
    stateDir: config.stateDir ?? join(tmpdir(), 'tstreams'),
    processingGuarantee: guarantee,
    client,
    autoOffsetReset,
    commitIntervalMs,
    numStandbyReplicas,
    acceptableRecoveryLag,
    maxWarmupReplicas,
    probingRebalanceIntervalMs,
    deserializationExceptionHandler: config.deserializationExceptionHandler ?? 'fail',
    processingExceptionHandler: config.processingExceptionHandler ?? 'fail',
    productionExceptionHandler: config.productionExceptionHandler ?? 'fail',
    uncaughtExceptionHandler: config.uncaughtExceptionHandler ?? (() => 'SHUTDOWN_CLIENT'),
    maxBufferedRecords,
    wallClockTickMs: config.wallClockTickMs ?? 100,
    maxTaskIdleMs,
    replicationFactor: config.replicationFactor ?? -1,
    clientId: config.clientId ?? config.applicationId,
    numStreamThreads,
    topologyModule: moduleUrl(config.topologyModule),
    topologyModuleArgs: config.topologyModuleArgs,
    processId: randomUUID(),
    cacheMaxBytes,
    applicationServer: config.applicationServer,
    logger: config.logger ?? pino({ name: config.applicationId, level: 'info' }),
    ssl: config.ssl,
    sasl: config.sasl,
    bootstrapTimeoutMs,
    consumer: {
      ...config.consumer,
      fetchLingerMs: count('consumer.fetchLingerMs', config.consumer?.fetchLingerMs, 10, 0),
      fetchLingerBytes: count('consumer.fetchLingerBytes', config.consumer?.fetchLingerBytes, 65_536, 1),
    },
    producer: config.producer ?? {},
  };
}

/** A module path (relative to the working directory) or URL as the `file:` URL a worker imports. */
function moduleUrl(module: string | URL | undefined): string | undefined {
  if (module === undefined) return undefined;
  if (module instanceof URL) return module.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}
