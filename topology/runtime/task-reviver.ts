/**
 * Exactly-once: revives a task whose transaction failed and was aborted (Kafka Streams closes such a task
 * dirty and revives it in place). The revived task has a new producer (initialising it completes the
 * aborted transaction), its stores restored from the changelog (the checkpoint was removed, so from its
 * start for persistent stores too), its positions read from the committed offsets and the consumer sent
 * back to them, so that the input of the aborted transaction is processed again.
 *
 * Failed transactions of a task in a row are counted across revivals (a commit that succeeds resets the
 * count); the pauses are the library's default backoff over that count, 100 ms doubling to 1.6 s. After
 * {@link MAX_REVIVALS} the revival gives up with a retriable error: the thread fails, and `KafkaStreams`
 * replaces it (the task restores from its changelog on the new thread).
 */
import type { Logger } from 'pino';
import { abortableSleep, backoffDelayMs, DEFAULT_RETRY, retry } from '../internal/util/retry.js';
import type { ActiveTask } from './active-task.js';
import type { ActiveTaskCreator } from './active-task-creator.js';
import { RuntimeError } from './errors.js';
import type { StreamsEventEmitter } from './events.js';
import type { TaskSpec } from './task-layout.js';
import type { TaskProducers } from './task-producers.js';

/** A task whose transaction fails this many times in a row fails the thread. */
export const MAX_REVIVALS = 5;

/** What the reviver needs from its thread. */
export interface TaskReviverContext {
  readonly logger: Logger;
  readonly events: StreamsEventEmitter;
  readonly creator: ActiveTaskCreator;
  /** Restores the task's stores (the state updater); false when it was closed meanwhile. */
  readonly restore: (task: ActiveTask) => Promise<boolean>;
  readonly producers: TaskProducers;
  /** Sends the consumer back to `offset` (applied at its next fetch). */
  readonly seek: (topic: string, partition: number, offset: number) => void;
  /** The revived task is ready: it runs from now on. */
  readonly add: (task: ActiveTask) => void;
  /** Closes a task (a revival that failed half-way closes it dirty). */
  readonly close: (task: ActiveTask, clean: boolean) => Promise<void>;
}

export class TaskReviver {
  readonly #ctx: TaskReviverContext;
  /** Failed transactions in a row per task, each followed by a revival. */
  readonly #revivals = new Map<string, number>();

  constructor(ctx: TaskReviverContext) {
    this.#ctx = ctx;
  }

  /** The task's transaction committed: its count of failures in a row starts again. */
  committed(taskId: string): void {
    this.#revivals.delete(taskId);
  }

  /**
   * Creates the task again after its transaction failed with `firstCause` (the task is closed already).
   * A revival that fails itself (the cluster may still be unreachable: a broker restarting) counts as one
   * more attempt. Throws a retriable `STRM_ERR_RUNTIME_PRODUCTION` once {@link MAX_REVIVALS} are used up.
   */
  async revive(spec: TaskSpec, firstCause: Error): Promise<void> {
    const first = (this.#revivals.get(spec.id) ?? 0) + 1;
    let attempt = first;
    let cause = firstCause;
    if (first <= MAX_REVIVALS) {
      this.#warn(spec, first, cause);
      await abortableSleep(backoffDelayMs(DEFAULT_RETRY, first));
      try {
        await retry(
          async (retried) => {
            attempt = first + retried;
            this.#revivals.set(spec.id, attempt);
            try {
              await this.#reviveOnce(spec, attempt, cause);
            } catch (error) {
              cause = error as Error;
              throw error;
            }
          },
          {
            ...DEFAULT_RETRY,
            // Retry r is attempt `first + r`: its pause is the default's for that attempt.
            initialDelayMs: backoffDelayMs(
              { ...DEFAULT_RETRY, maxDelayMs: Number.POSITIVE_INFINITY },
              first + 1,
            ),
            retries: MAX_REVIVALS - first,
            onRetry: (error, retried) => this.#warn(spec, first + retried, error as Error),
          },
        );
        return;
      } catch {
        attempt = MAX_REVIVALS + 1;
      }
    }
    this.#revivals.set(spec.id, attempt);
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_PRODUCTION',
      `The transaction of task ${spec.id} failed ${MAX_REVIVALS} times in a row and was aborted each time (last: ${cause.message}); the task restores from its changelog when the thread is replaced`,
      { cause, retriable: true },
    );
  }

  #warn(spec: TaskSpec, attempt: number, cause: Error): void {
    this.#ctx.logger.warn(
      { taskId: spec.id, attempt, err: cause },
      'transaction failed and was aborted; reviving the task from its changelog',
    );
  }

  async #reviveOnce(spec: TaskSpec, attempt: number, cause: Error): Promise<void> {
    const { creator, producers, events } = this.#ctx;
    let task: ActiveTask | undefined;
    try {
      task = await creator.create(spec);
      // Awaited here, in the thread's operation: a revival redoes the task's input from its last commit.
      if (!(await this.#ctx.restore(task))) throw new Error(`task ${spec.id} was closed while it restored`);
      await producers.startFromCommitted([task]);
      await creator.primeInputQueues([task]);
      for (const topic of spec.sourceTopics)
        this.#ctx.seek(topic, spec.partition, Math.max(0, task.position(topic)));
    } catch (error) {
      if (task !== undefined) await this.#ctx.close(task, false);
      throw error;
    }
    task.engine.initProcessors();
    this.#ctx.add(task);
    events.emit('taskCreated', task.id);
    events.emit('taskRevived', { taskId: task.id, attempt, error: cause });
  }
}
