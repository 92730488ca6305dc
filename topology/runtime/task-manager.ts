import type { StateStore } from '../../state/store.js';
import type { ConsumerGroupMetadata } from '../internal/kafka/consumer.js';
import type { TopicPartition, TopicPartitionOffset } from '../internal/kafka/types.js';
import type { ActiveTask } from './active-task.js';
import { ActiveTaskCreator } from './active-task-creator.js';
import type { MemberSubscription, StandbyAssignment } from './assignment-info.js';
import type { CommitEvent } from './events.js';
import type { SenderLanes } from './sender-lanes.js';
import type { SerdePreparation } from './serde-preparation.js';
import type { StateDirectory } from './state-directory.js';
import { StateUpdater } from './state-updater.js';
import { TaskExecutor } from './task-executor.js';
import type { TaskSpec } from './task-layout.js';
import { TaskProducers } from './task-producers.js';
import { TaskReviver } from './task-reviver.js';
import type { ThreadResources } from './thread-resources.js';

/** What the task manager needs from its thread. */
export interface TaskManagerContext extends ThreadResources {
  /** The thread's shared output (at-least-once). */
  readonly sender: SenderLanes;
  readonly serdes: SerdePreparation;
  readonly stateDirectory: StateDirectory;
  /** Commits the consumer group's positions (at-least-once). */
  readonly commitOffsets: (offsets: ReadonlyArray<TopicPartitionOffset>) => Promise<void>;
  /** The consumer's member id and generation (exactly-once commits send them, KIP-447). */
  readonly groupMetadata: () => ConsumerGroupMetadata | undefined;
  /** Sends the consumer back to `offset` (a revived task redoes its input). */
  readonly seek: (topic: string, partition: number, offset: number) => void;
  /** A failure no task can ride out: the thread fails. */
  readonly onFatal: (error: Error) => void;
  /** Exactly-once: a task was fenced; the thread sees that a rebalance decides who runs it. */
  readonly onFenced: () => void;
  /** True once the thread failed. */
  readonly failed: () => boolean;
  /** Runs `fn` in the thread's mutex (no batch, commit or assignment interleaves). */
  readonly exclusive: <T>(operation: string, fn: () => Promise<T>) => Promise<T>;
  /** Stops / resumes fetching input partitions (a task's input waits while its stores restore). */
  readonly pause: (partitions: ReadonlyArray<TopicPartition>) => void;
  readonly resume: (partitions: ReadonlyArray<TopicPartition>) => void;
  /** A restored task joined processing (the rebalance completes once none restores). */
  readonly onRestored: () => void;
}

export class TaskManager {
  readonly #ctx: TaskManagerContext;
  readonly #tasks = new Map<string, ActiveTask>();
  /**
   * Assigned tasks whose stores the state updater restores: created (stores open, exactly-once producer
   * fencing done) but not processing; their input partitions are paused until they join `#tasks`.
   */
  readonly #restoring = new Map<string, ActiveTask>();
  /**
   * The tasks the last assignment created, in its order: they join `#tasks` as they finish restoring, in
   * any order, but `taskIds()` lists them in this one (after the kept ones), as when they started together.
   */
  #createdOrder: string[] = [];
  readonly #creator: ActiveTaskCreator;
  /** Exactly-once only: the tasks' transactional producers. */
  readonly #producers: TaskProducers | undefined;
  /** Restores new tasks and keeps the standbys (warm copies of tasks active elsewhere) current. */
  readonly #updater: StateUpdater;
  readonly #executor: TaskExecutor;

  constructor(ctx: TaskManagerContext) {
    this.#ctx = ctx;
    const { config, plan, layout, kafka, events, logger, cache, sender, serdes, stateDirectory } = ctx;
    // `processingGuarantee: 'exactly_once'`: a transactional producer per task.
    const producers =
      config.processingGuarantee === 'exactly_once'
        ? new TaskProducers({
            ...{ config, kafka, events, logger, onFatal: ctx.onFatal, groupMetadata: ctx.groupMetadata },
            onAcknowledged: (topic, partition, lastOffset) =>
              stateDirectory.acknowledge(topic, partition, lastOffset),
          })
        : undefined;
    this.#producers = producers;
    const creator = new ActiveTaskCreator({
      ...{ config, plan, layout, kafka, events, logger, cache, globalStores: ctx.globalStores },
      ...{ sender, serdes, stateDirectory, producers },
    });
    this.#creator = creator;
    this.#updater = new StateUpdater({
      ...{ config, plan, layout, kafka, logger, events },
      prepareValues: (storeName, topic, values) => serdes.prepareStoreValues(storeName, topic, values),
    });
    const reviver =
      producers === undefined
        ? undefined
        : new TaskReviver({
            ...{ logger, events, creator, producers, seek: ctx.seek },
            restore: (task) => this.#updater.restore(task),
            add: (task) => this.#tasks.set(task.id, task),
            close: (task, clean) => this.closeTask(task, clean),
          });
    this.#executor = new TaskExecutor({
      ...{ logger, events, sender, stateDirectory, producers },
      ...{ commitOffsets: ctx.commitOffsets, onFenced: ctx.onFenced, failed: ctx.failed },
      closeTask: (task, clean) => this.closeTask(task, clean),
      onTransactionCommitted: (taskId) => reviver?.committed(taskId),
      revive: (spec, error) => reviver!.revive(spec, error),
    });
  }

  /** Commits every task under the thread's guarantee (see `task-executor.ts`). */
  commit(reason: CommitEvent['reason']): Promise<void> {
    return this.#executor.commit(this.tasks(), reason);
  }

  /** When the last commit started (ms). */
  get lastCommitAt(): number {
    return this.#executor.lastCommitAt;
  }

  /** True when a processor asked for a commit. */
  commitRequested(): boolean {
    return this.tasks().some((task) => task.engine.commitRequested);
  }

  /** The lag of each standby task (warm-ups included), as last read. */
  standbyLags(): ReadonlyMap<string, number> {
    return this.#updater.standbys.lags();
  }

  /** The ids of the assigned tasks still restoring (not processing yet). */
  restoringTaskIds(): string[] {
    return [...this.#restoring.keys()];
  }

  /** The ids of the running active tasks. */
  taskIds(): string[] {
    return [...this.#tasks.keys()];
  }

  /** The running active tasks. */
  tasks(): ActiveTask[] {
    return [...this.#tasks.values()];
  }

  /** The running task with this id. */
  task(taskId: string): ActiveTask | undefined {
    return this.#tasks.get(taskId);
  }

  /** True when a task processed records that are not committed yet. */
  hasUncommitted(): boolean {
    return this.tasks().some((task) => task.hasUncommitted());
  }

  /** The ids of the standby tasks (warm-ups included) kept now. */
  standbyTaskIds(): string[] {
    return this.#updater.standbys.taskIds();
  }

  /**
   * Store `storeName` of standby task `taskId` when it is kept here, with the task's lag (records behind
   * its changelog ends as last read; undefined until the ends were read once).
   */
  standbyStore(
    taskId: string,
    storeName: string,
  ): { store: StateStore; lag: number | undefined } | undefined {
    const store = this.#updater.standbys.store(taskId, storeName);
    return store === undefined ? undefined : { store, lag: this.#updater.standbys.lags().get(taskId) };
  }

  /** What this member tells the leader at every join: its tasks, and how far its other local state reaches. */
  subscription(): MemberSubscription {
    const offsets: Record<string, number> = Object.fromEntries(this.#ctx.stateDirectory.diskOffsets());
    for (const [taskId, offset] of this.#updater.standbys.offsetSums()) offsets[taskId] = offset;
    return {
      // Restoring tasks are owned too: announced, they stay here (stickiness) and keep their progress.
      tasks: [...this.taskIds(), ...this.restoringTaskIds()],
      offsets,
      process: this.#ctx.config.processId,
      ...(this.#ctx.config.applicationServer === undefined
        ? {}
        : { server: this.#ctx.config.applicationServer }),
    };
  }

  /**
   * Applies an assignment: tasks no longer assigned are closed (committed first when they can be; a
   * restoring one with a checkpoint of how far it got), the standbys updated, new tasks created and handed
   * to the state updater. Returns without waiting for their restoration: the running tasks go on
   * processing, and each new task joins them once restored (`#activate`); until then its input
   * partitions are paused (a batch fetched before the pause is dropped unresolved, so it is fetched again
   * from the same offset after the resume). Throws when a step fails, after closing the tasks it created
   * (the thread fails).
   */
  async handleAssignment(
    partitions: ReadonlyArray<TopicPartition>,
    standby: StandbyAssignment,
  ): Promise<void> {
    const wanted = new Map<string, TaskSpec>();
    // Created here but not handed over yet: closed again if a later step fails (their producers and stores).
    const created: ActiveTask[] = [];
    for (const { topic, partition } of partitions) {
      const spec = this.#ctx.layout.taskOf(topic, partition);
      if (spec !== undefined) wanted.set(spec.id, spec);
    }
    try {
      // One transaction per thread: the tasks moving away are committed with every other task (their
      // outputs share the transaction); a failure there closes them all and revives only the kept ones.
      if (this.#producers?.perThread === true && this.tasks().some((task) => !wanted.has(task.id)))
        await this.#executor.commit(this.tasks(), 'rebalance', (taskId) => wanted.has(taskId));
      for (const task of this.tasks()) if (!wanted.has(task.id)) await this.#closeMovedTask(task);
      for (const task of [...this.#restoring.values()])
        if (!wanted.has(task.id)) await this.#closeRestoringTask(task);
      // Standbys first, in one go (one reader restart): promoted ones close their stores with a
      // checkpoint, so their actives restore only the tail; new ones may open directories just closed.
      await this.#updateStandbys(standby, wanted);
      for (const spec of wanted.values()) {
        if (this.#tasks.has(spec.id) || this.#restoring.has(spec.id)) continue;
        this.#ctx.stateDirectory.forgetDiskState(spec.id);
        created.push(await this.#creator.create(spec));
      }
    } catch (error) {
      for (const task of created) await this.closeTask(task, false);
      throw error;
    }
    this.#createdOrder = created.map((task) => task.id);
    // Tasks without changelogs have nothing to restore: they process at once.
    const stateless = created.filter((task) => task.engine.changelogTopics().size === 0);
    for (const task of stateless) this.#restoring.set(task.id, task);
    await this.#activate(stateless);
    for (const task of created) if (!stateless.includes(task)) this.#startRestoring(task);
    // kafkajs keeps a pause across rejoins: every assignment says again which inputs wait.
    const inputs = (tasks: Iterable<ActiveTask>) =>
      [...tasks].flatMap((task) =>
        task.spec.sourceTopics.map((topic) => ({ topic, partition: task.spec.partition })),
      );
    this.#ctx.resume(inputs(this.#tasks.values()));
    this.#ctx.pause(inputs(this.#restoring.values()));
  }

  /** Hands a created task to the state updater; it joins the running tasks once restored. */
  #startRestoring(task: ActiveTask): void {
    this.#restoring.set(task.id, task);
    this.#updater.restore(task).then(
      (restored) => {
        if (restored) void this.#ctx.exclusive('starting a restored task', () => this.#activate([task]));
      },
      (error: unknown) => this.#ctx.onFatal(error as Error),
    );
  }

  /** Restored tasks start processing (those not closed meanwhile); runs in the thread's mutex. */
  async #activate(candidates: ReadonlyArray<ActiveTask>): Promise<void> {
    const tasks = candidates.filter((task) => this.#restoring.get(task.id) === task);
    if (tasks.length === 0 || this.#ctx.failed()) return;
    try {
      // Exactly-once: this owner's producers fenced the older ones before the restore; re-read what they committed.
      if (this.#producers !== undefined) await this.#producers.startFromCommitted(tasks);
      await this.#creator.primeInputQueues(tasks);
      for (const task of tasks) task.engine.initProcessors();
    } catch (error) {
      this.#ctx.onFatal(error as Error);
      return;
    }
    const rank = (id: string) => this.#createdOrder.indexOf(id);
    const running = [...this.#tasks.values(), ...tasks].sort((x, y) => rank(x.id) - rank(y.id));
    this.#tasks.clear();
    for (const task of running) this.#tasks.set(task.id, task);
    for (const task of tasks) {
      this.#restoring.delete(task.id);
      this.#ctx.resume(task.spec.sourceTopics.map((topic) => ({ topic, partition: task.spec.partition })));
      this.#ctx.events.emit('taskCreated', task.id);
    }
    this.#ctx.onRestored();
  }

  /** A task that is no longer assigned while it restores: it keeps what it restored, with a checkpoint. */
  async #closeRestoringTask(task: ActiveTask): Promise<void> {
    await this.#updater.remove(task.id);
    let clean = true;
    try {
      // Its stores hold committed changelog records only (read_committed): a checkpoint may vouch for them.
      await task.engine.flush();
    } catch (error) {
      this.#ctx.logger.warn({ err: error, taskId: task.id }, 'flushing a restoring task failed');
      clean = false;
    }
    await this.closeTask(task, clean);
  }

  /**
   * This member lost its tasks (it is no longer in the group's generation): their partitions may belong to
   * another member already, so every task closes without committing.
   */
  async handleLostAll(): Promise<void> {
    this.#ctx.sender.discard();
    for (const task of this.tasks()) await this.closeTask(task, false);
    for (const task of [...this.#restoring.values()]) await this.#closeRestoringTask(task);
    // One transaction per thread: what the lost tasks left in it is aborted.
    await this.#producers?.resetThreadProducer();
  }

  /** Closes every task (at shutdown), `clean` with checkpoints or dropping uncommitted work. */
  async closeAll(clean: boolean): Promise<void> {
    for (const task of this.tasks()) await this.closeTask(task, clean);
    for (const task of [...this.#restoring.values()]) await this.#closeRestoringTask(task);
    await this.#producers?.closeThread();
  }

  /** Closes a task: `clean` writes its checkpoint; otherwise its unsent outputs are dropped. */
  async closeTask(task: ActiveTask, clean: boolean): Promise<void> {
    const { stateDirectory, logger, events } = this.#ctx;
    this.#tasks.delete(task.id);
    this.#restoring.delete(task.id);
    if (!clean) task.transaction?.sender.discard();
    await stateDirectory.closeTask(task, clean);
    try {
      await task.engine.close();
    } catch (error) {
      logger.warn({ err: error, taskId: task.id }, 'closing a task failed');
    }
    if (task.transaction !== undefined) {
      if (!clean) await stateDirectory.dropCheckpoint(task);
      await this.#producers?.close(task);
    }
    events.emit('taskClosed', task.id, clean);
  }

  /** A task that moved away: committed when it can be (punctuators may have written since), then closed. */
  async #closeMovedTask(task: ActiveTask): Promise<void> {
    const { logger, sender } = this.#ctx;
    const producers = this.#producers;
    let clean = !task.hasUncommitted();
    if (producers?.perThread === true) {
      // Committed with the whole thread just before (`handleAssignment`).
    } else if (clean && producers !== undefined) {
      // Punctuators may have written since the last commit: commit them in the task's transaction.
      clean = await producers.commit(task, []).then(
        () => true,
        (error: unknown) => {
          logger.warn({ err: error, taskId: task.id }, 'last transaction of a task moving away failed');
          return false;
        },
      );
    } else if (clean) {
      // Punctuators may have written since the last commit: make the stores and outputs durable.
      await task.engine.flush();
      await sender.flush();
    } else {
      logger.warn({ taskId: task.id }, 'task moved away with uncommitted input; the new owner redoes it');
      sender.discard(task.id);
    }
    await this.closeTask(task, clean);
  }

  /** Keeps exactly the standby tasks the leader gave this member (never one of its own active tasks). */
  async #updateStandbys(standby: StandbyAssignment, active: ReadonlyMap<string, TaskSpec>): Promise<void> {
    const { layout, serdes, stateDirectory } = this.#ctx;
    const updater = this.#updater;
    const specs = standby.standby
      .filter((id) => !active.has(id))
      .map((id) => layout.tasks.find((task) => task.id === id))
      .filter((spec): spec is TaskSpec => spec !== undefined);
    const before = new Set(updater.standbys.taskIds());
    for (const spec of specs) await serdes.forTask(spec.subtopologyId);
    await updater.standbys.update(specs);
    // A standby dropped here leaves its checkpointed (persistent) state on disk: announce it at the next join.
    const kept = new Set(updater.standbys.taskIds());
    for (const taskId of before) {
      if (!kept.has(taskId) && !active.has(taskId)) await stateDirectory.noteCheckpointOnDisk(taskId);
    }
    for (const taskId of kept) stateDirectory.forgetDiskState(taskId);
  }

  /** Closes the state updater: every standby task, with checkpoints (at shutdown). */
  closeStandbys(): Promise<void> {
    return this.#updater.close();
  }
}
