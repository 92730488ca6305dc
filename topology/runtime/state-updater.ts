/**
 * The state updater (Kafka Streams' `DefaultStateUpdater`, KIP-869): ONE changelog reader per thread that
 * restores the stores of newly assigned active tasks and keeps the standby tasks current, off the
 * processing path. Running tasks go on processing while a new task restores: the task manager hands a
 * created task to {@link StateUpdater.restore} and gets it back (the promise resolves) once every one of
 * its changelog partitions reached the end offset read when it was added; only then does it process.
 *
 * - One {@link ChangelogFollower} (a separate consumer, `read_committed`: never a record of an aborted or
 *   open transaction, as exactly-once needs) reads every changelog partition of the restoring tasks and
 *   the standbys. Adding or removing a task restarts it over the new set of partitions, each from where
 *   it was (kafkajs has no manual assignment: a restart is a new throw-away group).
 * - Restoring starts after the task's trusted checkpoint (`state-directory.ts`), or at the changelog's
 *   start; when it ends, the task notes the end offset, so its next checkpoint vouches for it. A task
 *   removed while restoring (revoked, closing) notes how far it got: its owner closes it with a checkpoint.
 * - Progress events, as Kafka Streams' `StateRestoreListener`: `restoreStarted` per changelog partition,
 *   `restoreProgress` per applied batch, `restoreCompleted` per task (the contract the runtime had).
 * - Standbys (replicas and warm-ups, `standby-task-creator.ts`): checkpointed every 10 s and when
 *   closed, their lag against the changelog ends read every 2 s.
 *
 * Everything runs on the one Node thread, so the records of a restore are applied between the batches of
 * the running tasks: the follower fetches at most 16 KiB per partition, so one batch (decoded and applied
 * in one go) holds the event loop for milliseconds, and after each batch the updater lets the I/O that
 * waited (the running tasks' fetches and acknowledgements) go first.
 *
 * Limitation: a standby promoted to active hands its persistent (RocksDB) stores over through its
 * checkpoint (only the remainder is restored); in-memory stores are rebuilt from the changelog.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { StateStore } from '../../state/store.js';
import type { KafkaAdmin } from '../internal/kafka/admin.js';
import { type ChangelogFollower, changelogEndOffsets } from '../internal/kafka/changelog-follower.js';
import type { RecordBatch } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import { Mutex } from '../internal/util/mutex.js';
import type { ActiveTask } from './active-task.js';
import type { ResolvedStreamsConfig } from './config.js';
import type { StreamsEventEmitter } from './events.js';
import { StandbyUpdates } from './standby-updates.js';
import { applyChangelogBatch, type PrepareStoreValues } from './store-changelogs.js';
import type { TaskLayout } from './task-layout.js';

/** What the state updater of a thread needs. */
export interface StateUpdaterContext {
  readonly config: ResolvedStreamsConfig;
  readonly plan: TopologyPlan;
  readonly layout: TaskLayout;
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  readonly events: StreamsEventEmitter;
  /** Look-ahead of a store's value serde before a batch is applied. */
  readonly prepareValues?: PrepareStoreValues;
  /** How often standby checkpoints are written, ms. Default 10,000. */
  readonly checkpointIntervalMs?: number;
  /** How often the changelog ends are read for the standbys' lags, ms. Default 2,000. */
  readonly lagCheckIntervalMs?: number;
}

/** One changelog partition the updater writes into a store. */
export interface ChangelogTarget {
  readonly taskId: string;
  readonly storeName: string;
  readonly topic: string;
  readonly partition: number;
  readonly store: StateStore;
  /** The next offset to read when the follower (re)starts over this partition. */
  startOffset: number;
  /** Past the last record applied (0 before any). */
  applied: number;
  /** The follower start this target was part of; its positions count only for that start. */
  followedIn: number;
  /** Set for a restoring active task's partition: where its restoration ends (exclusive). */
  readonly endOffset?: number;
  readonly restoring?: Restoring;
}

interface Restoring {
  readonly task: ActiveTask;
  readonly targets: ChangelogTarget[];
  readonly startedAt: number;
  records: number;
  /** False while its changelog ends are read: no target yet. */
  ready: boolean;
  readonly done: (restored: boolean) => void;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** How often restoring tasks are checked for the end (a changelog may end in markers no batch shows). */
const RESTORE_CHECK_MS = 100;
/**
 * Bytes per partition per fetch. kafkajs decodes a whole fetch in one go, and the running tasks wait for
 * the event loop meanwhile: 16 KiB (one producer batch of up to 1,000 small records: a broker always
 * returns at least one whole batch) holds it for a few milliseconds.
 */
const FETCH_BYTES = 16 * 1024;

export class StateUpdater {
  readonly #ctx: StateUpdaterContext;
  readonly #follower: ChangelogFollower;
  /** Every partition read now, per `topic\u0000partition`. */
  readonly #targets = new Map<string, ChangelogTarget>();
  readonly #restoring = new Map<string, Restoring>();
  readonly #standbys: StandbyUpdates;
  /** Serialises the follower's restarts. */
  readonly #operations = new Mutex();
  /** Serialises applying a batch, adding and removing targets, and checkpoints. */
  readonly #mutex = new Mutex();
  /** The set of targets changed since the follower last started. */
  #dirty = false;
  #generation = 0;
  #restoreTimer: NodeJS.Timeout | undefined;
  /** Reads the changelog ends (restore ends, standby lags); connected at first use. */
  #admin: KafkaAdmin | undefined;
  #closed = false;

  constructor(ctx: StateUpdaterContext) {
    this.#ctx = ctx;
    const { config, kafka, logger } = ctx;
    this.#follower = kafka.changelogFollower({
      // Unique per instance: several instances of one application in one process (tests) may start in
      // the same millisecond, and one throw-away group must have one member.
      groupId: `${config.applicationId}-state-updater-${randomUUID()}`,
      readCommitted: true,
      maxBytesPerPartition: FETCH_BYTES,
      onBatch: (batch) => this.#exclusive(() => this.#apply(batch)),
      logger,
    });
    this.#standbys = new StandbyUpdates({
      ...ctx,
      exclusive: (fn) => this.#exclusive(fn),
      nextOffset: (target) => this.#nextOffset(target),
      register: (targets) => this.#register(targets),
      unregister: (targets) => this.#unregister(targets),
      sync: () => this.#sync(),
      endOffsets: (topics) => this.#endOffsets(topics),
    });
  }

  /**
   * Restores the stores of `task` up to their changelogs' ends as of now, from their checkpoints. Resolves
   * true once restored (the task may process), false when it was removed first ({@link remove}). Rejects
   * when the ends cannot be read.
   */
  async restore(task: ActiveTask): Promise<boolean> {
    const wanted: Array<{ storeName: string; topic: string; store: StateStore }> = [];
    for (const [storeName, topic] of task.engine.changelogTopics()) {
      const store = task.engine.stores().get(storeName);
      if (store !== undefined) wanted.push({ storeName, topic, store });
    }
    if (wanted.length === 0 || this.#closed) return !this.#closed;
    let done: (restored: boolean) => void = () => undefined;
    const finished = new Promise<boolean>((resolve) => {
      done = resolve;
    });
    // Known at once, so that a {@link remove} while the ends are read finds it; no target until then.
    const restoring: Restoring = { task, targets: [], startedAt: Date.now(), records: 0, ready: false, done };
    this.#restoring.set(task.id, restoring);
    let ends: Map<string, number>;
    try {
      ends = await this.#endOffsets(wanted.map((entry) => entry.topic));
    } catch (error) {
      if (this.#restoring.get(task.id) === restoring) this.#restoring.delete(task.id);
      throw error;
    }
    await this.#exclusive(async () => {
      if (this.#restoring.get(task.id) !== restoring) return; // removed meanwhile: done(false) was called
      for (const { storeName, topic, store } of wanted) {
        const startOffset = task.restoreStartOffset(storeName);
        const endOffset = ends.get(key(topic, task.spec.partition)) ?? 0;
        restoring.targets.push({
          ...{ taskId: task.id, storeName, topic, partition: task.spec.partition, store, startOffset },
          ...{ applied: 0, followedIn: -1, endOffset, restoring },
        });
        this.#ctx.events.emit('restoreStarted', {
          ...{ taskId: task.id, store: storeName, topic, partition: task.spec.partition },
          ...{ startOffset, endOffset },
        });
      }
      restoring.ready = true;
      this.#register(restoring.targets.filter((target) => target.startOffset < target.endOffset!));
      if (!this.#finishIfRestored(restoring)) this.#restoreTimer ??= this.#startRestoreTimer();
    });
    void this.#sync();
    return finished;
  }

  /**
   * Stops restoring `taskId` (revoked or closing while it restores): its stores hold the changelog up to
   * where it got, which the task notes for its checkpoint; its owner closes it. False when it was not
   * restoring here.
   */
  remove(taskId: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const restoring = this.#restoring.get(taskId);
      if (restoring === undefined) return false;
      this.#restoring.delete(taskId);
      this.#unregister(restoring.targets);
      for (const target of restoring.targets) {
        const next = this.#nextOffset(target);
        if (next > 0) restoring.task.noteChangelogOffset(target.storeName, next - 1);
      }
      restoring.done(false);
      this.#ctx.logger.info({ taskId }, 'restoration stopped: the task is no longer assigned here');
      void this.#sync();
      return true;
    });
  }

  /** The ids of the active tasks restoring now. */
  restoringTaskIds(): string[] {
    return [...this.#restoring.keys()];
  }

  /**
   * The standby tasks this updater keeps current (`standby-updates.ts`): `update(specs)` makes the set
   * exactly `specs`, with their offset sums, lags and stores.
   */
  get standbys(): StandbyUpdates {
    return this.#standbys;
  }

  /** Stops reading; standbys close with a checkpoint, restoring tasks are given back unfinished. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#restoreTimer);
    this.#restoreTimer = undefined;
    for (const taskId of [...this.#restoring.keys()]) await this.remove(taskId);
    await this.#standbys.close();
    await this.#operations.runExclusive(() => this.#follower.stop());
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.disconnect().catch(() => undefined);
    this.#ctx.logger.debug('state updater closed');
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#mutex.runExclusive(fn);
  }

  /** Applies one changelog batch to its store; runs under the mutex. */
  async #apply(batch: RecordBatch): Promise<void> {
    const target = this.#targets.get(key(batch.topic, batch.partition));
    if (target === undefined) return; // fetched before its task was removed or finished
    const restoring = target.restoring;
    // Restoration stops at the end read when it began: what follows is the task's own writes to come.
    const records =
      restoring === undefined
        ? batch.records
        : batch.records.filter((record) => record.offset < target.endOffset!);
    const applied =
      records.length === 0
        ? 0
        : await applyChangelogBatch(
            { ...batch, records },
            target.store,
            target.storeName,
            this.#ctx.prepareValues,
          );
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined) target.applied = Math.max(target.applied, last.offset + 1);
    if (restoring === undefined) {
      this.#standbys.applied(target.taskId, applied);
      return;
    }
    restoring.records += applied;
    this.#ctx.events.emit('restoreProgress', {
      ...{ taskId: target.taskId, store: target.storeName, topic: target.topic, partition: target.partition },
      ...{ batchEndOffset: target.applied - 1, records: applied },
    });
    this.#finishIfRestored(restoring);
    // The running tasks' fetched batches and acknowledgements waited for this one: they go first.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Hands a task whose changelogs are all read back to its owner; runs under the mutex. */
  #finishIfRestored(restoring: Restoring): boolean {
    if (this.#restoring.get(restoring.task.id) !== restoring) return true;
    if (!restoring.ready) return false;
    if (restoring.targets.some((target) => this.#nextOffset(target) < target.endOffset!)) return false;
    this.#restoring.delete(restoring.task.id);
    this.#unregister(restoring.targets);
    for (const target of restoring.targets) {
      if (target.endOffset! > 0) restoring.task.noteChangelogOffset(target.storeName, target.endOffset! - 1);
    }
    const result = {
      taskIds: [restoring.task.id],
      partitions: restoring.targets.length,
      records: restoring.records,
      durationMs: Date.now() - restoring.startedAt,
    };
    this.#ctx.logger.info(result, 'stores restored');
    this.#ctx.events.emit('restoreCompleted', result);
    restoring.done(true);
    void this.#sync();
    return true;
  }

  #startRestoreTimer(): NodeJS.Timeout {
    const timer = setInterval(() => {
      if (this.#restoring.size === 0) {
        clearInterval(timer);
        if (this.#restoreTimer === timer) this.#restoreTimer = undefined;
        return;
      }
      void this.#exclusive(async () => {
        for (const restoring of [...this.#restoring.values()]) this.#finishIfRestored(restoring);
      });
    }, RESTORE_CHECK_MS);
    return timer.unref();
  }

  /** The next offset to read of a target: its start, past what was applied, or the follower's position. */
  #nextOffset(target: ChangelogTarget): number {
    const followed =
      target.followedIn === this.#generation
        ? (this.#follower.position(target.topic, target.partition) ?? 0)
        : 0;
    return Math.max(target.startOffset, target.applied, followed);
  }

  /** Reads these partitions from now on (the follower restarts at the next {@link #sync}); under the mutex. */
  #register(targets: ReadonlyArray<ChangelogTarget>): void {
    for (const target of targets) this.#targets.set(key(target.topic, target.partition), target);
    if (targets.length > 0) this.#dirty = true;
  }

  /** No batch reaches these partitions' stores any more; under the mutex. */
  #unregister(targets: ReadonlyArray<ChangelogTarget>): void {
    for (const target of targets) {
      const id = key(target.topic, target.partition);
      if (this.#targets.get(id) === target) {
        this.#targets.delete(id);
        this.#dirty = true;
      }
    }
  }

  /**
   * Restarts the follower over the current targets when they changed, each from its next offset. Never
   * rejects: a follower that cannot start yet retries by itself (the stores are only colder meanwhile).
   */
  #sync(): Promise<void> {
    return this.#operations.runExclusive(async () => {
      if (!this.#dirty || this.#closed) return;
      await this.#follower.stop();
      const ranges = await this.#exclusive(async () => {
        this.#dirty = false;
        const targets = [...this.#targets.values()];
        for (const target of targets) target.startOffset = this.#nextOffset(target);
        this.#generation++;
        for (const target of targets) target.followedIn = this.#generation;
        return targets.map(({ topic, partition, startOffset }) => ({ topic, partition, startOffset }));
      });
      try {
        // Also with no ranges: starting clears the positions of partitions no longer followed.
        await this.#follower.start(ranges);
      } catch (error) {
        this.#ctx.logger.warn({ err: error }, 'changelog follower not started yet; retrying');
      }
    });
  }

  /** The changelog ends (last stable offsets) of `topics`, per `topic\u0000partition`. */
  async #endOffsets(topics: ReadonlyArray<string>): Promise<Map<string, number>> {
    try {
      if (this.#admin === undefined) {
        const admin = this.#ctx.kafka.admin();
        await admin.connect();
        this.#admin = admin;
      }
      return await changelogEndOffsets(this.#ctx.kafka, topics, this.#admin);
    } catch (error) {
      // A connection that failed once is replaced at the next call.
      const admin = this.#admin;
      this.#admin = undefined;
      await admin?.disconnect().catch(() => undefined);
      throw error;
    }
  }
}
