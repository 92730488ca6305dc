/**
 * The local state of one thread's tasks on disk (Kafka Streams' `StateDirectory`): where a task's files
 * live (`<stateDir>/<applicationId>/<taskId>`), preparing them before the stores open, the checkpoints,
 * and the changelog offset sums of state kept on disk without running its task, which every join
 * announces to the assignor (KIP-441: the leader turns them into lags).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  deleteCheckpoint,
  prepareTaskDirectory,
  readCheckpoint,
  writeCheckpoint,
} from '../../state/index.js';
import type { ActiveTask, TaskDirectoryInfo } from './active-task.js';
import type { ResolvedStreamsConfig } from './config.js';
import type { TaskSpec } from './task-layout.js';

/**
 * How often a commit also writes the tasks' checkpoints (two fsyncs each). A clean close always writes
 * one; in between, a crash only makes the next restore start further back.
 */
export const CHECKPOINT_INTERVAL_MS = 30_000;

export class StateDirectory {
  readonly #config: ResolvedStreamsConfig;
  readonly #logger: Logger;
  /** Offset of the last acknowledged record per `topic\u0000partition` (records sent with a partition). */
  readonly #acknowledged = new Map<string, number>();
  /**
   * Per task whose state this instance keeps on disk without running it (a checkpoint left by an earlier
   * run or a task that moved away): the changelog offset sum it reaches, announced to the assignor.
   */
  readonly #diskOffsets = new Map<string, number>();
  /** Offset sum of each active task's last checkpoint. */
  readonly #checkpointedOffsets = new Map<string, number>();

  constructor(config: ResolvedStreamsConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
  }

  /** `stateDir/<applicationId>/<taskId>`. */
  taskPath(taskId: string): string {
    return join(this.#config.stateDir, this.#config.applicationId, taskId);
  }

  /** The brokers acknowledged `topic`/`partition` up to `lastOffset`: a checkpoint may vouch for it. */
  acknowledge(topic: string, partition: number, lastOffset: number): void {
    const key = `${topic}\u0000${partition}`;
    if (lastOffset > (this.#acknowledged.get(key) ?? -1)) this.#acknowledged.set(key, lastOffset);
  }

  /**
   * A new incarnation of a task opens its stores: what an earlier one here had acknowledged on its changelog
   * partitions says nothing about these stores (a checkpoint must vouch only for what they hold).
   */
  forgetAcknowledged(topic: string, partition: number): void {
    this.#acknowledged.delete(`${topic}\u0000${partition}`);
  }

  /** Changelog offset sums of the state kept on disk for tasks this instance does not run. */
  diskOffsets(): ReadonlyMap<string, number> {
    return this.#diskOffsets;
  }

  /** The task runs here now (or a standby keeps it): its state on disk is no longer announced as such. */
  forgetDiskState(taskId: string): void {
    this.#diskOffsets.delete(taskId);
  }

  /** Reads the checkpoints left in the state directory, so the first join already announces that state. */
  async scan(tasks: ReadonlyArray<TaskSpec>): Promise<void> {
    for (const task of tasks) {
      if (task.changelogTopics.length > 0) await this.noteCheckpointOnDisk(task.id);
    }
  }

  /** Records the changelog offset sum of the task's checkpoint on disk, if it has one. */
  async noteCheckpointOnDisk(taskId: string): Promise<void> {
    const checkpoint = await readCheckpoint(this.taskPath(taskId)).catch(() => undefined);
    if (checkpoint === undefined || checkpoint.entries.length === 0) return;
    this.#diskOffsets.set(
      taskId,
      checkpoint.entries.reduce((sum, entry) => sum + entry.offset + 1, 0),
    );
  }

  /**
   * The state layer's protocol, before a task's stores open: the checkpoint decides which local store
   * files of `persistent` (its persistent, logged stores) are kept.
   */
  async prepare(taskId: string, persistent: ReadonlyArray<string>): Promise<TaskDirectoryInfo> {
    const path = this.taskPath(taskId);
    const prepared = persistent.length > 0 ? await prepareTaskDirectory(path, persistent) : undefined;
    // Exactly-once: local files hold uncommitted writes until a clean close writes a new checkpoint; if
    // the process dies first, no checkpoint means the next owner wipes them and restores committed state.
    if (this.#config.processingGuarantee === 'exactly_once' && persistent.length > 0)
      await deleteCheckpoint(path);
    return { path, checkpointedStores: persistent, trusted: prepared?.trusted ?? new Map() };
  }

  /** Writes the task's checkpoint; its stores must be flushed and their changelog records acknowledged. */
  async writeCheckpoint(task: ActiveTask): Promise<void> {
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
      this.#logger.warn({ err: error, taskId: task.id }, 'writing the checkpoint failed');
    }
  }

  /** Writes the checkpoint of a task every {@link CHECKPOINT_INTERVAL_MS} (called after each commit). */
  async checkpointIfDue(task: ActiveTask): Promise<void> {
    if (Date.now() - task.lastCheckpointAt >= CHECKPOINT_INTERVAL_MS) await this.writeCheckpoint(task);
  }

  /**
   * A task is closing: a clean close writes its checkpoint, and persistent state left on disk with a
   * checkpoint is announced at the next join (a standby or a return).
   */
  async closeTask(task: ActiveTask, clean: boolean): Promise<void> {
    this.#checkpointedOffsets.delete(task.id);
    if (clean) await this.writeCheckpoint(task);
    const left = this.#checkpointedOffsets.get(task.id);
    if (left !== undefined) this.#diskOffsets.set(task.id, left);
  }

  /**
   * Exactly-once, a task closed dirty: the open transaction is aborted, so none of its outputs or offsets
   * become visible, and its local files may hold writes of it: no checkpoint vouches for them.
   */
  async dropCheckpoint(task: ActiveTask): Promise<void> {
    await deleteCheckpoint(task.directory.path).catch(() => undefined);
  }
}

/**
 * Deletes the application's local state (`<stateDir>/<applicationId>`: stores, checkpoints), as Kafka
 * Streams' `cleanUp()` does; returns the directory.
 */
export async function deleteApplicationState(config: ResolvedStreamsConfig): Promise<string> {
  const directory = join(config.stateDir, config.applicationId);
  await rm(directory, { recursive: true, force: true });
  return directory;
}
