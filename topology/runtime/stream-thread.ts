/**
 * The poll-process-commit loop of one consumer group member (Kafka Streams' `StreamThread`): it owns the
 * group member and the shared producer, runs batches through the tasks, and decides when to commit and
 * when tasks change. The duties it delegates, each in its own file:
 *
 * - the tasks and their changes (`task-manager.ts`), built by `active-task-creator.ts`, committed by
 *   `task-executor.ts` (both guarantees), with exactly-once producers (`task-producers.ts`) and revival
 *   of a task whose transaction failed (`task-reviver.ts`); new tasks restored and standbys kept current
 *   off the processing path by the state updater (`state-updater.ts`); their files and checkpoints
 *   (`state-directory.ts`); rebalances a member asks for (`probing-rebalance.ts`).
 *
 * What it does itself:
 *
 * - Batches arrive one partition at a time (`eachBatch`); each record goes synchronously through its
 *   task's engine, outputs queue in the sender, and no `await` happens per record.
 * - Back-pressure: when more than `maxBufferedRecords` outputs wait for acknowledgement, the batch handler
 *   waits for the producer, which stops kafkajs from fetching more.
 * - When to commit: on the commit interval, when a processor asks, when input goes idle, on a rebalance
 *   and at shutdown. Wall-clock punctuation on a timer.
 * - Rebalances (kafkajs is eager and has no revoke callback): the handler's heartbeat notices the
 *   rebalance, every task is committed before the member rejoins, and the new assignment closes the tasks
 *   that moved away and creates the new ones; those with changelogs process once the state updater
 *   restored them (their input paused meanwhile), the others at once. When input is idle the
 *   idle commit has already committed everything, so a rebalance noticed by kafkajs' own heartbeat loses
 *   nothing either.
 */

import type { BatchControl, GroupConsumer, RecordBatch } from '../internal/kafka/consumer.js';
import { KafkaFacadeError } from '../internal/kafka/errors.js';
import { Mutex } from '../internal/util/mutex.js';
import { abortableSleep } from '../internal/util/retry.js';
import type { HostTasks } from './assignment-info.js';
import { productionHandlerFor } from './error-handlers.js';
import { RuntimeError } from './errors.js';
import { ProbingRebalance } from './probing-rebalance.js';
import { SenderLanes } from './sender-lanes.js';
import { SerdePreparation } from './serde-preparation.js';
import { warnWhileSlow } from './slow-operation.js';
import { StateDirectory } from './state-directory.js';
import { changelogEndSums } from './store-changelogs.js';
import { createStreamsAssignor, type StreamsAssignorOptions } from './streams-assignor.js';
import { StreamsRebalanceListener } from './streams-rebalance-listener.js';
import { TaskManager } from './task-manager.js';
import type { ThreadResources } from './thread-resources.js';

/** What a thread needs from its {@link KafkaStreams}. */
export interface StreamThreadContext extends ThreadResources {
  /** Called when the group starts a rebalance and when the new assignment is running. */
  readonly onRebalance: (phase: 'started' | 'completed') => void;
  /** Called (outside the loop) with an error no handler took; the owner applies the uncaught handler. */
  readonly onFatal: (error: Error) => void;
  /** Called (outside the loop) when another instance asked the whole application to shut down. */
  readonly onApplicationShutdown: () => void;
}

/** How long input must stay quiet before the thread commits what it has, milliseconds. */
const IDLE_COMMIT_MS = 100;

/** The consumer tunings a user set; kafkajs' own defaults stay for the others. */
// biome-ignore format: one list
const CONSUMER_TUNINGS = ['maxBytesPerPartition', 'maxWaitTimeMs', 'sessionTimeoutMs', 'heartbeatIntervalMs', 'rebalanceTimeoutMs'] as const;

export class StreamThread {
  readonly #ctx: StreamThreadContext;
  readonly #consumer: GroupConsumer;
  readonly #sender: SenderLanes;
  readonly #serdes: SerdePreparation;
  readonly #stateDirectory: StateDirectory;
  readonly #tasks: TaskManager;
  readonly #probing: ProbingRebalance;
  readonly #rebalances: StreamsRebalanceListener;
  /** Serialises batches, commits, punctuation and assignment changes. */
  readonly #mutex = new Mutex();
  #stopping = false;
  #failed: Error | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #wallClockTimer: NodeJS.Timeout | undefined;
  #wallClockPending = false;
  /** A send of the shared sender's queue is scheduled for when this turn of the event loop ends. */
  #dispatchScheduled = false;

  constructor(ctx: StreamThreadContext) {
    this.#ctx = ctx;
    const { config, kafka, events, logger, layout, plan } = ctx;
    const serdes = new SerdePreparation(plan, config.applicationId);
    this.#serdes = serdes;
    const stateDirectory = new StateDirectory(config, logger);
    this.#stateDirectory = stateDirectory;
    const running = () => !this.#stopping && this.#failed === undefined;
    const fail = (error: Error) => this.#fail(error);
    const assignorOptions: Omit<StreamsAssignorOptions, 'subscription'> = {
      layout,
      standbyReplicas: config.numStandbyReplicas,
      acceptableRecoveryLag: config.acceptableRecoveryLag,
      maxWarmupReplicas: config.maxWarmupReplicas,
      changelogEnds: () => changelogEndSums(kafka, layout.tasks),
    };
    const sender = new SenderLanes(kafka, {
      lanes: config.producer.lanes ?? 1,
      chunkSize: config.producer.chunkSize ?? 1000,
      onAcknowledged: (topic, partition, lastOffset) =>
        stateDirectory.acknowledge(topic, partition, lastOffset),
      events,
      onFailure: productionHandlerFor(config.productionExceptionHandler, { events, logger }),
      onFatal: fail,
    });
    this.#sender = sender;
    const tasks = new TaskManager({
      ...{ config, plan, layout, kafka, events, logger, cache: ctx.cache, sender, serdes, stateDirectory },
      globalStores: ctx.globalStores,
      commitOffsets: (offsets) => this.#consumer.commit(offsets),
      groupMetadata: () => this.#consumer.groupMetadata(),
      seek: (topic, partition, offset) => this.#consumer.seek(topic, partition, offset),
      onFatal: fail,
      onFenced: () => this.#probing.requestUnlessOneComes('a task was fenced'),
      failed: () => this.#failed !== undefined,
      exclusive: (operation, fn) => this.#exclusive(operation, fn),
      pause: (partitions) => this.#consumer.pause(partitions),
      resume: (partitions) => this.#consumer.resume(partitions),
      onRestored: () => this.#rebalances.taskRestored(),
    });
    this.#tasks = tasks;
    this.#probing = new ProbingRebalance({
      ...{ config, kafka, logger, assignorOptions, running },
      standbyLags: () => tasks.standbyLags(),
      assignmentsApplied: () => this.#rebalances.assignmentsApplied,
      rebalancing: () => this.#rebalances.rebalancing,
    });
    this.#rebalances = new StreamsRebalanceListener({
      ...{ logger, events, tasks, probing: this.#probing, running, fail },
      exclusive: (operation, fn) => this.#exclusive(operation, fn),
      onRebalance: ctx.onRebalance,
      onApplicationShutdown: ctx.onApplicationShutdown,
    });
    const tunings = Object.fromEntries(
      CONSUMER_TUNINGS.filter((name) => config.consumer[name] !== undefined).map((name) => [
        name,
        config.consumer[name],
      ]),
    );
    this.#consumer = kafka.groupConsumer({
      groupId: config.applicationId,
      // Exactly-once: never process records of aborted (or still open) transactions upstream.
      readCommitted: config.processingGuarantee === 'exactly_once',
      assignor: createStreamsAssignor({ ...assignorOptions, subscription: () => tasks.subscription() }),
      beforeRejoin: () => this.#rebalances.commitBeforeRejoin(),
      fetchLinger: { lingerMs: config.consumer.fetchLingerMs, minBytes: config.consumer.fetchLingerBytes },
      ...tunings,
    });
    this.#rebalances.attach(this.#consumer);
    this.#consumer.on('crashed', fail);
  }

  /** Which server (`applicationServer`) runs which tasks, active and standby, as of the last assignment. */
  hosts(): ReadonlyMap<string, HostTasks> {
    return this.#rebalances.hosts();
  }

  /** The thread's active and standby tasks (interactive queries read their stores). */
  get taskManager(): TaskManager {
    return this.#tasks;
  }

  /** Connects, joins the group and starts processing; resolves once the consumer runs. */
  async start(): Promise<void> {
    await this.#stateDirectory.scan(this.#ctx.layout.tasks);
    await this.#sender.connect();
    await this.#consumer.connect();
    this.#rebalances.joining();
    const internal = new Set(this.#ctx.layout.internalTopics.map((topic) => topic.name));
    const fromLatest = new Set(
      this.#ctx.config.autoOffsetReset === 'latest'
        ? this.#ctx.layout.sourceTopics.filter((topic) => !internal.has(topic))
        : [],
    );
    await this.#consumer.run(
      this.#ctx.layout.sourceTopics,
      (batch, control) => this.#onBatch(batch, control),
      fromLatest,
    );
    this.#wallClockTimer = setInterval(() => this.#tickWallClock(), this.#ctx.config.wallClockTickMs);
    this.#wallClockTimer.unref();
  }

  /**
   * Stops the thread. `clean`: finish the batch in progress, commit everything, close the tasks. Not
   * clean (after a failure): drop uncommitted work, which the next owner of the tasks redoes.
   */
  async stop(clean: boolean): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearTimeout(this.#idleTimer);
    clearInterval(this.#wallClockTimer);
    this.#probing.cancel();
    let closeClean = clean && this.#failed === undefined;
    await this.#exclusive('the final commit', async () => {
      if (!closeClean) return;
      try {
        await this.#tasks.commit('shutdown');
      } catch (error) {
        this.#ctx.logger.error(
          { err: error },
          'the final commit failed; uncommitted input will be processed again',
        );
        closeClean = false;
      }
    });
    try {
      await warnWhileSlow(this.#ctx.logger, 'leaving the consumer group', () => this.#consumer.disconnect());
    } catch (error) {
      this.#ctx.logger.warn({ err: error }, 'leaving the consumer group failed');
    }
    await this.#exclusive('closing the tasks', () => this.#tasks.closeAll(closeClean));
    await this.#tasks
      .closeStandbys()
      .catch((error: unknown) => this.#ctx.logger.warn({ err: error }, 'closing the standby tasks failed'));
    if (!closeClean) this.#sender.discard();
    try {
      await this.#sender.disconnect();
    } catch (error) {
      this.#ctx.logger.warn({ err: error }, 'closing the producer failed');
    }
  }

  /**
   * Runs `fn` once every operation queued before it has settled: batches, assignments, commits and closes
   * never interleave. `operation` names it in the warning of an operation that takes long (see
   * `warnWhileSlow`).
   */
  #exclusive<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return this.#mutex.runExclusive(() => warnWhileSlow(this.#ctx.logger, operation, fn));
  }

  async #onBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    if (this.#stopping || this.#failed !== undefined) return;
    await this.#waitWithHeartbeats(this.#rebalances.settling, control);
    await this.#exclusive('processing a batch', () => this.#processBatch(batch, control));
  }

  async #processBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    if (this.#stopping || this.#failed !== undefined) return;
    const { config, layout, events } = this.#ctx;
    const spec = layout.taskOf(batch.topic, batch.partition);
    const task = spec === undefined ? undefined : this.#tasks.task(spec.id);
    if (task === undefined) return; // fetched before the partition moved away: the new owner reads it
    // Fetched before a revival sent the consumer back to the committed offset (kafkajs applies a seek only
    // at its next fetch): processing it would jump the revived task over the records it must redo.
    if (control.isStale()) return;
    clearTimeout(this.#idleTimer);
    // Only serdes with a look-ahead (a registry) make the batch wait; the others never await here.
    const preparing = this.#serdes.beforeBatch(batch);
    if (preparing !== undefined) {
      try {
        await preparing;
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
    }

    const started = performance.now();
    let processed: number;
    try {
      if (task.inputs === undefined) {
        processed = task.process(batch.topic, batch.records);
      } else {
        // Several inputs: buffered, and processed in timestamp order across them as far as they allow.
        task.inputs.add(
          batch.topic,
          batch.records,
          batch.highWatermark,
          task.position(batch.topic),
          Date.now(),
        );
        processed = task.processQueued();
      }
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined) control.resolveOffset(last.offset);
    events.emit('batchProcessed', {
      taskId: task.id,
      topic: batch.topic,
      partition: batch.partition,
      consumed: batch.records.length,
      processed,
      durationMs: performance.now() - started,
      lag: Math.max(0, batch.highWatermark - (last === undefined ? 0 : last.offset + 1)),
    });

    const out = task.transaction?.sender ?? this.#sender;
    if (out === this.#sender) this.#dispatchSoon();
    else out.dispatch();
    if (out.buffered > config.maxBufferedRecords) {
      await out.waitUntilBelow(Math.floor(config.maxBufferedRecords / 2));
    }
    try {
      const requested = this.#tasks.commitRequested();
      if (requested || Date.now() - this.#tasks.lastCommitAt >= config.commitIntervalMs) {
        await this.#tasks.commit(requested ? 'requested' : 'interval');
      }
      await control.heartbeat();
    } catch (error) {
      await this.#rebalances.onGroupError(error);
      throw error;
    }
    this.#armIdleCommit();
  }

  /**
   * The client hands the partitions of one fetch over one batch at a time, within one turn of the event
   * loop: sending when that turn ends puts their outputs into one produce request instead of one per
   * partition's batch (while a send is in flight the queue waits for it anyway).
   */
  #dispatchSoon(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    setImmediate(() => {
      this.#dispatchScheduled = false;
      this.#sender.dispatch();
    });
  }

  /** Commits shortly after input goes quiet, so that an idle member never holds uncommitted work. */
  #armIdleCommit(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      void this.#exclusive('the idle commit', async () => {
        if (this.#stopping || this.#failed !== undefined) return;
        if (!this.#tasks.hasUncommitted()) return;
        try {
          await this.#tasks.commit('idle');
        } catch (error) {
          // A rebalance under way: the next batch's heartbeat or the new assignment sorts it out.
          if (error instanceof KafkaFacadeError) this.#ctx.logger.debug({ err: error }, 'idle commit failed');
          else this.#fail(error as Error);
        }
      });
    }, IDLE_COMMIT_MS);
    this.#idleTimer.unref();
  }

  #tickWallClock(): void {
    if (this.#wallClockPending || this.#tasks.taskIds().length === 0) return;
    this.#wallClockPending = true;
    void this.#exclusive('wall-clock punctuation', async () => {
      this.#wallClockPending = false;
      if (this.#stopping || this.#failed !== undefined) return;
      const now = Date.now();
      let queued = 0;
      try {
        for (const task of this.#tasks.tasks()) task.engine.punctuateWallClock(now);
        // Records held back for an input that stayed empty (maxTaskIdleMs) go once it waited long enough.
        for (const task of this.#tasks.tasks())
          if (task.inputs !== undefined && task.inputs.buffered > 0) queued += task.processQueued();
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
      this.#sender.dispatch();
      for (const task of this.#tasks.tasks()) task.transaction?.sender.dispatch();
      if (queued > 0) this.#armIdleCommit();
    });
  }

  /** Waits for `promise` while keeping the membership alive (a slow assignment: stores opening, producers fencing). */
  async #waitWithHeartbeats(promise: Promise<unknown>, control: BatchControl): Promise<void> {
    let done = false;
    const settle = () => {
      done = true;
    };
    promise.then(settle, settle);
    const interval = this.#ctx.config.consumer.heartbeatIntervalMs ?? 1_000;
    while (!done) {
      await Promise.race([promise, abortableSleep(interval)]);
      if (!done) await control.heartbeat();
    }
  }

  #fail(error: Error): void {
    if (this.#failed !== undefined || this.#stopping) return;
    const failure =
      error instanceof Error
        ? error
        : new RuntimeError('STRM_ERR_RUNTIME_PROCESSING', `non-Error thrown: ${String(error)}`);
    this.#failed = failure;
    // KafkaStreams says what happens next, once: a warning when it replaces the thread (a passing cluster
    // error), an error when the uncaught-exception handler decides.
    this.#ctx.logger.debug({ err: failure }, 'stream thread failed');
    // Outside the loop: the owner's reaction (stop this thread) waits for the batch in progress.
    setImmediate(() => this.#ctx.onFatal(failure));
  }
}
