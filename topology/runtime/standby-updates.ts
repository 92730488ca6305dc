/**
 * The standby side of the state updater (`state-updater.ts`): warm copies of tasks that run active on
 * other instances (replicas and warm-ups). A standby opens the task's stores in this instance's state
 * directory (`standby-task-creator.ts`) and the updater's one changelog reader applies every record of
 * their changelog partitions as it arrives (`read_committed`: never a record of an aborted transaction,
 * and the checkpoint never vouches for one), so that when the task moves here the active restores only
 * the changelog's tail.
 *
 * The checkpoint (offset of the last changelog record applied per persistent store) is written every
 * 10 s and when a standby is closed, so that a crash of this instance still leaves a usable checkpoint.
 * Lags (records behind the changelog ends) are read every 2 s, for the probing rebalances of warm-ups and
 * for stale store reads.
 */
import type { Logger } from 'pino';
import { type CheckpointEntry, writeCheckpoint } from '../../state/index.js';
import type { StateStore } from '../../state/store.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { ResolvedStreamsConfig } from './config.js';
import { createStandbyTask, type StandbyTask } from './standby-task-creator.js';
import type { ChangelogTarget } from './state-updater.js';
import type { TaskSpec } from './task-layout.js';

/** What the standbys need from their state updater. */
export interface StandbyUpdatesContext {
  readonly config: ResolvedStreamsConfig;
  readonly plan: TopologyPlan;
  readonly logger: Logger;
  readonly checkpointIntervalMs?: number;
  readonly lagCheckIntervalMs?: number;
  /** Runs `fn` under the updater's mutex (no batch is half applied meanwhile). */
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
  readonly nextOffset: (target: ChangelogTarget) => number;
  /** Under the mutex: these partitions are read from now on / no longer. */
  readonly register: (targets: ReadonlyArray<ChangelogTarget>) => void;
  readonly unregister: (targets: ReadonlyArray<ChangelogTarget>) => void;
  /** Restarts the reader over the partitions registered now. */
  readonly sync: () => Promise<void>;
  readonly endOffsets: (topics: ReadonlyArray<string>) => Promise<Map<string, number>>;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;
const DEFAULT_LAG_CHECK_INTERVAL_MS = 2_000;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

interface Standby {
  readonly task: StandbyTask;
  /** One per store, in the order of `task.stores`. */
  readonly targets: ReadonlyArray<ChangelogTarget>;
}

export class StandbyUpdates {
  readonly #ctx: StandbyUpdatesContext;
  readonly #standbys = new Map<string, Standby>();
  readonly #applied = new Map<string, number>();
  /** Changelog ends per `topic\u0000partition` as of the last check. */
  #ends = new Map<string, number>();
  #checkpointTimer: NodeJS.Timeout | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(ctx: StandbyUpdatesContext) {
    this.#ctx = ctx;
  }

  /**
   * Makes the standby set exactly `specs`: closes (with a checkpoint) the ones no longer wanted, opens the
   * new ones and restarts the reader. A task whose directory cannot be opened now is logged and left out;
   * the next update tries again.
   */
  async update(specs: ReadonlyArray<TaskSpec>): Promise<void> {
    if (this.#closed) return;
    const wanted = new Map(
      specs.filter((spec) => spec.changelogTopics.length > 0).map((spec) => [spec.id, spec]),
    );
    // A rebalance that keeps the same standbys must not restart the reader (a group join each time).
    const unchanged =
      wanted.size === this.#standbys.size && [...wanted.keys()].every((id) => this.#standbys.has(id));
    if (unchanged) return;
    await this.#ctx.exclusive(async () => {
      for (const standby of [...this.#standbys.values()]) {
        if (!wanted.has(standby.task.spec.id)) await this.#close(standby);
      }
      for (const spec of wanted.values()) {
        if (this.#standbys.has(spec.id)) continue;
        await this.#open(spec).catch((error: unknown) =>
          this.#ctx.logger.warn({ err: error, taskId: spec.id }, 'standby task not opened'),
        );
      }
    });
    await this.#ctx.sync();
    if (this.#standbys.size > 0) {
      this.#startTimers();
      await this.#checkLags();
    }
    this.#ctx.logger.info({ standbyTasks: this.taskIds() }, 'standby tasks updated');
  }

  /** Closes one standby cleanly; the others go on. */
  async release(taskId: string): Promise<void> {
    const standby = this.#standbys.get(taskId);
    if (standby === undefined || this.#closed) return;
    await this.#ctx.exclusive(() => this.#close(standby));
    await this.#ctx.sync();
    this.#ctx.logger.info({ taskId }, 'standby task released');
  }

  /** Records applied to a standby's stores (under the updater's mutex). */
  applied(taskId: string, records: number): void {
    this.#applied.set(taskId, this.appliedRecords(taskId) + records);
  }

  appliedRecords(taskId: string): number {
    return this.#applied.get(taskId) ?? 0;
  }

  taskIds(): string[] {
    return [...this.#standbys.keys()];
  }

  offsetSums(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const [taskId, { targets }] of this.#standbys) {
      sums.set(
        taskId,
        targets.reduce((sum, target) => sum + this.#ctx.nextOffset(target), 0),
      );
    }
    return sums;
  }

  lags(): Map<string, number> {
    const lags = new Map<string, number>();
    for (const [taskId, { targets }] of this.#standbys) {
      let lag = 0;
      let known = true;
      for (const target of targets) {
        const end = this.#ends.get(key(target.topic, target.partition));
        if (end === undefined) known = false;
        else lag += Math.max(0, end - this.#ctx.nextOffset(target));
      }
      if (known) lags.set(taskId, lag);
    }
    return lags;
  }

  store(taskId: string, storeName: string): StateStore | undefined {
    return this.#standbys.get(taskId)?.task.stores.find((store) => store.name === storeName)?.store;
  }

  /** Closes every standby with a checkpoint. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#checkpointTimer);
    clearInterval(this.#lagTimer);
    await this.#ctx.exclusive(async () => {
      for (const standby of [...this.#standbys.values()]) await this.#close(standby);
    });
  }

  /** Opens a standby from its checkpoint and registers its changelog partitions; under the mutex. */
  async #open(spec: TaskSpec): Promise<void> {
    const task = await createStandbyTask(this.#ctx.config, this.#ctx.plan, spec);
    if (task === undefined) return;
    const targets = task.stores.map(
      (store): ChangelogTarget => ({
        ...{ taskId: spec.id, storeName: store.name, topic: store.topic, partition: spec.partition },
        ...{ store: store.store, startOffset: store.startOffset, applied: 0, followedIn: -1 },
      }),
    );
    this.#standbys.set(spec.id, { task, targets });
    this.#ctx.register(targets);
    this.#ctx.logger.info(
      {
        taskId: spec.id,
        stores: task.stores.map((store) => ({ store: store.name, startOffset: store.startOffset })),
      },
      'standby task opened',
    );
  }

  /** Flushes, checkpoints and closes a standby (its stores release the task lock); under the mutex. */
  async #close(standby: Standby): Promise<void> {
    const { task, targets } = standby;
    this.#standbys.delete(task.spec.id);
    this.#ctx.unregister(targets);
    try {
      await this.#checkpoint(standby);
    } finally {
      try {
        await task.engine.close();
      } catch (error) {
        this.#ctx.logger.warn({ err: error, taskId: task.spec.id }, 'closing a standby task failed');
      }
    }
    this.#ctx.logger.info({ taskId: task.spec.id }, 'standby task closed');
  }

  /** Per persistent store, the offset before the next one to read; under the mutex. */
  async #checkpoint({ task, targets }: Standby): Promise<void> {
    const entries: CheckpointEntry[] = [];
    task.stores.forEach((store, i) => {
      if (!store.checkpointed) return;
      entries.push({
        store: store.name,
        topic: store.topic,
        partition: task.spec.partition,
        offset: Math.max(store.trustedOffset, this.#ctx.nextOffset(targets[i]!) - 1),
      });
    });
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

  #startTimers(): void {
    if (this.#closed) return;
    this.#checkpointTimer ??= setInterval(() => {
      void this.#ctx.exclusive(async () => {
        for (const standby of this.#standbys.values()) await this.#checkpoint(standby);
      });
    }, this.#ctx.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS).unref();
    this.#lagTimer ??= setInterval(
      () => void this.#checkLags(),
      this.#ctx.lagCheckIntervalMs ?? DEFAULT_LAG_CHECK_INTERVAL_MS,
    ).unref();
  }

  async #checkLags(): Promise<void> {
    const topics = new Set<string>();
    for (const { task } of this.#standbys.values()) for (const store of task.stores) topics.add(store.topic);
    if (topics.size === 0 || this.#closed) return;
    try {
      this.#ends = await this.#ctx.endOffsets([...topics]);
    } catch (error) {
      this.#ctx.logger.debug({ err: error }, 'standby lag check failed');
    }
  }
}
