/**
 * Standby replicas: warm copies of tasks that run active on other instances. A standby opens the task's
 * stores in this instance's state directory and applies every record of their changelog partitions as
 * it arrives (one {@link ChangelogFollower} for all standbys of the instance), so that when the task
 * moves here the active restores only the changelog's tail.
 *
 * - Stores are built as an active task builds them, without processors (`standby-task-creator.ts`).
 * - Records are applied with `restoreBatch`, as restoration does; records with a null key are skipped.
 * - The checkpoint (offset of the last changelog record applied per persistent store) is written every
 *   10 s and when a standby is released or closed, so that a crash of this instance still leaves a usable
 *   checkpoint and the next owner of the directory restores only what came after it.
 * - Changelogs are read `read_committed`, so a standby never holds records of aborted transactions
 *   (exactly-once), and its checkpoint never vouches for them.
 *
 * Limitation: only persistent (RocksDB) stores keep their warmth across {@link StandbyTasks.release}. The
 * active task that takes over reopens them from disk with the checkpoint; in-memory stores of a standby are
 * dropped at release and the active rebuilds them from the changelog's start (a standby of a task with
 * only in-memory stores therefore saves nothing at promotion yet; it still follows, so its lag is known).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { type CheckpointEntry, writeCheckpoint } from '../../state/index.js';
import type { StateStore } from '../../state/store.js';
import type { KafkaAdmin } from '../internal/kafka/admin.js';
import {
  type ChangelogFollower,
  changelogEndOffsets,
  type FollowRange,
} from '../internal/kafka/changelog-follower.js';
import type { RecordBatch } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import { Mutex } from '../internal/util/mutex.js';
import type { ResolvedStreamsConfig } from './config.js';
import type { StreamsEventEmitter } from './events.js';
import { applyChangelogBatch, type PrepareStoreValues } from './restorer.js';
import { createStandbyTask, type FollowedStore, type StandbyTask } from './standby-task-creator.js';
import type { TaskLayout, TaskSpec } from './task-layout.js';

/** What the standbys of an instance need from its {@link KafkaStreams}. */
export interface StandbyContext {
  readonly config: ResolvedStreamsConfig;
  readonly plan: TopologyPlan;
  readonly layout: TaskLayout;
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly events: StreamsEventEmitter;
  /** Look-ahead of a store's value serde before a batch is applied (as `restoreTasks`' `prepareValues`). */
  readonly prepareValues?: PrepareStoreValues;
  /** How often checkpoints are written, ms. Default 10,000. */
  readonly checkpointIntervalMs?: number;
  /** How often the changelog ends are read for {@link StandbyTasks.lags}, ms. Default 2,000. */
  readonly lagCheckIntervalMs?: number;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
const DEFAULT_LAG_CHECK_INTERVAL_MS = 2_000;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class StandbyTasks {
  readonly #ctx: StandbyContext;
  readonly #follower: ChangelogFollower;
  readonly #tasks = new Map<string, StandbyTask>();
  /** The store a changelog partition feeds, per `topic\u0000partition`. */
  readonly #byPartition = new Map<string, { task: StandbyTask; store: FollowedStore }>();
  readonly #applied = new Map<string, number>();
  /** Changelog ends per `topic\u0000partition` as of the last check. */
  #ends = new Map<string, number>();
  /** Serialises `update`, `release` and `close` (each stops and restarts the follower). */
  readonly #operations = new Mutex();
  /** Serialises applying a batch, writing checkpoints, opening and closing tasks. */
  readonly #mutex = new Mutex();
  #checkpointTimer: NodeJS.Timeout | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  /** Reads the changelog ends for the lag checks; connected at the first check. */
  #admin: KafkaAdmin | undefined;
  #closed = false;

  constructor(ctx: StandbyContext) {
    this.#ctx = ctx;
    const { config, kafka, logger } = ctx;
    this.#follower = kafka.changelogFollower({
      // Unique per instance: several instances of one application in one process (tests) may start in
      // the same millisecond, and one throw-away group must have one member.
      groupId: `${config.applicationId}-standby-${randomUUID()}`,
      readCommitted: true,
      onBatch: (batch) => this.#exclusive(() => this.#apply(batch)),
      logger,
    });
  }

  /**
   * Makes the standby set exactly `specs`: closes (with a checkpoint) the ones no longer wanted, opens the
   * new ones and restarts the follower over all their changelog partitions. Tasks without changelogged
   * stores are ignored. A task whose directory cannot be opened now (e.g. its active here has not closed
   * yet) is logged and left out; the next update tries again.
   */
  update(specs: ReadonlyArray<TaskSpec>): Promise<void> {
    return this.#operation(async () => {
      if (this.#closed) return;
      const wanted = new Map(
        specs.filter((spec) => spec.changelogTopics.length > 0).map((spec) => [spec.id, spec]),
      );
      // A rebalance that keeps the same standbys must not restart the follower (a group join each time).
      const unchanged =
        wanted.size === this.#tasks.size && [...wanted.keys()].every((id) => this.#tasks.has(id));
      if (unchanged) return;
      await this.#follower.stop();
      const resumeAt = this.#positions();
      await this.#exclusive(async () => {
        for (const task of [...this.#tasks.values()]) {
          if (!wanted.has(task.spec.id)) await this.#closeTask(task);
        }
        for (const spec of wanted.values()) {
          if (this.#tasks.has(spec.id)) continue;
          await this.#openTask(spec).catch((error: unknown) =>
            this.#ctx.logger.warn({ err: error, taskId: spec.id }, 'standby task not opened'),
          );
        }
      });
      await this.#follow(resumeAt);
      this.#ctx.logger.info({ standbyTasks: this.taskIds() }, 'standby tasks updated');
    });
  }

  /**
   * Closes one standby cleanly (stores flushed, checkpoint written, stores closed, task lock released) so
   * that an active task of the same id can open its directory now; the others go on following.
   */
  release(taskId: string): Promise<void> {
    return this.#operation(async () => {
      const task = this.#tasks.get(taskId);
      if (task === undefined || this.#closed) return;
      await this.#follower.stop();
      const resumeAt = this.#positions();
      await this.#exclusive(() => this.#closeTask(task));
      await this.#follow(resumeAt);
      this.#ctx.logger.info({ taskId }, 'standby task released');
    });
  }

  /** Per standby task: the sum over its changelog partitions of the next offset to read. */
  offsetSums(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const task of this.#tasks.values()) {
      let sum = 0;
      for (const store of task.stores) sum += this.#nextOffset(task, store);
      sums.set(task.spec.id, sum);
    }
    return sums;
  }

  /**
   * Per standby task: records behind the changelog ends, as of the last check of the ends (every few
   * seconds). A task whose ends were not read yet is left out.
   */
  lags(): Map<string, number> {
    const lags = new Map<string, number>();
    for (const task of this.#tasks.values()) {
      let lag = 0;
      let known = true;
      for (const store of task.stores) {
        const end = this.#ends.get(key(store.topic, task.spec.partition));
        if (end === undefined) known = false;
        else lag += Math.max(0, end - this.#nextOffset(task, store));
      }
      if (known) lags.set(task.spec.id, lag);
    }
    return lags;
  }

  taskIds(): string[] {
    return [...this.#tasks.keys()];
  }

  /** Records applied since this object was created, per task (for tests and metrics). */
  appliedRecords(taskId: string): number {
    return this.#applied.get(taskId) ?? 0;
  }

  /** A store of a standby task, for reads of possibly stale state (it lags its active). */
  store(taskId: string, storeName: string): StateStore | undefined {
    return this.#tasks.get(taskId)?.stores.find((store) => store.name === storeName)?.store;
  }

  /** Stops following and closes every standby with a checkpoint. Idempotent. */
  close(): Promise<void> {
    return this.#operation(async () => {
      if (this.#closed) return;
      this.#closed = true;
      clearInterval(this.#checkpointTimer);
      clearInterval(this.#lagTimer);
      await this.#follower.stop();
      await this.#exclusive(async () => {
        for (const task of [...this.#tasks.values()]) await this.#closeTask(task);
      });
      await this.#dropAdmin();
      this.#ctx.logger.debug('standby tasks closed');
    });
  }

  #operation<T>(fn: () => Promise<T>): Promise<T> {
    return this.#operations.runExclusive(fn);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.runExclusive(fn);
  }

  /** Opens a standby (see `standby-task-creator.ts`) and feeds it its changelog partitions. */
  async #openTask(spec: TaskSpec): Promise<void> {
    const task = await createStandbyTask(this.#ctx.config, this.#ctx.plan, spec);
    if (task === undefined) return;
    this.#tasks.set(spec.id, task);
    for (const store of task.stores) this.#byPartition.set(key(store.topic, spec.partition), { task, store });
    this.#ctx.logger.info(
      {
        taskId: spec.id,
        stores: task.stores.map((store) => ({ store: store.name, startOffset: store.startOffset })),
      },
      'standby task opened',
    );
  }

  /** Flushes, checkpoints and closes a standby (its stores release the task lock). */
  async #closeTask(task: StandbyTask): Promise<void> {
    this.#tasks.delete(task.spec.id);
    for (const store of task.stores) this.#byPartition.delete(key(store.topic, task.spec.partition));
    try {
      await this.#checkpoint(task);
    } finally {
      try {
        await task.engine.close();
      } catch (error) {
        this.#ctx.logger.warn({ err: error, taskId: task.spec.id }, 'closing a standby task failed');
      }
    }
    this.#ctx.logger.info({ taskId: task.spec.id }, 'standby task closed');
  }

  /** Applies one changelog batch to its store; runs under the mutex. */
  async #apply(batch: RecordBatch): Promise<void> {
    const target = this.#byPartition.get(key(batch.topic, batch.partition));
    if (target === undefined) return; // fetched before its task was closed
    const { task, store } = target;
    const applied = await applyChangelogBatch(batch, store.store, store.name, this.#ctx.prepareValues);
    this.#applied.set(task.spec.id, this.appliedRecords(task.spec.id) + applied);
  }

  /**
   * Writes the task's checkpoint: per persistent store, the offset before the follower's position (the
   * follower moves it only once a batch was applied, or past markers and aborted records). Runs under
   * the mutex, so no batch is half applied.
   */
  async #checkpoint(task: StandbyTask): Promise<void> {
    const entries: CheckpointEntry[] = task.stores
      .filter((store) => store.checkpointed)
      .map((store) => ({
        store: store.name,
        topic: store.topic,
        partition: task.spec.partition,
        offset: Math.max(store.trustedOffset, this.#nextOffset(task, store) - 1),
      }));
    const written = JSON.stringify(entries);
    if (entries.length === 0 || written === task.lastCheckpoint) return;
    try {
      await task.engine.flush();
      await writeCheckpoint(task.path, entries);
      task.lastCheckpoint = written;
    } catch (error) {
      // Only the next restore gets longer (it starts from an older checkpoint): never fatal for a standby.
      this.#ctx.logger.warn({ err: error, taskId: task.spec.id }, 'standby checkpoint not written');
    }
  }

  #nextOffset(task: StandbyTask, store: FollowedStore): number {
    return Math.max(store.startOffset, this.#follower.position(store.topic, task.spec.partition) ?? 0);
  }

  /** The follower's positions per `topic\u0000partition` of the open tasks (read while it is stopped). */
  #positions(): Map<string, number> {
    const positions = new Map<string, number>();
    for (const task of this.#tasks.values()) {
      for (const store of task.stores)
        positions.set(key(store.topic, task.spec.partition), this.#nextOffset(task, store));
    }
    return positions;
  }

  /** Starts the follower over every open standby from `resumeAt` (or their start), and the timers. */
  async #follow(resumeAt: ReadonlyMap<string, number>): Promise<void> {
    const ranges: FollowRange[] = [];
    for (const task of this.#tasks.values()) {
      for (const store of task.stores) {
        const id = key(store.topic, task.spec.partition);
        ranges.push({
          topic: store.topic,
          partition: task.spec.partition,
          startOffset: Math.max(store.startOffset, resumeAt.get(id) ?? 0),
        });
      }
    }
    try {
      // Also with no ranges: starting clears the positions of partitions no longer followed.
      await this.#follower.start(ranges);
    } catch (error) {
      // The follower retries by itself; the standbys are only colder meanwhile.
      this.#ctx.logger.warn({ err: error }, 'standby changelog follower not started yet; retrying');
    }
    if (ranges.length === 0) return;
    this.#startTimers();
    await this.#checkLags();
  }

  #startTimers(): void {
    if (this.#closed) return;
    this.#checkpointTimer ??= setInterval(() => {
      void this.#exclusive(async () => {
        for (const task of this.#tasks.values()) await this.#checkpoint(task);
      });
    }, this.#ctx.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS).unref();
    this.#lagTimer ??= setInterval(
      () => void this.#checkLags(),
      this.#ctx.lagCheckIntervalMs ?? DEFAULT_LAG_CHECK_INTERVAL_MS,
    ).unref();
  }

  async #checkLags(): Promise<void> {
    const topics = new Set<string>();
    for (const task of this.#tasks.values()) for (const store of task.stores) topics.add(store.topic);
    if (topics.size === 0 || this.#closed) return;
    try {
      // One admin connection for the checks every few seconds, replaced after a failure.
      if (this.#admin === undefined) {
        const admin = this.#ctx.kafka.admin();
        await admin.connect();
        if (this.#closed) {
          await admin.disconnect();
          return;
        }
        this.#admin = admin;
      }
      this.#ends = await changelogEndOffsets(this.#ctx.kafka, [...topics], this.#admin);
    } catch (error) {
      this.#ctx.logger.debug({ err: error }, 'standby lag check failed');
      await this.#dropAdmin();
    }
  }

  async #dropAdmin(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
