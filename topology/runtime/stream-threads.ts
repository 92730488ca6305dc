/**
 * The stream threads of an instance with `numStreamThreads > 1`, each a group member on a worker
 * (`worker-stream-thread.ts`), seen from the main thread as Kafka Streams' `KafkaStreams` sees its
 * `StreamThread`s: the instance is `RUNNING` only when every thread runs; a thread's uncaught error goes
 * to the user's handler here (`REPLACE_THREAD` starts a new worker in its place, `SHUTDOWN_CLIENT` closes
 * them all, `SHUTDOWN_APPLICATION` asks the group first); events are re-emitted on the instance's emitter
 * (so `registerStreamsMetrics` counts every thread), and store queries go to the thread that runs the task.
 */
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { RecordCacheStatistics } from '../../state/cache/thread-cache.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { HostTasks } from './assignment-info.js';
import type { ResolvedStreamsConfig, StreamsConfig, UncaughtExceptionResponse } from './config.js';
import { RuntimeError } from './errors.js';
import type { StreamsEventEmitter } from './events.js';
import type { StoreQuery } from './store-query.js';
import { streamThreadWorkerData } from './stream-thread-config.js';
import type { StreamsMetadata } from './streams-metadata-state.js';
import type { StreamsState } from './streams-state.js';
import type { TaskLayout } from './task-layout.js';
import { WorkerStreamThread } from './worker-stream-thread.js';

/** One stream thread of the instance and its tasks (Kafka Streams' `ThreadMetadata`). */
export interface ThreadMetadata {
  readonly threadName: string;
  readonly threadState: StreamsState;
  readonly activeTasks: ReadonlyArray<string>;
  readonly standbyTasks: ReadonlyArray<string>;
}

/** What the threads need from their instance. */
export interface StreamThreadsContext {
  readonly config: ResolvedStreamsConfig;
  readonly userConfig: StreamsConfig;
  readonly events: StreamsEventEmitter;
  readonly logger: Logger;
  readonly plan: () => TopologyPlan | undefined;
  /** The task layout the main thread prepared the topics for; set before the threads start. */
  readonly layout: () => TaskLayout;
  readonly state: () => StreamsState;
  readonly setState: (next: StreamsState) => void;
  /** True once `close()` was called. */
  readonly closing: () => boolean;
  /** `SHUTDOWN_APPLICATION`: asks every instance of the application to shut down. */
  readonly requestApplicationShutdown: () => Promise<void>;
}

export class StreamThreads {
  readonly #ctx: StreamThreadsContext;
  readonly #threads = new Map<number, WorkerStreamThread>();
  #shuttingDown = false;

  constructor(ctx: StreamThreadsContext) {
    this.#ctx = ctx;
  }

  /** Starts every thread; rejects (after closing the others) when one cannot start. */
  async start(): Promise<void> {
    const indexes = Array.from({ length: this.#ctx.config.numStreamThreads }, (_, i) => i + 1);
    // The first failure is the cause: the others may only be threads stopped because of it.
    let failure: { error: unknown } | undefined;
    const starts = indexes.map((index) =>
      this.#startThread(index).catch(async (error: unknown) => {
        if (failure !== undefined) return;
        failure = { error };
        await this.close();
      }),
    );
    await Promise.all(starts);
    if (failure !== undefined) throw failure.error;
  }

  /** Closes every thread (each commits, leaves the group and closes its stores). */
  async close(): Promise<void> {
    await Promise.all([...this.#threads.values()].map((thread) => thread.close()));
  }

  /** The threads and their tasks now. */
  threads(): ThreadMetadata[] {
    return [...this.#threads.values()].map((thread) => ({
      threadName: thread.name,
      threadState: thread.state,
      activeTasks: [...thread.tasks.active],
      standbyTasks: [...thread.tasks.standby],
    }));
  }

  activeTaskIds(): string[] {
    return [...this.#threads.values()].flatMap((thread) => thread.tasks.active);
  }

  standbyTaskIds(): string[] {
    return [...this.#threads.values()].flatMap((thread) => thread.tasks.standby);
  }

  /**
   * `registry` and the workers' default registries in one (prom-client's `AggregatorRegistry`, as its
   * cluster mode does): series of one name and labels are summed across them.
   */
  async aggregatedMetrics(registry: Registry): Promise<Registry> {
    const workers = await Promise.all([...this.#threads.values()].map((thread) => thread.metrics()));
    return AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...workers]);
  }

  /** {@link metadata} as server → tasks, as `StreamsMetadataState` reads it. */
  hosts(): Map<string, HostTasks> {
    return new Map(
      this.metadata().map((entry) => [
        entry.server,
        { active: entry.taskIds, standby: entry.standbyTaskIds },
      ]),
    );
  }

  /** The group's hosts as the thread that last heard of an assignment knows them. */
  metadata(): ReadonlyArray<StreamsMetadata> {
    const reports = [...this.#threads.values()].map((thread) => thread.tasks.metadata);
    return reports.find((metadata) => metadata.length > 0) ?? [];
  }

  /** The threads' record caches summed; undefined before any thread committed. */
  recordCacheStatistics(): RecordCacheStatistics | undefined {
    const all = [...this.#threads.values()].flatMap((thread) => thread.cacheStatistics ?? []);
    if (all.length === 0) return undefined;
    const sum = (pick: (stats: RecordCacheStatistics) => number) =>
      all.reduce((total, stats) => total + pick(stats), 0);
    const hits = sum((s) => s.hits);
    const misses = sum((s) => s.misses);
    return {
      hits,
      misses,
      evictions: sum((s) => s.evictions),
      entries: sum((s) => s.entries),
      sizeBytes: sum((s) => s.sizeBytes),
      maxBytes: sum((s) => s.maxBytes),
      tasks: sum((s) => s.tasks),
      hitRatio: hits + misses === 0 ? 0 : hits / (hits + misses),
    };
  }

  /**
   * Runs `query` on store `storeName` of the task for `partition`, on the thread that runs it. Refuses
   * as `store()` does: `STRM_ERR_RUNTIME_STORE_UNAVAILABLE` while the instance is not `RUNNING`,
   * `STRM_ERR_RUNTIME_STORE_NOT_LOCAL` (with `server`) when no thread here runs the task.
   */
  query(storeName: string, partition: number, query: StoreQuery): Promise<unknown> {
    const state = this.#ctx.state();
    if (state !== 'RUNNING') {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
        `store "${storeName}" cannot be queried in state ${state}: retry once the instance is RUNNING`,
        { retriable: true },
      );
    }
    const plan = this.#ctx.plan();
    // A global store is whole in every thread: the first running one answers.
    if (plan?.globalSubtopologies.some((candidate) => candidate.stores.includes(storeName))) {
      const any = [...this.#threads.values()].find((thread) => thread.state === 'RUNNING');
      if (any !== undefined) return any.query(storeName, partition, query);
    }
    const sub = plan?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    const taskId = `${sub?.id}_${partition}`;
    const owner = [...this.#threads.values()].find((thread) => thread.tasks.active.includes(taskId));
    if (sub === undefined || owner === undefined) {
      const server = this.metadata().find((entry) => entry.taskIds.includes(taskId))?.server;
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
        `store "${storeName}" of partition ${partition} is not held by a stream thread of this instance` +
          (server === undefined ? '' : `: ask ${server}`),
        { retriable: true, ...(server === undefined ? {} : { server }) },
      );
    }
    return owner.query(storeName, partition, query);
  }

  async #startThread(index: number): Promise<void> {
    const { userConfig, config } = this.#ctx;
    const data = streamThreadWorkerData(userConfig, config, index, this.#ctx.layout());
    const thread = new WorkerStreamThread(data, {
      onState: () => this.#aggregateState(thread),
      onTasks: (_, rebalanceMs) => {
        this.#ctx.events.emit('rebalanceCompleted', { tasks: this.activeTaskIds(), durationMs: rebalanceMs });
        this.#emitThreadTasks();
      },
      onEvent: (name, args) =>
        (this.#ctx.events.emit as (name: string, ...args: unknown[]) => boolean)(name, ...args),
      onUncaught: (failed, error) => void this.#onUncaught(failed, error),
    });
    this.#threads.set(index, thread);
    await thread.start();
  }

  /** The instance's state from its threads': `RUNNING` when every one runs, `REBALANCING` otherwise. */
  #aggregateState(changed: WorkerStreamThread): void {
    const state = this.#ctx.state();
    if (this.#ctx.closing() || this.#shuttingDown || state === 'ERROR') return;
    this.#emitThreadTasks();
    if (changed.state === 'ERROR' && !changed.failed) {
      // Not an uncaught error: another instance asked the application to shut down, or global stores
      // failed. As on one thread, the instance ends in ERROR.
      void this.#shutDown();
      return;
    }
    if (changed.state === 'ERROR' || changed.state === 'PENDING_SHUTDOWN') return;
    const threads = [...this.#threads.values()];
    const allRunning = threads.every((thread) => thread.state === 'RUNNING');
    if (allRunning && threads.length === this.#ctx.config.numStreamThreads) this.#ctx.setState('RUNNING');
    else if (state === 'RUNNING') this.#ctx.setState('REBALANCING');
  }

  /** Each thread's active tasks, for the metrics. */
  #emitThreadTasks(): void {
    for (const thread of this.#threads.values())
      this.#ctx.events.emit('threadTasks', { thread: thread.name, tasks: [...thread.tasks.active] });
  }

  async #onUncaught(thread: WorkerStreamThread, error: Error): Promise<void> {
    if (this.#ctx.closing() || this.#shuttingDown) return;
    let decision: UncaughtExceptionResponse;
    try {
      decision = this.#ctx.config.uncaughtExceptionHandler(error);
    } catch (handlerError) {
      this.#ctx.logger.error({ err: handlerError }, 'the uncaught-exception handler threw; shutting down');
      decision = 'SHUTDOWN_CLIENT';
    }
    // The worker logged the error with its causes; this says what follows.
    this.#ctx.logger.error(
      { error: error.message, code: (error as { code?: unknown }).code, decision, thread: thread.name },
      'uncaught error in a stream thread',
    );
    if (decision === 'REPLACE_THREAD') {
      if (this.#ctx.state() === 'RUNNING') this.#ctx.setState('REBALANCING');
      await thread.close();
      if (this.#ctx.closing()) return;
      try {
        await this.#startThread(thread.index);
        return;
      } catch (startError) {
        // close() while it started: it was told to stop, nothing failed.
        if (this.#ctx.closing()) return;
        this.#ctx.logger.error(
          { err: startError, thread: thread.name },
          'the replacement thread did not start',
        );
      }
    }
    if (decision === 'SHUTDOWN_APPLICATION') await this.#ctx.requestApplicationShutdown();
    await this.#shutDown();
  }

  /** Closes every thread and ends the instance in `ERROR`. */
  async #shutDown(): Promise<void> {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    await this.close();
    if (!this.#ctx.closing()) this.#ctx.setState('ERROR');
  }
}

/**
 * With stores on worker threads a store object cannot be handed out: `query()` crosses to them. Throws
 * `STRM_ERR_RUNTIME_STORE_IN_STREAM_THREAD` for `method` when there are several threads.
 */
export function refuseStoresInWorkers(method: string, numStreamThreads: number): void {
  if (numStreamThreads === 1) return;
  throw new RuntimeError(
    'STRM_ERR_RUNTIME_STORE_IN_STREAM_THREAD',
    `${method}() cannot hand out a store with numStreamThreads ${numStreamThreads}: the stores live in the ` +
      'stream threads (worker threads); use query(storeName, partition, { type: "get", key }) instead',
  );
}
