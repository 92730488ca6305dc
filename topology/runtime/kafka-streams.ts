/**
 * `KafkaStreams`: runs a {@link Topology} on a Kafka cluster as one member of the consumer group named
 * after its `applicationId`. Start several instances (processes) with the same id and the tasks spread
 * across them; stop one and its tasks move to the others.
 */
import type { Logger } from 'pino';
import { register as defaultRegistry, type Registry } from 'prom-client';
import { type RecordCacheStatistics, ThreadCache } from '../../state/cache/thread-cache.js';
import { createKafkaClient } from '../internal/kafka/default-client.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { Topology } from '../topology.js';
import { requestApplicationShutdown } from './brief-member.js';
import { type ResolvedStreamsConfig, resolveConfig, type StreamsConfig } from './config.js';
import { RuntimeError } from './errors.js';
import { createStreamsEventEmitter, type StreamsEventEmitter } from './events.js';
import { GlobalStreamThread } from './global-stream-thread.js';
import { prepareTopics } from './internal-topic-manager.js';
import { KafkaStreamsQueries } from './kafka-streams-queries.js';
import { closeOnSignals } from './shutdown-signals.js';
import { deleteApplicationState } from './state-directory.js';
import { StreamThread } from './stream-thread.js';
import { StreamThreads } from './stream-threads.js';
import { isValidTransition, type StreamsState } from './streams-state.js';
import { computeTaskLayout, type TaskLayout } from './task-layout.js';
import { RecoveryBudget, replaceThread } from './thread-recovery.js';

export type { StaleStore } from './queryable-store-provider.js';
export type { StoreQuery, StoreQueryResult } from './store-query.js';
export type { ThreadMetadata } from './stream-threads.js';

/** Called on every lifecycle change. */
export type StateListener = (newState: StreamsState, oldState: StreamsState) => void;

/**
 * A running topology.
 *
 * @example
 * const streams = new KafkaStreams(topology, { applicationId: 'word-count', bootstrapServers: 'localhost:9092' });
 * streams.setStateListener((next, prev) => console.log(prev, '->', next));
 * streams.installShutdownHandler(); // close cleanly on SIGTERM / SIGINT
 * await streams.start();
 */
export class KafkaStreams extends KafkaStreamsQueries {
  /** Typed instrumentation events; see {@link StreamsEvents}. */
  readonly events: StreamsEventEmitter = createStreamsEventEmitter();
  readonly #topology: Topology;
  readonly #userConfig: StreamsConfig;
  /** Set in a stream thread's worker: the instance (on the main thread) whose handler decides. */
  readonly #workerOf: string | undefined;
  /** Set in a stream thread's worker: the main thread prepared the topics, this computes the same layout. */
  readonly #userTopicCounts: ReadonlyMap<string, number> | undefined;
  readonly #config: ResolvedStreamsConfig;
  readonly #logger: Logger;
  #state: StreamsState = 'CREATED';
  #stateListener: StateListener | undefined;
  #kafka: KafkaClient | undefined;
  #plan: TopologyPlan | undefined;
  #layout: TaskLayout | undefined;
  #thread: StreamThread | undefined;
  /** `numStreamThreads > 1`: the stream threads on workers; `#thread` then stays undefined. */
  #threads: StreamThreads | undefined;
  #global: GlobalStreamThread | undefined;
  #cache: ThreadCache | undefined;
  #threadCount = 0;
  #closing: Promise<void> | undefined;
  /** Aborted by `close()`: stops the retries of a thread replacement. */
  readonly #closeRequested = new AbortController();
  /** Threads replaced without the handler lately (`thread-recovery.ts`). */
  readonly #recoveries = new RecoveryBudget();
  #signalCleanup: (() => void) | undefined;
  /**
   * Validates the configuration (throws a `STRM_ERR_RUNTIME_CONFIG` {@link RuntimeError}, or
   * `STRM_ERR_RUNTIME_TOPOLOGY_MODULE_REQUIRED` for `numStreamThreads > 1` without `topologyModule`);
   * connects nothing yet. `internal` is the runtime's own: a stream thread's worker (`numStreamThreads > 1`)
   * shares its instance's process id, and its instance's handler decides what its uncaught errors lead to.
   */
  constructor(
    topology: Topology,
    config: StreamsConfig,
    internal: {
      readonly processId?: string;
      readonly workerOf?: string;
      readonly userTopicCounts?: ReadonlyMap<string, number>;
    } = {},
  ) {
    const resolved = resolveConfig(config);
    super({
      numStreamThreads: resolved.numStreamThreads,
      state: () => this.#state,
      plan: () => this.#plan,
      layout: () => this.#layout,
      thread: () => this.#thread,
      threads: () => this.#threads,
      global: () => this.#global,
      threadName: () => `StreamThread-${this.#threadCount}`,
    });
    this.#workerOf = internal.workerOf;
    this.#userTopicCounts = internal.userTopicCounts;
    this.#topology = topology;
    this.#userConfig = config;
    this.#config =
      internal.processId === undefined ? resolved : { ...resolved, processId: internal.processId };
    this.#logger = this.#config.logger.child({ applicationId: this.#config.applicationId });
  }

  /** The current lifecycle state. */
  get state(): StreamsState {
    return this.#state;
  }

  /** The application id (also the consumer group id). */
  get applicationId(): string {
    return this.#config.applicationId;
  }

  /** Sets the one listener called on every state change (the `stateChange` event serves more). */
  setStateListener(listener: StateListener): void {
    this.#stateListener = listener;
  }

  /**
   * The record cache's totals (hits, misses, hit ratio, evictions, entries and bytes held, the budget),
   * since the current stream thread started; undefined before the instance started. Read by the metrics
   * at scrape time: the processing loop only counts.
   */
  recordCacheStatistics(): RecordCacheStatistics | undefined {
    if (this.#threads !== undefined) return this.#threads.recordCacheStatistics();
    return this.#cache?.statistics();
  }

  /**
   * The Prometheus metrics of `registry` (prom-client's default registry unless given) together with what
   * the stream threads' workers registered in their own default registries (`numStreamThreads > 1`: a
   * `droppedRecordsMetric` or your processors' metrics live in the worker that runs the topology), summed
   * by name and labels as prom-client's `AggregatorRegistry` does. With one thread, `registry` itself. The
   * `tstreams_*` series of `registerStreamsMetrics` are fed on the main thread by every thread's events.
   *
   * @example
   * app.get('/metrics', async () => (await streams.aggregatedMetrics()).metrics());
   */
  async aggregatedMetrics(registry: Registry = defaultRegistry): Promise<Registry> {
    return this.#threads === undefined ? registry : this.#threads.aggregatedMetrics(registry);
  }

  /**
   * Creates the internal topics, checks co-partitioning, joins the group and starts processing. Resolves
   * once the member runs; the state is `REBALANCING` until the first assignment is applied, then `RUNNING`.
   */
  async start(): Promise<void> {
    if (this.#state !== 'CREATED') {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_ILLEGAL_STATE',
        `start() was called in state ${this.#state}; an instance starts once: create a new KafkaStreams to start again`,
      );
    }
    this.#setState('REBALANCING');
    const { clientId, brokers, ssl, sasl } = this.#config;
    const clientOptions = { clientId, brokers, logger: this.#logger, ssl, sasl };
    const kafka = createKafkaClient(clientOptions, this.#config.client);
    this.#kafka = kafka;
    try {
      // Refused (STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE) when the client cannot read committed records
      // correctly in this process (kafkajs loaded before the library): exactly-once would not hold.
      if (this.#config.processingGuarantee === 'exactly_once')
        kafka.requireReadCommitted("processingGuarantee 'exactly_once'");
      await kafka.checkConnection(this.#config.bootstrapTimeoutMs);
      this.#plan = this.#topology.plan();
      this.#layout =
        this.#userTopicCounts === undefined
          ? await prepareTopics(kafka, this.#plan, this.#config, this.#logger)
          : computeTaskLayout(this.#plan, this.#config.applicationId, this.#userTopicCounts, {
              replicationFactor: this.#config.replicationFactor,
            });
      if (this.#config.numStreamThreads > 1) {
        if (this.#closing !== undefined) return;
        // Each thread's worker computes the same layout from the counts found here and reads its own global
        // stores.
        this.#threads = this.#streamThreads();
        await this.#threads.start();
        return;
      }
      // Global stores are read whole before any task can join against them.
      this.#global = GlobalStreamThread.forTopology(this.#plan, this.#config, kafka, this.#logger, (error) =>
        this.#onGlobalFailure(error),
      );
      await this.#global?.start();
      // close() called while the topics were being prepared: do not join the group after all.
      if (this.#closing !== undefined) return;
      await this.#startThread();
    } catch (error) {
      // Closed while starting: the half-started member was stopped by close(), nothing failed.
      if (this.#closing !== undefined) return;
      this.#logger.error({ err: error }, 'start failed');
      this.#setState('ERROR');
      await this.#threads?.close();
      await this.#thread?.stop(false);
      await this.#global?.close();
      throw error;
    }
  }

  /**
   * Stops processing: finishes the batch in progress, flushes stores and outputs, commits, leaves the
   * group and closes the stores. Idempotent; resolves in `NOT_RUNNING`.
   */
  close(): Promise<void> {
    this.#closeRequested.abort();
    this.#closing ??= (async () => {
      this.#signalCleanup?.();
      if (this.#state === 'NOT_RUNNING') return;
      this.#setState('PENDING_SHUTDOWN');
      await this.#threads?.close();
      await this.#thread?.stop(true);
      this.#thread = undefined;
      await this.#global?.close();
      this.#setState('NOT_RUNNING');
    })();
    return this.#closing;
  }

  /**
   * Deletes this application's local state directory (`<stateDir>/<applicationId>`: stores, checkpoints),
   * as Kafka Streams' `cleanUp()` does, so the next start restores every store from its changelog. Allowed
   * only before `start()` or after `close()`; refused with `STRM_ERR_RUNTIME_ILLEGAL_STATE` otherwise.
   * Kafka topics and committed offsets are left alone. Do not call it while another instance of the same
   * application uses the same `stateDir`.
   *
   * @example
   * const streams = new KafkaStreams(topology, config);
   * await streams.cleanUp(); // start from a fresh local state
   * await streams.start();
   */
  async cleanUp(): Promise<void> {
    if (this.#state !== 'CREATED' && this.#state !== 'NOT_RUNNING' && this.#state !== 'ERROR') {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_ILLEGAL_STATE',
        `cleanUp() was called in state ${this.#state}; call it before start() or after close()`,
      );
    }
    // ERROR: the failed thread may still be letting go of its stores.
    if (this.#state === 'ERROR') await this.#thread?.stop(false);
    const directory = await deleteApplicationState(this.#config);
    this.#logger.info({ directory }, 'local state deleted');
  }

  /**
   * Opt-in: close cleanly when the process receives one of `signals`, then let it exit. Returns a function
   * that removes the handlers. The handlers stay after the first signal, which later ones are ignored by:
   * Ctrl-C signals the whole process group and a launcher (`tsx`, `npm`) relays it again, and with no
   * handler left that repeat would end the process before the streams left their consumer group.
   */
  installShutdownHandler(signals: ReadonlyArray<NodeJS.Signals> = ['SIGTERM', 'SIGINT']): () => void {
    this.#signalCleanup = closeOnSignals(signals, () => this.close(), this.#logger);
    return this.#signalCleanup;
  }

  /** `numStreamThreads > 1`: the threads on workers, reporting to this instance. */
  #streamThreads(): StreamThreads {
    return new StreamThreads({
      config: this.#config,
      userConfig: this.#userConfig,
      events: this.events,
      logger: this.#logger,
      plan: () => this.#plan,
      layout: () => this.#layout!,
      state: () => this.#state,
      setState: (next) => this.#setState(next),
      closing: () => this.#closing !== undefined,
      requestApplicationShutdown: async () => {
        const { applicationId, consumer } = this.#config;
        const timeoutMs = consumer.rebalanceTimeoutMs ?? 60_000;
        await requestApplicationShutdown(this.#kafka!, applicationId, this.#layout!, timeoutMs, this.#logger);
      },
    });
  }

  async #startThread(): Promise<void> {
    // A replacement thread starts with an empty cache: its tasks restore from the changelog anyway.
    const cache = new ThreadCache(this.#config.cacheMaxBytes);
    const thread = new StreamThread({
      cache,
      config: this.#config,
      plan: this.#plan!,
      layout: this.#layout!,
      kafka: this.#kafka!,
      globalStores: this.#global?.globalStores() ?? new Map(),
      events: this.events,
      logger: this.#logger.child({ thread: ++this.#threadCount }),
      onRebalance: (phase) => {
        if (this.#thread !== thread) return;
        if (phase === 'started' && this.#state === 'RUNNING') this.#setState('REBALANCING');
        if (phase === 'completed' && this.#state === 'REBALANCING') this.#setState('RUNNING');
      },
      onFatal: (error) => {
        if (this.#thread === thread) void this.#onUncaught(thread, error);
      },
      onApplicationShutdown: () => {
        if (this.#thread === thread) void this.#onApplicationShutdown(thread);
      },
    });
    this.#thread = thread;
    this.#cache = cache;
    await thread.start();
  }

  /** The global stores can no longer be kept current: as in Kafka Streams, the instance stops in ERROR. */
  async #onGlobalFailure(error: Error): Promise<void> {
    if (this.#closing !== undefined) return;
    this.events.emit('error', error);
    await this.#thread?.stop(false);
    this.#thread = undefined;
    this.#setState('ERROR');
  }

  async #onUncaught(thread: StreamThread, error: Error): Promise<void> {
    if (this.#closing === undefined && this.#recoveries.take(error)) {
      this.#logger.warn(
        { err: error, recovery: this.#recoveries.count },
        'the stream thread failed on a passing cluster error: replacing it, from the last commit',
      );
      this.events.emit('threadRecovered', { error, attempt: this.#recoveries.count });
      await thread.stop(false);
      if (this.#closing !== undefined) return;
      if (this.#state === 'RUNNING') this.#setState('REBALANCING');
      if (await this.#replaceThread()) return;
    }
    this.events.emit('error', error);
    let decision: ReturnType<ResolvedStreamsConfig['uncaughtExceptionHandler']>;
    try {
      decision = this.#config.uncaughtExceptionHandler(error);
    } catch (handlerError) {
      this.#logger.error({ err: handlerError }, 'the uncaught-exception handler threw; shutting down');
      decision = 'SHUTDOWN_CLIENT';
    }
    if (this.#workerOf === undefined)
      this.#logger.error({ err: error, decision }, 'uncaught error in the stream thread');
    else
      this.#logger.error(
        { err: error },
        'uncaught error in the stream thread: it stops, the instance decides what follows',
      );
    if (this.#closing !== undefined) return;
    await thread.stop(false);
    if (decision === 'REPLACE_THREAD' && this.#closing === undefined) {
      if (this.#state === 'RUNNING') this.#setState('REBALANCING');
      if (await this.#replaceThread()) return;
    }
    if (decision === 'SHUTDOWN_APPLICATION') {
      const { applicationId, consumer } = this.#config;
      const timeoutMs = consumer.rebalanceTimeoutMs ?? 60_000;
      await requestApplicationShutdown(this.#kafka!, applicationId, this.#layout!, timeoutMs, this.#logger);
    }
    this.#thread = undefined;
    if (this.#state !== 'ERROR' && this.#closing === undefined) this.#setState('ERROR');
  }

  /** Starts a new thread while the cluster cannot be reached (`thread-recovery.ts`); false when it gave up. */
  #replaceThread(): Promise<boolean> {
    return replaceThread(
      () => this.#startThread(),
      async () => this.#thread?.stop(false),
      this.#closeRequested.signal,
      this.#logger,
    );
  }

  /** Another instance asked the application to shut down: stop cleanly and end in `ERROR`, as it does. */
  async #onApplicationShutdown(thread: StreamThread): Promise<void> {
    if (this.#closing !== undefined) return;
    this.#logger.error('another instance asked the application to shut down (SHUTDOWN_APPLICATION)');
    const error = 'another instance requested SHUTDOWN_APPLICATION';
    this.events.emit('error', new RuntimeError('STRM_ERR_RUNTIME_APPLICATION_SHUTDOWN', error));
    await thread.stop(true);
    if (this.#thread === thread) this.#thread = undefined;
    if (this.#closing === undefined) this.#setState('ERROR');
  }

  #setState(next: StreamsState): void {
    const previous = this.#state;
    if (previous === next) return;
    if (!isValidTransition(previous, next)) {
      this.#logger.warn({ from: previous, to: next }, 'ignoring an invalid state transition');
      return;
    }
    this.#state = next;
    this.#logger.info({ from: previous, to: next }, 'state change');
    this.events.emit('stateChange', next, previous);
    try {
      this.#stateListener?.(next, previous);
    } catch (error) {
      this.#logger.warn({ err: error }, 'the state listener threw');
    }
  }
}
