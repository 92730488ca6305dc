import type { StateStore } from '../../state/store.js';
import type { TopicPartition, TopicPartitionOffset } from '../internal/kafka/types.js';
import type { ActiveTask } from './active-task.js';
import { ActiveTaskCreator } from './active-task-creator.js';
import type { MemberSubscription, StandbyAssignment } from './assignment-info.js';
import type { CommitEvent } from './events.js';
import type { SenderLanes } from './sender-lanes.js';
import type { SerdePreparation } from './serde-preparation.js';
import { StandbyTasks } from './standby-tasks.js';
import type { StateDirectory } from './state-directory.js';
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
  /** Sends the consumer back to `offset` (a revived task redoes its input). */
  readonly seek: (topic: string, partition: number, offset: number) => void;
  /** A failure no task can ride out: the thread fails. */
  readonly onFatal: (error: Error) => void;
  /** Exactly-once: a task was fenced; the thread sees that a rebalance decides who runs it. */
  readonly onFenced: () => void;
  /** True once the thread failed. */
  readonly failed: () => boolean;
}

export class TaskManager {
  readonly #ctx: TaskManagerContext;
  readonly #tasks = new Map<string, ActiveTask>();
  readonly #creator: ActiveTaskCreator;
  /** Exactly-once only: the tasks' transactional producers. */
  readonly #producers: TaskProducers | undefined;
  /** Warm copies of tasks active on other instances (standby replicas and warm-ups). */
  readonly #standbys: StandbyTasks;
  readonly #executor: TaskExecutor;

  constructor(ctx: TaskManagerContext) {
    this.#ctx = ctx;
    const { config, plan, layout, kafka, events, logger, cache, sender, serdes, stateDirectory } = ctx;
    // `processingGuarantee: 'exactly_once'`: a transactional producer per task.
    const producers =
      config.processingGuarantee === 'exactly_once'
        ? new TaskProducers({
            ...{ config, kafka, events, logger, onFatal: ctx.onFatal },
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
    this.#standbys = new StandbyTasks({
      ...{ config, plan, layout, kafka, logger, events },
      prepareValues: (storeName, topic, values) => serdes.prepareStoreValues(storeName, topic, values),
    });
    const reviver =
      producers === undefined
        ? undefined
        : new TaskReviver({
            ...{ logger, events, creator, producers, seek: ctx.seek },
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
    return this.#standbys.lags();
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
    return this.#standbys.taskIds();
  }

  /**
   * Store `storeName` of standby task `taskId` when it is kept here, with the task's lag (records behind
   * its changelog ends as last read; undefined until the ends were read once).
   */
  standbyStore(
    taskId: string,
    storeName: string,
  ): { store: StateStore; lag: number | undefined } | undefined {
    const store = this.#standbys.store(taskId, storeName);
    return store === undefined ? undefined : { store, lag: this.#standbys.lags().get(taskId) };
  }

  /** What this member tells the leader at every join: its tasks, and how far its other local state reaches. */
  subscription(): MemberSubscription {
    const offsets: Record<string, number> = Object.fromEntries(this.#ctx.stateDirectory.diskOffsets());
    for (const [taskId, offset] of this.#standbys.offsetSums()) offsets[taskId] = offset;
    return {
      tasks: this.taskIds(),
      offsets,
      ...(this.#ctx.config.applicationServer === undefined
        ? {}
        : { server: this.#ctx.config.applicationServer }),
    };
  }

  /**
   * Applies an assignment: tasks no longer assigned are closed (committed first when they can be), the
   * standbys updated, new tasks created, restored and started. Throws when a step fails, after closing the
   * tasks it created (the thread fails).
   */
  async handleAssignment(
    partitions: ReadonlyArray<TopicPartition>,
    standby: StandbyAssignment,
  ): Promise<void> {
    const { layout, events } = this.#ctx;
    const creator = this.#creator;
    const producers = this.#producers;
    const wanted = new Map<string, TaskSpec>();
    // Created here but not running yet: closed again if a later step fails (their producers and stores).
    const created: ActiveTask[] = [];
    for (const { topic, partition } of partitions) {
      const spec = layout.taskOf(topic, partition);
      if (spec !== undefined) wanted.set(spec.id, spec);
    }
    try {
      for (const task of this.tasks()) if (!wanted.has(task.id)) await this.#closeMovedTask(task);
      // Standbys first, in one go (one follower restart): promoted ones close their stores with a
      // checkpoint, so their actives restore only the tail; new ones may open directories just closed.
      await this.#updateStandbys(standby, wanted);
      for (const spec of wanted.values()) {
        if (this.#tasks.has(spec.id)) continue;
        this.#ctx.stateDirectory.forgetDiskState(spec.id);
        created.push(await creator.create(spec));
      }
      await creator.restore(created);
      if (producers !== undefined && created.length > 0) await producers.startFromCommitted(created);
      await creator.primeInputQueues(created);
      for (const task of created) {
        task.engine.initProcessors();
        this.#tasks.set(task.id, task);
        events.emit('taskCreated', task.id);
      }
    } catch (error) {
      for (const task of created) if (!this.#tasks.has(task.id)) await this.closeTask(task, false);
      throw error;
    }
  }

  /**
   * This member lost its tasks (it is no longer in the group's generation): their partitions may belong to
   * another member already, so every task closes without committing.
   */
  async handleLostAll(): Promise<void> {
    this.#ctx.sender.discard();
    for (const task of this.tasks()) await this.closeTask(task, false);
  }

  /** Closes every task (at shutdown), `clean` with checkpoints or dropping uncommitted work. */
  async closeAll(clean: boolean): Promise<void> {
    for (const task of this.tasks()) await this.closeTask(task, clean);
  }

  /** Closes a task: `clean` writes its checkpoint; otherwise its unsent outputs are dropped. */
  async closeTask(task: ActiveTask, clean: boolean): Promise<void> {
    const { stateDirectory, logger, events } = this.#ctx;
    this.#tasks.delete(task.id);
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
    if (clean && producers !== undefined) {
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
    const standbys = this.#standbys;
    const specs = standby.standby
      .filter((id) => !active.has(id))
      .map((id) => layout.tasks.find((task) => task.id === id))
      .filter((spec): spec is TaskSpec => spec !== undefined);
    const before = new Set(standbys.taskIds());
    for (const spec of specs) await serdes.forTask(spec.subtopologyId);
    await standbys.update(specs);
    // A standby dropped here leaves its checkpointed (persistent) state on disk: announce it at the next join.
    const kept = new Set(standbys.taskIds());
    for (const taskId of before) {
      if (!kept.has(taskId) && !active.has(taskId)) await stateDirectory.noteCheckpointOnDisk(taskId);
    }
    for (const taskId of kept) stateDirectory.forgetDiskState(taskId);
  }

  /** Closes every standby task (at shutdown). */
  closeStandbys(): Promise<void> {
    return this.#standbys.close();
  }
}
