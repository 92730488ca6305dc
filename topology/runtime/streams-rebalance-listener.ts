/**
 * The rebalance callbacks of a stream thread (Kafka Streams' `StreamsRebalanceListener`), which kafkajs
 * (the client adapter today) does not have: it is eager and has no revoke callback. The batch handler's heartbeat notices a
 * rebalance (or kafkajs notices it between batches and calls `beforeRejoin`): every task is committed
 * with the generation that still owns it before the member rejoins. A member that lost its generation
 * closes its tasks without committing. The new assignment, with what the leader said besides partitions
 * (standbys, warm-ups, who runs what: `assignment-info.ts`), goes to the task manager, and warm-ups are
 * probed (`probing-rebalance.ts`).
 */
import type { Logger } from 'pino';
import type { GroupConsumer } from '../internal/kafka/consumer.js';
import { KafkaFacadeError } from '../internal/kafka/errors.js';
import type { TopicPartition } from '../internal/kafka/types.js';
import { decodeAssignmentInfo, type HostTasks, type StandbyAssignment } from './assignment-info.js';
import type { StreamsEventEmitter } from './events.js';
import type { ProbingRebalance } from './probing-rebalance.js';
import type { TaskManager } from './task-manager.js';

/** What the listener needs from its thread. */
export interface StreamsRebalanceListenerContext {
  readonly logger: Logger;
  readonly events: StreamsEventEmitter;
  readonly tasks: TaskManager;
  readonly probing: ProbingRebalance;
  /** Runs `fn` in the thread's mutex (no batch, commit or close interleaves). */
  readonly exclusive: <T>(operation: string, fn: () => Promise<T>) => Promise<T>;
  /** False once the thread is stopping or failed. */
  readonly running: () => boolean;
  readonly fail: (error: Error) => void;
  /** Called when the group starts a rebalance and when the new assignment is running. */
  readonly onRebalance: (phase: 'started' | 'completed') => void;
  /** Called (outside the loop) when another instance asked the whole application to shut down. */
  readonly onApplicationShutdown: () => void;
}

export class StreamsRebalanceListener {
  readonly #ctx: StreamsRebalanceListenerContext;
  /** Settles when the latest assignment has been applied; never rejects. */
  #settling: Promise<unknown> = Promise.resolve();
  #rebalanceStartedAt = 0;
  /** Assignments applied so far (tells whether a rebalance happened in between). */
  #assignmentsApplied = 0;
  #hosts: ReadonlyMap<string, HostTasks> = new Map();
  /** The applied assignment still has tasks restoring: the rebalance completes when the last one runs. */
  #completionPending = false;

  constructor(ctx: StreamsRebalanceListenerContext) {
    this.#ctx = ctx;
  }

  /** Listens to the group member's rebalance events. */
  attach(consumer: GroupConsumer): void {
    consumer.on('rebalancing', () => this.rebalanceStarted());
    consumer.on('assigned', (partitions, { userData }) => {
      const info = decodeAssignmentInfo(userData);
      if (info.shutdown) setImmediate(() => this.#ctx.onApplicationShutdown());
      this.#hosts = info.hosts;
      const standby = info.standby;
      // Never rejects: a failure to apply the assignment fails the thread instead.
      this.#settling = this.#ctx
        .exclusive('applying an assignment', () => this.#applyAssignment(partitions, standby))
        .catch((error: unknown) => this.#ctx.fail(error as Error));
    });
  }

  /** Settles when the latest assignment has been applied; never rejects. */
  get settling(): Promise<unknown> {
    return this.#settling;
  }

  /** Assignments applied so far. */
  get assignmentsApplied(): number {
    return this.#assignmentsApplied;
  }

  /** True from the start of a rebalance until its assignment is applied. */
  get rebalancing(): boolean {
    return this.#rebalanceStartedAt !== 0;
  }

  /** Which server (`applicationServer`) runs which tasks, active and standby, as of the last assignment. */
  hosts(): ReadonlyMap<string, HostTasks> {
    return this.#hosts;
  }

  /** The member joins the group for the first time. */
  joining(): void {
    this.#ctx.onRebalance('started');
    this.#rebalanceStartedAt = Date.now();
  }

  /** A rebalance began (noticed by a heartbeat): announced once per rebalance. */
  rebalanceStarted(): void {
    if (this.#rebalanceStartedAt === 0) {
      this.#rebalanceStartedAt = Date.now();
      this.#ctx.events.emit('rebalanceStarted');
      this.#ctx.onRebalance('started');
    }
  }

  /**
   * kafkajs noticed the rebalance between batches and is about to rejoin: commit every task with the
   * generation that still owns them, as the batch handler does when its own heartbeat notices it. A commit
   * that fails leaves the work to the new assignment (tasks that moved away are closed without it).
   */
  commitBeforeRejoin(): Promise<void> {
    return this.#ctx.exclusive('committing before a rejoin', async () => {
      if (!this.#ctx.running()) return;
      this.rebalanceStarted();
      if (!this.#ctx.tasks.hasUncommitted()) return;
      this.#ctx.logger.debug('rebalance noticed between batches: committing before the rejoin');
      try {
        await this.#ctx.tasks.commit('rebalance');
      } catch (error) {
        this.#ctx.logger.warn({ err: error }, 'commit before rejoining failed; moved tasks redo their input');
      }
    });
  }

  /**
   * A commit or heartbeat of the batch handler failed. The group is rebalancing: commit everything with
   * the old generation, then let kafkajs rejoin. This member lost its partitions: drop uncommitted work.
   * Anything else fails the thread.
   */
  async onGroupError(error: unknown): Promise<void> {
    if (!(error instanceof KafkaFacadeError)) {
      this.#ctx.fail(error as Error);
      return;
    }
    if (error.code === 'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS') {
      this.rebalanceStarted();
      try {
        await this.#ctx.tasks.commit('rebalance');
        return;
      } catch (commitError) {
        this.#ctx.logger.warn(
          { err: commitError },
          'commit before rejoining failed; tasks are closed without it',
        );
      }
    } else if (error.code !== 'STRM_ERR_KAFKA_NOT_GROUP_MEMBER') {
      this.#ctx.fail(error);
      return;
    }
    // The partitions may already belong to another member: close every task without committing.
    this.#ctx.logger.warn({ code: error.code }, 'tasks migrated; closing them without committing');
    await this.#ctx.tasks.handleLostAll();
  }

  /**
   * A restored task started processing. The rebalance completes (`rebalanceCompleted`, the instance
   * `RUNNING`) once no assigned task restores any more, as Kafka Streams' thread stays
   * `PARTITIONS_ASSIGNED` until its tasks are restored; the running tasks process all along.
   */
  taskRestored(): void {
    if (this.#completionPending && this.#ctx.tasks.restoringTaskIds().length === 0) this.#complete();
  }

  async #applyAssignment(
    partitions: ReadonlyArray<TopicPartition>,
    standby: StandbyAssignment,
  ): Promise<void> {
    const { logger, tasks, probing } = this.#ctx;
    probing.cancel();
    try {
      await tasks.handleAssignment(partitions, standby);
    } catch (error) {
      this.#ctx.fail(error as Error);
      return;
    }
    this.#assignmentsApplied++;
    const restoring = tasks.restoringTaskIds();
    logger.info({ tasks: tasks.taskIds(), restoring }, 'assignment applied');
    this.#completionPending = true;
    if (restoring.length === 0) this.#complete();
    if (standby.probingRebalance && standby.warmups.length > 0) probing.probeWhenWarm(standby.warmups);
  }

  #complete(): void {
    const { events, tasks } = this.#ctx;
    this.#completionPending = false;
    const durationMs = this.#rebalanceStartedAt === 0 ? 0 : Date.now() - this.#rebalanceStartedAt;
    this.#rebalanceStartedAt = 0;
    events.emit('rebalanceCompleted', { tasks: tasks.taskIds(), durationMs });
    this.#ctx.onRebalance('completed');
  }
}
