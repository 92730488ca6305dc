/**
 * The poll-process-commit loop of one consumer group member (Kafka Streams' `StreamThread`).
 *
 * - Batches arrive one partition at a time (`eachBatch`); each record goes synchronously through its
 *   task's engine, outputs queue in the {@link RecordSender}, and no `await` happens per record.
 * - Back-pressure: when more than `maxBufferedRecords` outputs wait for acknowledgement, the batch handler
 *   waits for the producer, which stops kafkajs from fetching more.
 * - Commit (at-least-once): flush every task's stores, wait until every output is acknowledged, then commit
 *   the tasks' positions. It runs on the commit interval, when a processor asks, when input goes idle,
 *   on a rebalance and at shutdown. Exactly-once runs the same steps per task inside that task's
 *   transaction (`#commitTransactions`), every task with its own transactional producer.
 * - Rebalances (kafkajs is eager and has no revoke callback): the handler's heartbeat notices the
 *   rebalance, every task is committed before the member rejoins, and the new assignment closes the tasks
 *   that moved away and creates (initialises) the new ones before they process. When input is idle the
 *   idle commit has already committed everything, so a rebalance noticed by kafkajs' own heartbeat loses
 *   nothing either.
 */

import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ThreadCache } from '../../state/cache/thread-cache.js';
import {
  deleteCheckpoint,
  prepareTaskDirectory,
  readCheckpoint,
  writeCheckpoint,
} from '../../state/index.js';
import type { StateStore } from '../../state/store.js';
import { KafkaAdmin } from '../internal/kafka/admin.js';
import { type BatchControl, GroupConsumer, type RecordBatch } from '../internal/kafka/consumer.js';
import { KafkaFacadeError } from '../internal/kafka/errors.js';
import { isFencedError, TransactionalProducer } from '../internal/kafka/transactional-producer.js';
import type { IncomingRecord, TopicPartition, TopicPartitionOffset } from '../internal/kafka/types.js';
import { StreamTask } from '../internal/task/stream-task.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import { Mutex } from '../internal/util/mutex.js';
import { backoffDelayMs, DEFAULT_RETRY } from '../internal/util/retry.js';
import { ActiveTask, type TaskTransaction } from './active-task.js';
import { joinBriefly } from './brief-member.js';
import type { ResolvedStreamsConfig } from './config.js';
import { inputFailureHandlerFor, productionHandlerFor } from './error-handlers.js';
import { RuntimeError } from './errors.js';
import type { CommitEvent, StreamsEventEmitter } from './events.js';
import { InputQueues } from './input-queues.js';
import { RecordSender } from './record-sender.js';
import { changelogEndSums, restoreTasks } from './restorer.js';
import { SenderLanes } from './sender-lanes.js';
import { SerdePreparation } from './serde-preparation.js';
import { warnWhileSlow } from './slow-operation.js';
import { StandbyTasks } from './standby-tasks.js';
import {
  createStreamsAssignor,
  decodeHostsMarker,
  decodeStandbyMarker,
  type HostTasks,
  type MemberSubscription,
  SHUTDOWN_APPLICATION_MARKER,
  type StandbyAssignment,
  type StreamsAssignorOptions,
} from './streams-assignor.js';
import { TaskCollector } from './task-collector.js';
import type { TaskLayout, TaskSpec } from './task-layout.js';

/** What a thread needs from its {@link KafkaStreams}. */
export interface StreamThreadContext {
  readonly config: ResolvedStreamsConfig;
  readonly plan: TopologyPlan;
  readonly layout: TaskLayout;
  readonly kafka: Kafka;
  readonly events: StreamsEventEmitter;
  readonly logger: Logger;
  /** The record cache of this thread's tasks (`cacheMaxBytes`, divided among them). */
  readonly cache: ThreadCache;
  /** Called when the group starts a rebalance and when the new assignment is running. */
  readonly onRebalance: (phase: 'started' | 'completed') => void;
  /** Called (outside the loop) with an error no handler took; the owner applies the uncaught handler. */
  readonly onFatal: (error: Error) => void;
  /** Called (outside the loop) when another instance asked the whole application to shut down. */
  readonly onApplicationShutdown: () => void;
}

/** How long input must stay quiet before the thread commits what it has, milliseconds. */
const IDLE_COMMIT_MS = 100;

/**
 * How often a commit also writes the tasks' checkpoints (two fsyncs each). A clean close always writes
 * one; in between, a crash only makes the next restore start further back.
 */
const CHECKPOINT_INTERVAL_MS = 30_000;

/** How long a member with a fenced task waits for a rebalance to come by itself before asking for one. */
const FENCED_REBALANCE_WAIT_MS = 5_000;

/** Exactly-once: a task whose transaction fails this many times in a row fails the thread. */
const MAX_REVIVALS = 5;

export class StreamThread {
  readonly #ctx: StreamThreadContext;
  readonly #consumer: GroupConsumer;
  readonly #sender: SenderLanes;
  readonly #serdes: SerdePreparation;
  /** `processingGuarantee: 'exactly_once'`: a transactional producer per task, read_committed input. */
  readonly #eos: boolean;
  readonly #tasks = new Map<string, ActiveTask>();
  /** Offset of the last acknowledged record per `topic\u0000partition` (records sent with a partition). */
  readonly #acknowledged = new Map<string, number>();
  /** Serialises batches, commits, punctuation and assignment changes. */
  readonly #mutex = new Mutex();
  /** Settles when the latest assignment has been applied. */
  #settling: Promise<unknown> = Promise.resolve();
  #lastCommitAt = Date.now();
  #rebalanceStartedAt = 0;
  /** Assignments applied so far (tells whether a rebalance happened in between). */
  #assignmentsApplied = 0;
  #stopping = false;
  #failed: Error | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #wallClockTimer: NodeJS.Timeout | undefined;
  #wallClockPending = false;
  #hosts: ReadonlyMap<string, HostTasks> = new Map();
  #nextHosts: Map<string, HostTasks> | undefined;
  /** Warm copies of tasks active on other instances (standby replicas and warm-ups). */
  readonly #standbys: StandbyTasks;
  #nextStandby: StandbyAssignment | undefined;
  /**
   * Per task whose state this instance keeps on disk without running it (a checkpoint left by an earlier
   * run or a task that moved away): the changelog offset sum it reaches, announced to the assignor.
   */
  readonly #diskOffsets = new Map<string, number>();
  #probeTimer: NodeJS.Timeout | undefined;
  /** Exactly-once: failed transactions in a row per task, each followed by a revival. */
  readonly #revivals = new Map<string, number>();
  /** Offset sum of each active task's last checkpoint. */
  readonly #checkpointedOffsets = new Map<string, number>();
  readonly #assignorOptions: Omit<StreamsAssignorOptions, 'subscription'>;

  constructor(ctx: StreamThreadContext) {
    this.#ctx = ctx;
    const { config, kafka, events, logger, layout } = ctx;
    this.#serdes = new SerdePreparation(ctx.plan, config.applicationId);
    this.#eos = config.processingGuarantee === 'exactly_once';
    this.#assignorOptions = {
      layout,
      standbyReplicas: config.numStandbyReplicas,
      acceptableRecoveryLag: config.acceptableRecoveryLag,
      maxWarmupReplicas: config.maxWarmupReplicas,
      changelogEnds: () => changelogEndSums(kafka, layout.tasks),
    };
    this.#standbys = new StandbyTasks({
      config,
      plan: ctx.plan,
      layout,
      kafka,
      logger,
      events,
      prepareValues: (storeName, topic, values) => this.#serdes.prepareStoreValues(storeName, topic, values),
    });
    this.#sender = new SenderLanes(kafka, {
      lanes: config.producer.lanes ?? 1,
      chunkSize: config.producer.chunkSize ?? 1000,
      onAcknowledged: (topic, partition, lastOffset) => {
        const key = `${topic}\u0000${partition}`;
        if (lastOffset > (this.#acknowledged.get(key) ?? -1)) this.#acknowledged.set(key, lastOffset);
      },
      events,
      onFailure: productionHandlerFor(config.productionExceptionHandler, { events, logger }),
      onFatal: (error) => this.#fail(error),
    });
    this.#consumer = new GroupConsumer(kafka, {
      groupId: config.applicationId,
      // Exactly-once: never process records of aborted (or still open) transactions upstream.
      readCommitted: this.#eos,
      assignor: createStreamsAssignor({ ...this.#assignorOptions, subscription: () => this.#subscription() }),
      beforeRejoin: () => this.#commitBeforeRejoin(),
      ...(config.consumer.maxBytesPerPartition === undefined
        ? {}
        : { maxBytesPerPartition: config.consumer.maxBytesPerPartition }),
      ...(config.consumer.maxWaitTimeMs === undefined
        ? {}
        : { maxWaitTimeMs: config.consumer.maxWaitTimeMs }),
      ...(config.consumer.sessionTimeoutMs === undefined
        ? {}
        : { sessionTimeoutMs: config.consumer.sessionTimeoutMs }),
      ...(config.consumer.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatIntervalMs: config.consumer.heartbeatIntervalMs }),
      ...(config.consumer.rebalanceTimeoutMs === undefined
        ? {}
        : { rebalanceTimeoutMs: config.consumer.rebalanceTimeoutMs }),
    });
    this.#consumer.on('rebalancing', () => this.#rebalanceStarted());
    this.#consumer.on('assigned', (partitions) => {
      // The markers (if any) arrived with this assignment, just before it.
      this.#hosts = this.#nextHosts ?? new Map();
      this.#nextHosts = undefined;
      const standby = this.#nextStandby ?? { standby: [], warmups: [], probingRebalance: false };
      this.#nextStandby = undefined;
      // Never rejects: a failure to apply the assignment fails the thread instead.
      this.#settling = this.#exclusive('applying an assignment', () =>
        this.#applyAssignment(partitions, standby),
      ).catch((error: unknown) => this.#fail(error as Error));
    });
    this.#consumer.on('crashed', (error) => this.#fail(error));
    this.#consumer.on('foreignTopicsAssigned', (topics) => {
      if (topics.includes(SHUTDOWN_APPLICATION_MARKER)) setImmediate(() => this.#ctx.onApplicationShutdown());
      for (const topic of topics) {
        this.#nextHosts = decodeHostsMarker(topic) ?? this.#nextHosts;
        this.#nextStandby = decodeStandbyMarker(topic) ?? this.#nextStandby;
      }
    });
  }

  /** Which server (`applicationServer`) runs which tasks, active and standby, as of the last assignment. */
  hosts(): ReadonlyMap<string, HostTasks> {
    return this.#hosts;
  }

  /** The ids of the standby tasks (warm-ups included) this thread keeps now. */
  standbyTaskIds(): string[] {
    return this.#standbys.taskIds();
  }

  /**
   * Store `storeName` of standby task `taskId` when this thread keeps it, with the task's lag (records
   * behind its changelog ends as last read; undefined until the ends were read once).
   */
  standbyStore(
    taskId: string,
    storeName: string,
  ): { store: StateStore; lag: number | undefined } | undefined {
    const store = this.#standbys.store(taskId, storeName);
    return store === undefined ? undefined : { store, lag: this.#standbys.lags().get(taskId) };
  }

  /** What this member tells the leader at every join: its tasks, and how far its other local state reaches. */
  #subscription(): MemberSubscription {
    const offsets: Record<string, number> = Object.fromEntries(this.#diskOffsets);
    for (const [taskId, offset] of this.#standbys.offsetSums()) offsets[taskId] = offset;
    return {
      tasks: [...this.#tasks.keys()],
      offsets,
      ...(this.#ctx.config.applicationServer === undefined
        ? {}
        : { server: this.#ctx.config.applicationServer }),
    };
  }

  /** The ids of the tasks this thread runs now. */
  taskIds(): string[] {
    return [...this.#tasks.keys()];
  }

  /** The running engine tasks (for interactive queries of their stores). */
  tasks(): ReadonlyArray<ActiveTask> {
    return [...this.#tasks.values()];
  }

  /** Connects, joins the group and starts processing; resolves once the consumer runs. */
  async start(): Promise<void> {
    await this.#scanCheckpoints();
    await this.#sender.connect();
    await this.#consumer.connect();
    this.#ctx.onRebalance('started');
    this.#rebalanceStartedAt = Date.now();
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
    clearInterval(this.#probeTimer);
    let closeClean = clean && this.#failed === undefined;
    await this.#exclusive('the final commit', async () => {
      if (!closeClean) return;
      try {
        await this.#commitTasks('shutdown');
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
    await this.#exclusive('closing the tasks', async () => {
      for (const task of [...this.#tasks.values()]) await this.#closeTask(task, closeClean);
    });
    await this.#standbys
      .close()
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
    await this.#waitWithHeartbeats(this.#settling, control);
    await this.#exclusive('processing a batch', () => this.#processBatch(batch, control));
  }

  async #processBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    if (this.#stopping || this.#failed !== undefined) return;
    const { config, layout, events } = this.#ctx;
    const spec = layout.taskOf(batch.topic, batch.partition);
    const task = spec === undefined ? undefined : this.#tasks.get(spec.id);
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
        processed = this.#processRecords(task, batch.topic, batch.records);
      } else {
        // Several inputs: buffered, and processed in timestamp order across them as far as they allow.
        task.inputs.add(
          batch.topic,
          batch.records,
          batch.highWatermark,
          task.position(batch.topic),
          Date.now(),
        );
        processed = this.#processQueued(task);
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
    out.dispatch();
    if (out.buffered > config.maxBufferedRecords) {
      await out.waitUntilBelow(Math.floor(config.maxBufferedRecords / 2));
    }
    try {
      const requested = [...this.#tasks.values()].some((t) => t.engine.commitRequested);
      if (requested || Date.now() - this.#lastCommitAt >= config.commitIntervalMs) {
        await this.#commitTasks(requested ? 'requested' : 'interval');
      }
      await control.heartbeat();
    } catch (error) {
      await this.#onGroupError(error);
      throw error;
    }
    this.#armIdleCommit();
  }

  /**
   * Runs one input partition's records through the task, skipping those before its position (after a
   * rebalance kafkajs restarts at the committed offset: never process a record twice). Returns how many
   * went through the topology; when one throws, the position stays on it (the thread fails).
   */
  #processRecords(task: ActiveTask, topic: string, records: ReadonlyArray<IncomingRecord>): number {
    const position = task.position(topic);
    let next = position;
    let processed = 0;
    try {
      for (const record of records) {
        if (record.offset < position) continue;
        task.collector.currentSource = record;
        if (task.engine.process(record)) processed++;
        next = record.offset + 1;
      }
    } finally {
      task.collector.currentSource = undefined;
      if (next > position) task.advance(topic, next);
    }
    return processed;
  }

  /** Processes the buffered records of a task with several inputs, in timestamp order, while they allow. */
  #processQueued(task: ActiveTask): number {
    const inputs = task.inputs!;
    let processed = 0;
    const now = Date.now();
    try {
      for (let record = inputs.next(now); record !== undefined; record = inputs.next(now)) {
        task.collector.currentSource = record;
        const done = task.engine.process(record);
        task.advance(record.topic, record.offset + 1);
        if (done) processed++;
      }
    } finally {
      task.collector.currentSource = undefined;
    }
    return processed;
  }

  /**
   * kafkajs noticed the rebalance between batches and is about to rejoin: commit every task with the
   * generation that still owns them, as the batch handler does when its own heartbeat notices it. A commit
   * that fails leaves the work to the new assignment (tasks that moved away are closed without it).
   */
  #commitBeforeRejoin(): Promise<void> {
    return this.#exclusive('committing before a rejoin', async () => {
      if (this.#stopping || this.#failed !== undefined) return;
      this.#rebalanceStarted();
      if (![...this.#tasks.values()].some((task) => task.hasUncommitted())) return;
      this.#ctx.logger.debug('rebalance noticed between batches: committing before the rejoin');
      try {
        await this.#commitTasks('rebalance');
      } catch (error) {
        this.#ctx.logger.warn({ err: error }, 'commit before rejoining failed; moved tasks redo their input');
      }
    });
  }

  /**
   * The rebalance hook kafkajs does not have: the group is rebalancing (commit everything with the old
   * generation, then let kafkajs rejoin) or this member lost its partitions (drop uncommitted work).
   */
  async #onGroupError(error: unknown): Promise<void> {
    if (!(error instanceof KafkaFacadeError)) {
      this.#fail(error as Error);
      return;
    }
    if (error.code === 'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS') {
      this.#rebalanceStarted();
      try {
        await this.#commitTasks('rebalance');
        return;
      } catch (commitError) {
        this.#ctx.logger.warn(
          { err: commitError },
          'commit before rejoining failed; tasks are closed without it',
        );
      }
    } else if (error.code !== 'STRM_ERR_KAFKA_NOT_GROUP_MEMBER') {
      this.#fail(error);
      return;
    }
    // The partitions may already belong to another member: close every task without committing.
    this.#ctx.logger.warn({ code: error.code }, 'tasks migrated; closing them without committing');
    this.#sender.discard();
    for (const task of [...this.#tasks.values()]) await this.#closeTask(task, false);
  }

  #rebalanceStarted(): void {
    if (this.#rebalanceStartedAt === 0) {
      this.#rebalanceStartedAt = Date.now();
      this.#ctx.events.emit('rebalanceStarted');
      this.#ctx.onRebalance('started');
    }
  }

  async #applyAssignment(
    partitions: ReadonlyArray<TopicPartition>,
    standby: StandbyAssignment,
  ): Promise<void> {
    const { layout, events, logger } = this.#ctx;
    clearInterval(this.#probeTimer);
    const wanted = new Map<string, TaskSpec>();
    // Created here but not running yet: closed again if a later step fails (their producers and stores).
    const created: ActiveTask[] = [];
    for (const { topic, partition } of partitions) {
      const spec = layout.taskOf(topic, partition);
      if (spec !== undefined) wanted.set(spec.id, spec);
    }
    try {
      for (const task of [...this.#tasks.values()]) {
        if (wanted.has(task.id)) continue;
        let clean = !task.hasUncommitted();
        if (clean && task.transaction !== undefined) {
          // Punctuators may have written since the last commit: commit them in the task's transaction.
          clean = await this.#commitTransaction(task, []).then(
            () => true,
            (error: unknown) => {
              logger.warn({ err: error, taskId: task.id }, 'last transaction of a task moving away failed');
              return false;
            },
          );
        } else if (clean) {
          // Punctuators may have written since the last commit: make the stores and outputs durable.
          await task.engine.flush();
          await this.#sender.flush();
        } else {
          logger.warn({ taskId: task.id }, 'task moved away with uncommitted input; the new owner redoes it');
          this.#sender.discard(task.id);
        }
        await this.#closeTask(task, clean);
      }
      // Standbys first, in one go (one follower restart): promoted ones close their stores with a
      // checkpoint, so their actives restore only the tail; new ones may open directories just closed.
      await this.#updateStandbys(standby, wanted);
      for (const spec of wanted.values()) {
        if (this.#tasks.has(spec.id)) continue;
        this.#diskOffsets.delete(spec.id);
        created.push(await this.#createTask(spec));
      }
      const restored = await restoreTasks(
        this.#ctx.kafka,
        this.#ctx.config.applicationId,
        created,
        logger,
        (storeName, topic, values) => this.#serdes.prepareStoreValues(storeName, topic, values),
      );
      if (restored.partitions > 0)
        events.emit('restoreCompleted', { taskIds: created.map((t) => t.id), ...restored });
      if (this.#eos && created.length > 0) await this.#startFromCommitted(created);
      await this.#primeInputQueues(created.filter((task) => task.inputs !== undefined));
      for (const task of created) {
        task.engine.initProcessors();
        this.#tasks.set(task.id, task);
        events.emit('taskCreated', task.id);
      }
    } catch (error) {
      for (const task of created) if (!this.#tasks.has(task.id)) await this.#closeTask(task, false);
      this.#fail(error as Error);
      return;
    }
    const durationMs = this.#rebalanceStartedAt === 0 ? 0 : Date.now() - this.#rebalanceStartedAt;
    this.#rebalanceStartedAt = 0;
    this.#assignmentsApplied++;
    logger.info({ tasks: [...this.#tasks.keys()], durationMs }, 'assignment applied');
    events.emit('rebalanceCompleted', { tasks: [...this.#tasks.keys()], durationMs });
    this.#ctx.onRebalance('completed');
    if (standby.probingRebalance && standby.warmups.length > 0) this.#probeWhenWarm(standby.warmups);
  }

  /** Keeps exactly the standby tasks the leader gave this member (never one of its own active tasks). */
  async #updateStandbys(standby: StandbyAssignment, active: ReadonlyMap<string, TaskSpec>): Promise<void> {
    const specs = standby.standby
      .filter((id) => !active.has(id))
      .map((id) => this.#ctx.layout.tasks.find((task) => task.id === id))
      .filter((spec): spec is TaskSpec => spec !== undefined);
    const before = new Set(this.#standbys.taskIds());
    for (const spec of specs) await this.#serdes.forTask(spec.subtopologyId);
    await this.#standbys.update(specs);
    // A standby dropped here leaves its checkpointed (persistent) state on disk: announce it at the next join.
    const kept = new Set(this.#standbys.taskIds());
    for (const taskId of before) {
      if (!kept.has(taskId) && !active.has(taskId)) await this.#noteCheckpointOnDisk(taskId);
    }
    for (const taskId of kept) this.#diskOffsets.delete(taskId);
  }

  /**
   * Warm-ups: the leader kept tasks on their caught-up owners while this member copies their state. Check
   * every `probingRebalanceIntervalMs` whether the copies caught up (or ten checks passed) and then make
   * the group rebalance, so the leader moves the tasks here with only a short tail left to restore.
   */
  #probeWhenWarm(warmups: ReadonlyArray<string>): void {
    const { config, logger } = this.#ctx;
    let checks = 0;
    this.#probeTimer = setInterval(() => {
      checks++;
      const lags = this.#standbys.lags();
      const warm = warmups.every(
        (id) => (lags.get(id) ?? Number.POSITIVE_INFINITY) <= config.acceptableRecoveryLag,
      );
      if (!warm && checks < 10) return;
      clearInterval(this.#probeTimer);
      if (this.#stopping || this.#failed !== undefined) return;
      logger.info({ warmups, warm, checks }, 'warm-ups ready: probing rebalance');
      this.#requestRebalance('warm-ups caught up');
    }, config.probingRebalanceIntervalMs);
    this.#probeTimer.unref();
  }

  /** Reads the checkpoints left in the state directory, so the first join already announces that state. */
  async #scanCheckpoints(): Promise<void> {
    for (const task of this.#ctx.layout.tasks) {
      if (task.changelogTopics.length > 0) await this.#noteCheckpointOnDisk(task.id);
    }
  }

  /** Records the changelog offset sum of the task's checkpoint on disk, if it has one. */
  async #noteCheckpointOnDisk(taskId: string): Promise<void> {
    const { config } = this.#ctx;
    const checkpoint = await readCheckpoint(join(config.stateDir, config.applicationId, taskId)).catch(
      () => undefined,
    );
    if (checkpoint === undefined || checkpoint.entries.length === 0) return;
    this.#diskOffsets.set(
      taskId,
      checkpoint.entries.reduce((sum, entry) => sum + entry.offset + 1, 0),
    );
  }

  /** Builds a task and opens its stores; the caller restores them and starts the processors. */
  async #createTask(spec: TaskSpec): Promise<ActiveTask> {
    const { config, plan, layout, events, logger } = this.#ctx;
    const transaction = this.#eos ? await this.#openTransaction(spec) : undefined;
    const collector = new TaskCollector(spec.id, transaction?.sender ?? this.#sender, layout.partitionCounts);
    const engine = StreamTask.create(plan, spec.subtopologyId, spec.partition, {
      applicationId: config.applicationId,
      stateDir: config.stateDir,
      collector,
      cache: this.#ctx.cache,
      deserializationHandler: inputFailureHandlerFor(
        'deserialization',
        config.deserializationExceptionHandler,
        {
          taskId: spec.id,
          collector,
          events,
          logger,
        },
      ),
      processingHandler: inputFailureHandlerFor('processing', config.processingExceptionHandler, {
        taskId: spec.id,
        collector,
        events,
        logger,
      }),
    });
    // The state layer's protocol: the checkpoint decides which local store files are kept, before they open.
    const path = join(config.stateDir, config.applicationId, spec.id);
    const changelogs = engine.changelogTopics();
    const persistent = [...engine.stores()]
      .filter(([name, store]) => store.persistent && changelogs.has(name))
      .map(([name]) => name);
    let prepared: Awaited<ReturnType<typeof prepareTaskDirectory>> | undefined;
    try {
      prepared = persistent.length > 0 ? await prepareTaskDirectory(path, persistent) : undefined;
      // Exactly-once: local files hold uncommitted writes until a clean close writes a new checkpoint; if
      // the process dies first, no checkpoint means the next owner wipes them and restores committed state.
      if (this.#eos && persistent.length > 0) await deleteCheckpoint(path);
      await this.#serdes.forTask(spec.subtopologyId);
      await engine.initStores();
    } catch (error) {
      // The engine took a share of the record cache and may have opened stores: give both back, or a
      // failed creation (registry down, a locked directory) leaves a phantom task shrinking every share.
      await engine.close().catch(() => undefined);
      throw error;
    }
    return new ActiveTask(
      spec,
      engine,
      collector,
      { path, checkpointedStores: persistent, trusted: prepared?.trusted ?? new Map() },
      transaction,
      spec.sourceTopics.length > 1
        ? new InputQueues(spec.sourceTopics, config.maxTaskIdleMs, Date.now())
        : undefined,
    );
  }

  /**
   * Exactly-once: the task's transactional producer (`<applicationId>-<taskId>`) and its sender. Connecting
   * fences an older owner of the task and aborts what it left open, before the stores are restored.
   */
  async #openTransaction(spec: TaskSpec): Promise<TaskTransaction> {
    const { config, kafka, events, logger } = this.#ctx;
    const producer = new TransactionalProducer(kafka, {
      transactionalId: `${config.applicationId}-${spec.id}`,
      chunkSize: config.producer.chunkSize ?? 1000,
      initialRetryTimeMs: config.producer.transactionRetryMs ?? 10,
      onAcknowledged: (topic, partition, lastOffset) => {
        const key = `${topic}\u0000${partition}`;
        if (lastOffset > (this.#acknowledged.get(key) ?? -1)) this.#acknowledged.set(key, lastOffset);
      },
    });
    const sender = new RecordSender(producer, {
      chunkSize: config.producer.chunkSize ?? 1000,
      events,
      onFailure: productionHandlerFor(config.productionExceptionHandler, { events, logger }),
      // A fenced producer, or a send that failed for a passing reason (a broker restarting): the task's
      // next commit fails and closes or revives it. A record refused for good fails the thread.
      onFatal: (error) => {
        // isFencedError looks through the causes the sender wraps the producer's error in.
        if (!isFencedError(error) && !(error as { retriable?: boolean }).retriable) this.#fail(error);
      },
    });
    await producer.connect();
    return { producer, sender };
  }

  /**
   * Exactly-once: kafkajs reads the committed offsets as soon as the member joins, possibly while the
   * previous owner's last transaction is still being completed (it has no `require_stable` offset fetch,
   * KIP-447), and would then start before offsets that transaction committed: its outputs would be
   * produced twice. Once this owner's producers are initialised every earlier transaction of these tasks
   * is complete, so the offsets are read again here and the tasks skip what is already committed.
   */
  async #startFromCommitted(tasks: ReadonlyArray<ActiveTask>): Promise<void> {
    const admin = new KafkaAdmin(this.#ctx.kafka);
    await admin.connect();
    try {
      const topics = [...new Set(tasks.flatMap((task) => task.spec.sourceTopics))];
      const committed = await admin.committedOffsets(this.#ctx.config.applicationId, topics);
      for (const task of tasks) {
        const mine = committed.filter(
          (entry) => entry.partition === task.spec.partition && task.spec.sourceTopics.includes(entry.topic),
        );
        for (const entry of mine) task.advance(entry.topic, entry.offset);
        task.markCommitted(mine);
      }
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Tells the input queues of new tasks with several inputs where each input starts and ends: kafkajs
   * never hands out an empty batch, so an input with nothing to read would otherwise stay unknown and hold
   * the others back for the queues' first seconds. Best effort: without it the queues find out by fetching.
   */
  async #primeInputQueues(tasks: ReadonlyArray<ActiveTask>): Promise<void> {
    if (tasks.length === 0) return;
    const admin = new KafkaAdmin(this.#ctx.kafka);
    try {
      await admin.connect();
      const topics = [...new Set(tasks.flatMap((task) => task.spec.sourceTopics))];
      const committed = await admin.committedOffsets(this.#ctx.config.applicationId, topics);
      for (const topic of topics) {
        for (const { partition, low, high } of await admin.watermarks(topic)) {
          const start = committed.find((entry) => entry.topic === topic && entry.partition === partition);
          for (const task of tasks) {
            if (task.spec.partition === partition && task.spec.sourceTopics.includes(topic))
              task.inputs!.prime(topic, high, start?.offset ?? low);
          }
        }
      }
    } catch (error) {
      this.#ctx.logger.debug({ err: error }, 'input queues not primed; they find their ends by fetching');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Flushes the task's stores and outputs into its transaction and commits it with `offsets`. */
  async #commitTransaction(task: ActiveTask, offsets: ReadonlyArray<TopicPartitionOffset>): Promise<void> {
    const { producer, sender } = task.transaction!;
    await task.engine.flush();
    await sender.flush();
    await producer.commit(offsets, this.#ctx.config.applicationId);
  }

  /** Writes the task's checkpoint; its stores must be flushed and their changelog records acknowledged. */
  async #writeCheckpoint(task: ActiveTask): Promise<void> {
    if (task.directory.checkpointedStores.length === 0) return;
    const entries = task.checkpointEntries((topic, partition) =>
      this.#acknowledged.get(`${topic}\u0000${partition}`),
    );
    try {
      await writeCheckpoint(task.directory.path, entries);
      task.lastCheckpointAt = Date.now();
      this.#checkpointedOffsets.set(
        task.id,
        entries.reduce((sum, entry) => sum + entry.offset + 1, 0),
      );
    } catch (error) {
      // Only restores get slower (they start further back): never a reason to stop processing.
      this.#ctx.logger.warn({ err: error, taskId: task.id }, 'writing the checkpoint failed');
    }
  }

  async #closeTask(task: ActiveTask, clean: boolean): Promise<void> {
    this.#tasks.delete(task.id);
    this.#checkpointedOffsets.delete(task.id);
    if (clean) await this.#writeCheckpoint(task);
    else task.transaction?.sender.discard();
    const left = this.#checkpointedOffsets.get(task.id);
    // Persistent state left on disk with a checkpoint: announced at the next join (a standby or a return).
    if (left !== undefined) this.#diskOffsets.set(task.id, left);
    try {
      await task.engine.close();
    } catch (error) {
      this.#ctx.logger.warn({ err: error, taskId: task.id }, 'closing a task failed');
    }
    if (task.transaction !== undefined) {
      // Not clean: the open transaction is aborted, so none of its outputs or offsets become visible.
      if (!clean) await deleteCheckpoint(task.directory.path).catch(() => undefined);
      await task.transaction.producer
        .disconnect()
        .catch((error: unknown) =>
          this.#ctx.logger.debug(
            { err: error, taskId: task.id },
            'closing the transactional producer failed',
          ),
        );
    }
    this.#ctx.events.emit('taskClosed', task.id, clean);
  }

  /**
   * At-least-once commit: stores flushed (their changelog records join the outputs), every output
   * acknowledged by the brokers, then the positions committed. Exactly-once goes to `#commitTransactions`.
   */
  async #commitTasks(reason: CommitEvent['reason']): Promise<void> {
    if (this.#eos) {
      await this.#commitTransactions(reason);
      return;
    }
    const started = performance.now();
    const tasks = [...this.#tasks.values()];
    for (const task of tasks) await task.engine.flush();
    await this.#sender.flush();
    const offsets: TopicPartitionOffset[] = [];
    const committed: ActiveTask[] = [];
    for (const task of tasks) {
      const mine = task.offsetsToCommit();
      if (mine.length > 0) {
        offsets.push(...mine);
        committed.push(task);
      }
    }
    this.#lastCommitAt = Date.now();
    for (const task of tasks) task.engine.clearCommitRequest();
    if (offsets.length === 0) return;
    await this.#consumer.commit(offsets);
    for (const task of committed) task.markCommitted(task.offsetsToCommit());
    for (const task of tasks) {
      if (Date.now() - task.lastCheckpointAt >= CHECKPOINT_INTERVAL_MS) await this.#writeCheckpoint(task);
    }
    this.#ctx.events.emit('commit', {
      durationMs: performance.now() - started,
      taskIds: committed.map((task) => task.id),
      reason,
    });
  }

  /**
   * Exactly-once commit: per task, stores flushed and outputs sent into the task's transaction, which then
   * commits with the task's input positions. A fenced task (another instance may own it now) is closed
   * without committing and the member asks the group to rebalance, which decides who runs it. Any other
   * failure aborts the transaction: the task is closed dirty (its uncommitted state discarded) and revived
   * in place (`#reviveTask`), its stores restored from the changelog and its input re-read from the last
   * commit; after `MAX_REVIVALS` failures in a row the thread fails and its uncaught-exception handler
   * decides.
   */
  async #commitTransactions(reason: CommitEvent['reason']): Promise<void> {
    const started = performance.now();
    this.#lastCommitAt = Date.now();
    const tasks = [...this.#tasks.values()];
    // Every task has its own producer: their transactions commit side by side, not one after another.
    const outcomes = await Promise.allSettled(
      tasks.map(async (task) => {
        task.engine.clearCommitRequest();
        const offsets = task.offsetsToCommit();
        await this.#commitTransaction(task, offsets);
        return offsets;
      }),
    );
    const committed: ActiveTask[] = [];
    const failed: Array<{ spec: TaskSpec; error: Error }> = [];
    let fenced = false;
    for (const [index, outcome] of outcomes.entries()) {
      const task = tasks[index]!;
      if (outcome.status === 'fulfilled') {
        this.#revivals.delete(task.id);
        if (outcome.value.length > 0) {
          task.markCommitted(outcome.value);
          committed.push(task);
        }
        continue;
      }
      const error = outcome.reason as Error;
      await this.#closeTask(task, false);
      if (isFencedError(error)) {
        this.#ctx.logger.warn(
          { taskId: task.id, err: error },
          'task migrated: its producer was fenced (another instance took its transactional id); closed without committing',
        );
        fenced = true;
      } else failed.push({ spec: task.spec, error });
    }
    // Every failed task is closed before any is revived: a revival that gives up (throws) leaves none open.
    for (const { spec, error } of failed) if (this.#failed === undefined) await this.#reviveTask(spec, error);
    if (committed.length > 0) {
      this.#ctx.events.emit('commit', {
        durationMs: performance.now() - started,
        taskIds: committed.map((task) => task.id),
        reason,
      });
    }
    if (fenced) this.#rebalanceUnlessOneComes('a task was fenced');
  }

  /**
   * Creates a task again after its transaction failed and was aborted: a new producer (initialising it
   * completes the aborted transaction), the stores restored from the changelog (the checkpoint was
   * removed, so from its start for persistent stores too), the positions read from the committed offsets
   * and the consumer sent back to them, so that the input of the aborted transaction is processed again.
   */
  async #reviveTask(spec: TaskSpec, firstCause: Error): Promise<void> {
    let cause = firstCause;
    for (;;) {
      const attempt = (this.#revivals.get(spec.id) ?? 0) + 1;
      this.#revivals.set(spec.id, attempt);
      if (attempt > MAX_REVIVALS) {
        throw new RuntimeError(
          'STRM_ERR_RUNTIME_PRODUCTION',
          `The transaction of task ${spec.id} failed ${MAX_REVIVALS} times in a row and was aborted each time (last: ${cause.message}); the task restores from its changelog when the thread is replaced`,
          { cause, retriable: true },
        );
      }
      this.#ctx.logger.warn(
        { taskId: spec.id, attempt, err: cause },
        'transaction failed and was aborted; reviving the task from its changelog',
      );
      // The library's default backoff, 100 ms doubling to 1.6 s; the count spans revivals in a row.
      await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(DEFAULT_RETRY, attempt)));
      let task: ActiveTask | undefined;
      try {
        task = await this.#createTask(spec);
        const restored = await restoreTasks(
          this.#ctx.kafka,
          this.#ctx.config.applicationId,
          [task],
          this.#ctx.logger,
          (storeName, topic, values) => this.#serdes.prepareStoreValues(storeName, topic, values),
        );
        if (restored.partitions > 0)
          this.#ctx.events.emit('restoreCompleted', { taskIds: [task.id], ...restored });
        await this.#startFromCommitted([task]);
        if (task.inputs !== undefined) await this.#primeInputQueues([task]);
        for (const topic of spec.sourceTopics)
          this.#consumer.seek(topic, spec.partition, Math.max(0, task.position(topic)));
      } catch (error) {
        // The cluster may still be unreachable (a broker restarting): that counts as one more attempt.
        if (task !== undefined) await this.#closeTask(task, false);
        cause = error as Error;
        continue;
      }
      task.engine.initProcessors();
      this.#tasks.set(task.id, task);
      this.#ctx.events.emit('taskCreated', task.id);
      this.#ctx.events.emit('taskRevived', { taskId: task.id, attempt, error: cause });
      return;
    }
  }

  /**
   * A fenced task usually moved in a rebalance this member is about to take part in (it is out of the
   * group, or the group is rebalancing): then nothing needs asking. If no rebalance begins within a few
   * seconds (the fence had another cause, e.g. a transaction timeout), ask for one, or the task would
   * never run again. Each requested rebalance is two (the brief member joins and leaves).
   */
  #rebalanceUnlessOneComes(why: string): void {
    const seen = this.#assignmentsApplied;
    setTimeout(() => {
      const none = this.#assignmentsApplied === seen && this.#rebalanceStartedAt === 0;
      if (none && !this.#stopping && this.#failed === undefined) this.#requestRebalance(why);
    }, FENCED_REBALANCE_WAIT_MS).unref();
  }

  /** Makes the group rebalance (a brief member joins and leaves): kafkajs has no call for it. */
  #requestRebalance(why: string): void {
    const { config, logger, kafka, layout } = this.#ctx;
    logger.info({ why }, 'asking the group to rebalance');
    void joinBriefly(
      kafka,
      config.applicationId,
      layout.sourceTopics,
      createStreamsAssignor({ ...this.#assignorOptions, subscription: () => ({ tasks: [], probe: true }) }),
      { timeoutMs: config.consumer.rebalanceTimeoutMs ?? 60_000 },
    ).catch((error: unknown) => logger.warn({ err: error, why }, 'the requested rebalance failed'));
  }

  /** Commits shortly after input goes quiet, so that an idle member never holds uncommitted work. */
  #armIdleCommit(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      void this.#exclusive('the idle commit', async () => {
        if (this.#stopping || this.#failed !== undefined) return;
        if (![...this.#tasks.values()].some((task) => task.hasUncommitted())) return;
        try {
          await this.#commitTasks('idle');
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
    if (this.#wallClockPending || this.#tasks.size === 0) return;
    this.#wallClockPending = true;
    void this.#exclusive('wall-clock punctuation', async () => {
      this.#wallClockPending = false;
      if (this.#stopping || this.#failed !== undefined) return;
      const now = Date.now();
      let queued = 0;
      try {
        for (const task of this.#tasks.values()) task.engine.punctuateWallClock(now);
        // Records held back for an input that stayed empty (maxTaskIdleMs) go once it waited long enough.
        for (const task of this.#tasks.values())
          if (task.inputs !== undefined && task.inputs.buffered > 0) queued += this.#processQueued(task);
      } catch (error) {
        this.#fail(error as Error);
        return;
      }
      this.#sender.dispatch();
      for (const task of this.#tasks.values()) task.transaction?.sender.dispatch();
      if (queued > 0) this.#armIdleCommit();
    });
  }

  /** Waits for `promise` while keeping the membership alive (a slow store initialisation or restore). */
  async #waitWithHeartbeats(promise: Promise<unknown>, control: BatchControl): Promise<void> {
    let done = false;
    const settle = () => {
      done = true;
    };
    promise.then(settle, settle);
    const interval = this.#ctx.config.consumer.heartbeatIntervalMs ?? 1_000;
    while (!done) {
      await Promise.race([promise, new Promise((resolve) => setTimeout(resolve, interval))]);
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
    this.#ctx.logger.error({ err: failure }, 'stream thread failed');
    // Outside the loop: the owner's reaction (stop this thread) waits for the batch in progress.
    setImmediate(() => this.#ctx.onFatal(failure));
  }
}
