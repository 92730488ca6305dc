/**
 * `KafkaStreams`: runs a {@link Topology} on a Kafka cluster as one member of the consumer group named
 * after its `applicationId`. Start several instances (processes) with the same id and the tasks spread
 * across them; stop one and its tasks move to the others.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { type RecordCacheStatistics, ThreadCache } from '../../state/cache/thread-cache.js';
import type { StateStore } from '../../state/store.js';
import { KafkaAdmin } from '../internal/kafka/admin.js';
import { createKafkaClient } from '../internal/kafka/client.js';
import { checkConnection } from '../internal/kafka/connection-check.js';
import { abortedFilterInstalled } from '../internal/kafka/kafkajs-aborted-filter.js';
import type { TopicSpec } from '../internal/kafka/types.js';
import { defaultPartition } from '../internal/murmur2.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import { retry } from '../internal/util/retry.js';
import type { Topology } from '../topology.js';
import { type HostTasks, SHUTDOWN_APPLICATION_MARKER } from './assignment-info.js';
import { joinBriefly } from './brief-member.js';
import { type ResolvedStreamsConfig, resolveConfig, type StreamsConfig } from './config.js';
import { deadLetterTopicSpec } from './error-handlers.js';
import { RuntimeError } from './errors.js';
import { createStreamsEventEmitter, type StreamsEventEmitter } from './events.js';
import { StreamThread } from './stream-thread.js';
import { createStreamsAssignor } from './streams-assignor.js';
import { isValidTransition, type StreamsState } from './streams-state.js';
import { computeTaskLayout, type TaskLayout } from './task-layout.js';

/**
 * How `REPLACE_THREAD` keeps trying to start a new thread while the cluster cannot be reached: 1 s
 * doubling to 16 s, for up to two minutes.
 */
const REPLACE_THREAD_RETRY = {
  initialDelayMs: 1_000,
  maxDelayMs: 16_000,
  retries: Number.POSITIVE_INFINITY,
  maxTimeMs: 120_000,
} as const;

/**
 * A thread that fails on a passing cluster error (a broker down, leaders or the group coordinator moving:
 * the error is `retriable`) is replaced without asking the uncaught-exception handler, at most this many
 * times within {@link RECOVERY_WINDOW_MS}; past that the handler decides. The Java clients of Kafka Streams
 * ride out such outages inside the client (blocking and retrying for minutes); kafkajs gives up after its
 * retries (seconds), so the runtime does the riding out a level higher.
 */
const MAX_RECOVERIES = 5;
const RECOVERY_WINDOW_MS = 10 * 60_000;

/** A replica of one store partition for a read that accepts staleness; see {@link KafkaStreams.staleStore}. */
export interface StaleStore<S> {
  readonly store: S;
  /** Records behind the changelog ends (0 for the running active task). */
  readonly lag: number;
  /** True when a standby task's copy answers, false for the local active task. */
  readonly standby: boolean;
}

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
export class KafkaStreams {
  /** Typed instrumentation events; see {@link StreamsEvents}. */
  readonly events: StreamsEventEmitter = createStreamsEventEmitter();
  readonly #topology: Topology;
  readonly #config: ResolvedStreamsConfig;
  readonly #logger: Logger;
  #state: StreamsState = 'CREATED';
  #stateListener: StateListener | undefined;
  #kafka: Kafka | undefined;
  #plan: TopologyPlan | undefined;
  #layout: TaskLayout | undefined;
  #thread: StreamThread | undefined;
  #cache: ThreadCache | undefined;
  #threadCount = 0;
  #closing: Promise<void> | undefined;
  /** Aborted by `close()`: stops the retries of a thread replacement. */
  readonly #closeRequested = new AbortController();
  /** When threads failed on a passing cluster error and were replaced without the handler. */
  #recoveries: number[] = [];
  #signalCleanup: (() => void) | undefined;

  /** Validates the configuration (throws a `STRM_ERR_RUNTIME_CONFIG` {@link RuntimeError}); connects nothing yet. */
  constructor(topology: Topology, config: StreamsConfig) {
    this.#topology = topology;
    this.#config = resolveConfig(config);
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
    return this.#cache?.statistics();
  }

  /** The ids of the tasks this instance runs now, e.g. `['0_1', '1_1']`. */
  localTaskIds(): string[] {
    return this.#thread?.taskManager.taskIds() ?? [];
  }

  /** The ids of the standby tasks (warm copies of tasks active elsewhere) this instance keeps now. */
  standbyTaskIds(): string[] {
    return this.#thread?.taskManager.standbyTaskIds() ?? [];
  }

  /**
   * Which server (`applicationServer`) runs which tasks, active and standby, as of the last rebalance;
   * empty when the instances set no `applicationServer`.
   */
  allMetadata(): Array<{ server: string; taskIds: string[]; standbyTaskIds: string[] }> {
    return [...(this.#thread?.hosts() ?? new Map<string, HostTasks>())].map(([server, tasks]) => ({
      server,
      taskIds: [...tasks.active],
      standbyTaskIds: [...tasks.standby],
    }));
  }

  /**
   * Where the value of a key of store `storeName` lives: its partition, task, the server that runs that
   * task (undefined when unknown) and the servers that keep a standby copy of it. `keyBytes` is the key
   * serialized as on the topic the store's task reads (the partition is murmur2 of those bytes, as Kafka's
   * default partitioner). Returns undefined before the instance started or for a store no task has.
   *
   * @example
   * const where = streams.metadataForKey('totals', Buffer.from('north'));
   * if (where?.server !== myServer) forwardTo(where?.server);
   */
  metadataForKey(
    storeName: string,
    keyBytes: Buffer,
  ): { server: string | undefined; standbyServers: string[]; partition: number; taskId: string } | undefined {
    const sub = this.#plan?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    const tasks = this.#layout?.tasks.filter((task) => task.subtopologyId === sub?.id) ?? [];
    if (sub === undefined || tasks.length === 0) return undefined;
    const partition = defaultPartition(keyBytes, tasks.length);
    const taskId = `${sub.id}_${partition}`;
    const metadata = this.allMetadata();
    const server = metadata.find((entry) => entry.taskIds.includes(taskId))?.server;
    const standbyServers = metadata
      .filter((entry) => entry.standbyTaskIds.includes(taskId))
      .map((entry) => entry.server);
    return { server, standbyServers, partition, taskId };
  }

  /**
   * The instances of store `storeName` this instance holds now, one per local task, with the partition
   * each covers (a key lives in the partition its serialized key hashes to, as the input was partitioned).
   * For interactive queries: read them, never write. Empty while rebalancing away from the store's tasks.
   * Prefer {@link store}, which refuses reads that could be wrong.
   */
  localStores<S = StateStore>(storeName: string): Array<{ taskId: string; partition: number; store: S }> {
    const found: Array<{ taskId: string; partition: number; store: S }> = [];
    for (const task of this.#thread?.taskManager.tasks() ?? []) {
      const store = task.engine.stores().get(storeName);
      if (store?.isOpen()) found.push({ taskId: task.id, partition: task.spec.partition, store: store as S });
    }
    return found;
  }

  /**
   * The store `storeName` of the local active task for `partition`, for an interactive query (read it,
   * never write). Refuses a read that could be wrong with a retriable {@link RuntimeError}:
   * `STRM_ERR_RUNTIME_STORE_UNAVAILABLE` while this instance is not `RUNNING` (starting, rebalancing: its
   * tasks may be restoring or moving), `STRM_ERR_RUNTIME_STORE_NOT_LOCAL` (with `server`, the owner when
   * known) when another instance runs that task. Find the partition with {@link metadataForKey}.
   *
   * @example
   * const where = streams.metadataForKey('totals', keyBytes)!;
   * const total = streams.store<ReadOnlyKeyValueStore<string, number>>('totals', where.partition).get('north');
   */
  store<S = StateStore>(storeName: string, partition: number): S {
    if (this.#state !== 'RUNNING') {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
        `store ${storeName} cannot be read while the instance is ${this.#state}: its tasks may be restoring or moving; retry shortly`,
        { retriable: true },
      );
    }
    const found = this.localStores<S>(storeName).find((entry) => entry.partition === partition);
    if (found !== undefined) return found.store;
    const sub = this.#plan?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    if (sub === undefined) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_CONFIG',
        `no task of this topology has a store named ${storeName}; known stores: ${[...(this.#plan?.stores.keys() ?? [])].join(', ')}`,
      );
    }
    const taskId = `${sub.id}_${partition}`;
    const server = this.allMetadata().find((entry) => entry.taskIds.includes(taskId))?.server;
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
      `partition ${partition} of store ${storeName} (task ${taskId}) is not active on this instance${server === undefined ? '' : `; ${server} runs it`}`,
      { retriable: true, ...(server === undefined ? {} : { server }) },
    );
  }

  /**
   * Store `storeName` of `partition` for a read that accepts stale answers (KIP-535's
   * `StoreQueryParameters.enableStaleStores()`): the local active task's store when this instance runs it
   * and is `RUNNING` (lag 0), otherwise the store of a local standby task, in any state (it keeps being
   * served while the group rebalances, until the standby is promoted or dropped), with its `lag`: records
   * its changelogs are behind their ends as last read (the standbys read the ends every few seconds, so
   * the lag is that of a moment ago; it sums the task's changelogged stores, an upper bound for one store).
   * Read it, never write. Throws a retriable {@link RuntimeError} when this instance holds no readable
   * replica: `STRM_ERR_RUNTIME_STORE_NOT_LOCAL` (with `server`, the active's when known), or
   * `STRM_ERR_RUNTIME_STORE_UNAVAILABLE` while a standby's lag is not known yet. {@link metadataForKey}
   * lists the servers with a standby copy, to ask them instead.
   *
   * @example
   * const where = streams.metadataForKey('totals', keyBytes)!;
   * const { store, lag } = streams.staleStore<ReadOnlyKeyValueStore<string, number>>('totals', where.partition);
   * if (lag <= 100) answer(store.get('north'), { lag });
   */
  staleStore<S = StateStore>(storeName: string, partition: number): StaleStore<S> {
    if (this.#state === 'RUNNING') {
      const active = this.localStores<S>(storeName).find((entry) => entry.partition === partition);
      if (active !== undefined) return { store: active.store, lag: 0, standby: false };
    }
    const sub = this.#plan?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    if (this.#plan !== undefined && sub === undefined) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_CONFIG',
        `no task of this topology has a store named ${storeName}`,
      );
    }
    const taskId = `${sub?.id ?? '?'}_${partition}`;
    const standby = sub === undefined ? undefined : this.#thread?.taskManager.standbyStore(taskId, storeName);
    if (standby?.store.isOpen()) {
      if (standby.lag === undefined) {
        throw new RuntimeError(
          'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
          `the standby of store ${storeName} (task ${taskId}) has not read its changelog ends yet, so its lag is unknown; retry shortly`,
          { retriable: true },
        );
      }
      return { store: standby.store as S, lag: standby.lag, standby: true };
    }
    const server = this.allMetadata().find((entry) => entry.taskIds.includes(taskId))?.server;
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
      `this instance holds no readable replica of partition ${partition} of store ${storeName} (state ${this.#state})${server === undefined ? '' : `; ${server} runs its active task`}`,
      { retriable: true, ...(server === undefined ? {} : { server }) },
    );
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
    if (this.#config.processingGuarantee === 'exactly_once' && !abortedFilterInstalled) {
      // Not refused: a single transactional writer per partition is still read correctly; several (tasks
      // writing one output partition, or fenced zombies) can leak aborted records to read_committed readers.
      this.#logger.warn(
        'exactly_once: kafkajs was loaded before this library, so its read_committed filter (which can let aborted records through, see kafkajs-aborted-filter.ts) could not be corrected; import the library before kafkajs',
      );
    }
    const clientOptions = {
      clientId: this.#config.clientId,
      brokers: this.#config.brokers,
      logger: this.#logger,
      ssl: this.#config.ssl,
      sasl: this.#config.sasl,
    };
    const kafka = createKafkaClient(clientOptions);
    this.#kafka = kafka;
    try {
      await checkConnection(clientOptions, this.#config.bootstrapTimeoutMs);
      this.#plan = this.#topology.plan();
      this.#layout = await this.#prepareTopics(kafka, this.#plan);
      // close() called while the topics were being prepared: do not join the group after all.
      if (this.#closing !== undefined) return;
      await this.#startThread();
    } catch (error) {
      // Closed while starting: the half-started member was stopped by close(), nothing failed.
      if (this.#closing !== undefined) return;
      this.#logger.error({ err: error }, 'start failed');
      this.#setState('ERROR');
      await this.#thread?.stop(false);
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
      await this.#thread?.stop(true);
      this.#thread = undefined;
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
    const directory = join(this.#config.stateDir, this.#config.applicationId);
    await rm(directory, { recursive: true, force: true });
    this.#logger.info({ directory }, 'local state deleted');
  }

  /**
   * Opt-in: close cleanly when the process receives one of `signals`, then let it exit. Returns a function
   * that removes the handlers. The handlers stay after the first signal, which later ones are ignored by:
   * Ctrl-C signals the whole process group and a launcher (`tsx`, `npm`) relays it again, and with no
   * handler left that repeat would end the process before the streams left their consumer group.
   */
  installShutdownHandler(signals: ReadonlyArray<NodeJS.Signals> = ['SIGTERM', 'SIGINT']): () => void {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        this.#logger.info({ signal }, 'already shutting down; signal ignored');
        return;
      }
      closing = true;
      this.#logger.info({ signal }, 'shutting down on signal');
      this.close().then(
        () => process.exit(0),
        (error: unknown) => {
          this.#logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    for (const signal of signals) process.on(signal, onSignal);
    this.#signalCleanup = () => {
      for (const signal of signals) process.removeListener(signal, onSignal);
    };
    return this.#signalCleanup;
  }

  async #prepareTopics(kafka: Kafka, plan: TopologyPlan): Promise<TaskLayout> {
    const admin = new KafkaAdmin(kafka);
    await admin.connect();
    try {
      const internal = new Set(plan.internalTopics.keys());
      const userTopics = new Set<string>();
      for (const sub of plan.subtopologies) {
        for (const topic of [...sub.sourceTopics, ...sub.sinkTopics])
          if (!internal.has(topic)) userTopics.add(topic);
      }
      const counts = await admin.partitionCounts([...userTopics]);
      const missingSinks = plan.subtopologies
        .flatMap((sub) => sub.sinkTopics)
        .filter((topic) => !internal.has(topic) && !counts.has(topic));
      if (missingSinks.length > 0) {
        throw new RuntimeError(
          'STRM_ERR_RUNTIME_SINK_TOPIC_MISSING',
          `output topic(s) ${[...new Set(missingSinks)].join(', ')} do not exist; create them before starting the application`,
        );
      }
      if (this.#config.autoOffsetReset === 'none') await this.#requireCommittedOffsets(admin, plan, counts);
      const layout = computeTaskLayout(plan, this.#config.applicationId, counts, {
        replicationFactor: this.#config.replicationFactor,
      });
      const specs: TopicSpec[] = [...layout.internalTopics, ...this.#deadLetterTopics(plan, layout)];
      await admin.ensureTopics(specs);
      this.#logger.info(
        { tasks: layout.tasks.length, internalTopics: layout.internalTopics.map((t) => t.name) },
        'topics ready',
      );
      return layout;
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * `autoOffsetReset: 'none'`: refuses to start while a source partition has no offset committed by the
   * group, as Kafka's consumer throws `NoOffsetForPartitionException`, instead of silently starting at one
   * end. Checked once at start: partitions added to a topic later are not.
   */
  async #requireCommittedOffsets(
    admin: KafkaAdmin,
    plan: TopologyPlan,
    counts: ReadonlyMap<string, number>,
  ): Promise<void> {
    const internal = new Set(plan.internalTopics.keys());
    const sources = [...new Set(plan.subtopologies.flatMap((sub) => sub.sourceTopics))].filter(
      (topic) => !internal.has(topic) && counts.has(topic),
    );
    const committed = await admin.committedOffsets(this.#config.applicationId, sources);
    const have = new Set(committed.map((entry) => `${entry.topic}-${entry.partition}`));
    const missing = sources.flatMap((topic) =>
      Array.from({ length: counts.get(topic)! }, (_, partition) => `${topic}-${partition}`).filter(
        (name) => !have.has(name),
      ),
    );
    if (missing.length > 0) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_NO_COMMITTED_OFFSET',
        `autoOffsetReset is "none" and group ${this.#config.applicationId} has no committed offset for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; commit offsets for it (e.g. kafka-consumer-groups --reset-offsets) or choose "earliest" or "latest"`,
      );
    }
  }

  /** `<topic>.dlq` for every user source (deserialization) and sink (production) topic that dead-letters. */
  #deadLetterTopics(plan: TopologyPlan, layout: TaskLayout): TopicSpec[] {
    const internal = new Set(plan.internalTopics.keys());
    const topics = new Set<string>();
    if (
      this.#config.deserializationExceptionHandler === 'deadLetter' ||
      this.#config.processingExceptionHandler === 'deadLetter'
    ) {
      for (const sub of plan.subtopologies)
        for (const t of sub.sourceTopics) if (!internal.has(t)) topics.add(t);
    }
    if (this.#config.productionExceptionHandler === 'deadLetter') {
      for (const sub of plan.subtopologies)
        for (const t of sub.sinkTopics) if (!internal.has(t)) topics.add(t);
    }
    return (
      [...topics]
        .filter((topic) => layout.partitionCounts.has(topic))
        // Created with the source's partition count when missing; an existing one may have any count.
        .map((topic) =>
          deadLetterTopicSpec(topic, layout.partitionCounts.get(topic)!, this.#config.replicationFactor),
        )
    );
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

  async #onUncaught(thread: StreamThread, error: Error): Promise<void> {
    if (this.#closing === undefined && this.#mayRecover(error)) {
      this.#logger.warn(
        { err: error, recovery: this.#recoveries.length },
        'the stream thread failed on a passing cluster error: replacing it, from the last commit',
      );
      this.events.emit('threadRecovered', { error, attempt: this.#recoveries.length });
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
    this.#logger.error({ err: error, decision }, 'uncaught error in the stream thread');
    if (this.#closing !== undefined) return;
    await thread.stop(false);
    if (decision === 'REPLACE_THREAD' && this.#closing === undefined) {
      if (this.#state === 'RUNNING') this.#setState('REBALANCING');
      if (await this.#replaceThread()) return;
    }
    if (decision === 'SHUTDOWN_APPLICATION') {
      try {
        await this.#signalApplicationShutdown();
      } catch (signalError) {
        this.#logger.error({ err: signalError }, 'could not tell the other instances to shut down');
      }
    }
    this.#thread = undefined;
    if (this.#state !== 'ERROR' && this.#closing === undefined) this.#setState('ERROR');
  }

  /** Whether a failed thread is replaced without the handler (see {@link MAX_RECOVERIES}); counts it if so. */
  #mayRecover(error: Error): boolean {
    if ((error as { retriable?: boolean }).retriable !== true) return false;
    const now = Date.now();
    this.#recoveries = this.#recoveries.filter((at) => now - at < RECOVERY_WINDOW_MS);
    if (this.#recoveries.length >= MAX_RECOVERIES) return false;
    this.#recoveries.push(now);
    return true;
  }

  /**
   * Starts a new thread, again and again (1 s doubling to 16 s, for up to two minutes) while the cluster
   * cannot be reached: a thread usually fails because a broker went away, and the replacement's first
   * connect would fail the same way until it is back. Resolves false when it gave up or the instance is
   * closing.
   */
  async #replaceThread(): Promise<boolean> {
    let attempts = 0;
    try {
      await retry(
        async (attempt) => {
          attempts = attempt + 1;
          try {
            await this.#startThread();
          } catch (restartError) {
            await this.#thread?.stop(false);
            throw restartError;
          }
        },
        {
          ...REPLACE_THREAD_RETRY,
          signal: this.#closeRequested.signal,
          onRetry: (err, attempt, retryInMs) =>
            this.#logger.error({ err, attempt, retryInMs }, 'replacing the stream thread failed'),
        },
      );
      return true;
    } catch (restartError) {
      // Not when `close()` stopped the retries before a try: that is no failure.
      if (attempts > 0)
        this.#logger.error({ err: restartError, attempt: attempts }, 'replacing the stream thread failed');
      return false;
    }
  }

  /**
   * Tells every instance of the application to shut down: a short-lived member joins the group asking for
   * it in its subscription, and the leader hands every member the shutdown marker instead of tasks.
   */
  async #signalApplicationShutdown(): Promise<void> {
    const delivered = await joinBriefly(
      this.#kafka!,
      this.#config.applicationId,
      this.#layout!.sourceTopics,
      createStreamsAssignor({ layout: this.#layout!, subscription: () => ({ tasks: [], shutdown: true }) }),
      {
        timeoutMs: this.#config.consumer.rebalanceTimeoutMs ?? 60_000,
        until: (topics) => topics.includes(SHUTDOWN_APPLICATION_MARKER),
      },
    );
    this.#logger.error({ delivered }, 'asked every instance of the application to shut down');
  }

  /** Another instance asked the application to shut down: stop cleanly and end in `ERROR`, as it does. */
  async #onApplicationShutdown(thread: StreamThread): Promise<void> {
    if (this.#closing !== undefined) return;
    this.#logger.error('another instance asked the application to shut down (SHUTDOWN_APPLICATION)');
    this.events.emit(
      'error',
      new RuntimeError(
        'STRM_ERR_RUNTIME_APPLICATION_SHUTDOWN',
        'another instance requested SHUTDOWN_APPLICATION',
      ),
    );
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
