/**
 * Commits a thread's tasks (Kafka Streams' `TaskExecutor` commit path), under either guarantee:
 *
 * - at-least-once: every task's stores flushed (their changelog records join the outputs), every output
 *   acknowledged by the brokers, then the positions committed; checkpoints written every
 *   `CHECKPOINT_INTERVAL_MS` (`state-directory.ts`);
 * - exactly-once with one producer per thread (KIP-447, `exactly_once_v2`): every task's stores flushed
 *   and outputs sent into the thread's transaction, which commits with all their positions and the
 *   consumer's generation; a failure closes every task dirty and revives them;
 * - exactly-once with one producer per task (kafkajs): per task, stores flushed and outputs sent into the
 *   task's transaction, which commits with the task's input positions, every task side by side on its own
 *   producer. A fenced task (another
 *   instance may own it now) is closed without committing and the member makes sure a rebalance decides
 *   who runs it. Any other failure aborts the transaction: the task is closed dirty (its uncommitted state
 *   discarded) and revived in place (`task-reviver.ts`); a revival that gives up fails the thread.
 *
 * Commits run on the interval, when a processor asks, 100 ms after input goes quiet, before every
 * rebalance and at shutdown; the thread decides when, this class how.
 */
import type { Logger } from 'pino';
import { isFencedError } from '../internal/kafka/transactional-producer.js';
import type { TopicPartitionOffset } from '../internal/kafka/types.js';
import type { ActiveTask } from './active-task.js';
import type { CommitEvent, StreamsEventEmitter } from './events.js';
import type { SenderLanes } from './sender-lanes.js';
import type { StateDirectory } from './state-directory.js';
import type { TaskSpec } from './task-layout.js';
import type { TaskProducers } from './task-producers.js';

/** What the executor needs from its thread. */
export interface TaskExecutorContext {
  readonly logger: Logger;
  readonly events: StreamsEventEmitter;
  /** The thread's shared output (at-least-once). */
  readonly sender: SenderLanes;
  readonly stateDirectory: StateDirectory;
  /** Exactly-once only: the tasks' transactional producers. */
  readonly producers: TaskProducers | undefined;
  /** Commits the consumer group's positions (at-least-once). */
  readonly commitOffsets: (offsets: ReadonlyArray<TopicPartitionOffset>) => Promise<void>;
  /** Closes a task, `clean` or dropping what it did not commit. */
  readonly closeTask: (task: ActiveTask, clean: boolean) => Promise<void>;
  /** Exactly-once: a task's transaction committed (its failures in a row start again). */
  readonly onTransactionCommitted: (taskId: string) => void;
  /** Exactly-once: revives a task whose transaction failed; throws when it gives up. */
  readonly revive: (spec: TaskSpec, error: Error) => Promise<void>;
  /** Exactly-once: a task was fenced; the thread sees that a rebalance decides who runs it. */
  readonly onFenced: () => void;
  /** True once the thread failed: no more revivals then. */
  readonly failed: () => boolean;
}

export class TaskExecutor {
  readonly #ctx: TaskExecutorContext;
  #lastCommitAt = Date.now();

  constructor(ctx: TaskExecutorContext) {
    this.#ctx = ctx;
  }

  /** When the last commit started (ms): the thread commits again once `commitIntervalMs` passed. */
  get lastCommitAt(): number {
    return this.#lastCommitAt;
  }

  /**
   * Commits `tasks` under the thread's guarantee; `reason` goes into the `commit` event. Exactly-once with
   * one producer per thread: a failed transaction closes every task dirty, and revives those `revive`
   * accepts (default: all; a rebalance leaves out the tasks that moved away).
   */
  async commit(
    tasks: ReadonlyArray<ActiveTask>,
    reason: CommitEvent['reason'],
    revive: (taskId: string) => boolean = () => true,
  ): Promise<void> {
    const producers = this.#ctx.producers;
    if (producers === undefined) await this.#commitOffsets(tasks, reason);
    else if (producers.perThread) await this.#commitThreadTransaction(producers, tasks, reason, revive);
    else await this.#commitTransactions(producers, tasks, reason);
  }

  /** At-least-once: stores flushed, every output acknowledged, then the positions committed. */
  async #commitOffsets(tasks: ReadonlyArray<ActiveTask>, reason: CommitEvent['reason']): Promise<void> {
    const started = performance.now();
    for (const task of tasks) await task.engine.flush();
    await this.#ctx.sender.flush();
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
    await this.#ctx.commitOffsets(offsets);
    for (const task of committed) task.markCommitted(task.offsetsToCommit());
    for (const task of tasks) await this.#ctx.stateDirectory.checkpointIfDue(task);
    this.#ctx.events.emit('commit', {
      durationMs: performance.now() - started,
      taskIds: committed.map((task) => task.id),
      reason,
    });
  }

  /**
   * Exactly-once, one producer per thread (KIP-447): every task's outputs and positions in one transaction.
   * When it fails, none of it becomes visible, so every task is closed dirty (its uncommitted state
   * discarded, as Kafka Streams does), the thread's producer replaced (the new one aborts what is left
   * open) and the tasks revived; fenced (a newer generation or producer took over): closed, and a
   * rebalance decides who runs them.
   */
  async #commitThreadTransaction(
    producers: TaskProducers,
    tasks: ReadonlyArray<ActiveTask>,
    reason: CommitEvent['reason'],
    revive: (taskId: string) => boolean,
  ): Promise<void> {
    const started = performance.now();
    this.#lastCommitAt = Date.now();
    const offsets = tasks.map((task) => {
      task.engine.clearCommitRequest();
      return task.offsetsToCommit();
    });
    try {
      await producers.commitThread(tasks, offsets.flat());
    } catch (caught) {
      const error = caught as Error;
      const fenced = isFencedError(error);
      this.#ctx.logger.warn(
        { taskIds: tasks.map((task) => task.id), err: error },
        fenced
          ? 'tasks migrated: the thread transaction was fenced (a newer generation or producer took over); closed without committing'
          : 'the thread transaction failed and is aborted; every task of the thread is closed dirty and revived',
      );
      for (const task of tasks) await this.#ctx.closeTask(task, false);
      await producers.resetThreadProducer();
      if (fenced) {
        this.#ctx.onFenced();
        return;
      }
      for (const task of tasks)
        if (revive(task.id) && !this.#ctx.failed()) await this.#ctx.revive(task.spec, error);
      return;
    }
    const committed: ActiveTask[] = [];
    for (const [index, task] of tasks.entries()) {
      this.#ctx.onTransactionCommitted(task.id);
      if (offsets[index]!.length > 0) {
        task.markCommitted(offsets[index]!);
        committed.push(task);
      }
    }
    if (committed.length > 0) {
      this.#ctx.events.emit('commit', {
        durationMs: performance.now() - started,
        taskIds: committed.map((task) => task.id),
        reason,
      });
    }
  }

  /** Exactly-once: every task's transaction commits with its positions; failures close or revive it. */
  async #commitTransactions(
    producers: TaskProducers,
    tasks: ReadonlyArray<ActiveTask>,
    reason: CommitEvent['reason'],
  ): Promise<void> {
    const started = performance.now();
    this.#lastCommitAt = Date.now();
    // Every task has its own producer: their transactions commit side by side, not one after another.
    const outcomes = await Promise.allSettled(
      tasks.map(async (task) => {
        task.engine.clearCommitRequest();
        const offsets = task.offsetsToCommit();
        await producers.commit(task, offsets);
        return offsets;
      }),
    );
    const committed: ActiveTask[] = [];
    const failed: Array<{ spec: TaskSpec; error: Error }> = [];
    let fenced = false;
    for (const [index, outcome] of outcomes.entries()) {
      const task = tasks[index]!;
      if (outcome.status === 'fulfilled') {
        this.#ctx.onTransactionCommitted(task.id);
        if (outcome.value.length > 0) {
          task.markCommitted(outcome.value);
          committed.push(task);
        }
        continue;
      }
      const error = outcome.reason as Error;
      await this.#ctx.closeTask(task, false);
      if (isFencedError(error)) {
        this.#ctx.logger.warn(
          { taskId: task.id, err: error },
          'task migrated: its producer was fenced (another instance took its transactional id); closed without committing',
        );
        fenced = true;
      } else failed.push({ spec: task.spec, error });
    }
    // Every failed task is closed before any is revived: a revival that gives up (throws) leaves none open.
    for (const { spec, error } of failed) if (!this.#ctx.failed()) await this.#ctx.revive(spec, error);
    if (committed.length > 0) {
      this.#ctx.events.emit('commit', {
        durationMs: performance.now() - started,
        taskIds: committed.map((task) => task.id),
        reason,
      });
    }
    if (fenced) this.#ctx.onFenced();
  }
}
