/**
 * The port's {@link ChangelogFollower} on kafkajs. Follows changelog partitions without end, for standby replicas: a separate consumer reads the given
 * partitions from the given offsets and hands every batch to the caller, until it is stopped or
 * restarted over other partitions.
 *
 * kafkajs has no manual assignment, so (as store restoration does, `changelog-reader.ts`) the consumer is
 * the single member of a throw-away group with a one-member assignor (`throwaway-group.ts`). It never
 * commits: on every join (the first one, and a rejoin after a missed heartbeat) it seeks each partition
 * to its position, so it resumes exactly where it was, and the caller's checkpoints are the positions
 * that matter. Each (re)start uses a new group id (`<groupId>-<n>`), and the previous group is deleted
 * when its consumer stops.
 */
import type { Kafka } from 'kafkajs';
import { Mutex } from '../../util/mutex.js';
import { type BackoffPolicy, backoffDelayMs } from '../../util/retry.js';
import type { ChangelogFollower, ChangelogFollowerOptions, FollowRange } from '../changelog-follower.js';
import { KafkajsGroupConsumer } from './consumer.js';
import { deleteThrowawayGroup, singleMemberAssignor } from './throwaway-group.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Waits before a crashed follower starts again: 500 ms doubling to 30 s, for as long as it crashes. */
const RESTART_BACKOFF: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 30_000 };

export class KafkajsChangelogFollower implements ChangelogFollower {
  readonly #kafka: Kafka;
  readonly #options: ChangelogFollowerOptions;
  /** Next offset to read per `topic\u0000partition` of the current ranges. */
  readonly #positions = new Map<string, number>();
  #ranges: ReadonlyArray<FollowRange> = [];
  #consumer: KafkajsGroupConsumer | undefined;
  #groupId: string | undefined;
  #generation = 0;
  /** Serialises start, stop and restarts after a crash. */
  readonly #lifecycle = new Mutex();
  #restartTimer: NodeJS.Timeout | undefined;
  /** Restarts since the last successful `start`. */
  #restarts = 0;
  #dropped = 0;

  constructor(kafka: Kafka, options: ChangelogFollowerOptions) {
    this.#kafka = kafka;
    this.#options = options;
  }

  /**
   * (Re)starts following exactly `ranges`; an empty list only stops. Resolves once the consumer has
   * joined its group and fetches. Positions of the previous ranges are forgotten. When the consumer
   * cannot start, the promise rejects and the follower retries in the background with a backoff.
   */
  start(ranges: ReadonlyArray<FollowRange>): Promise<void> {
    return this.#serial(async () => {
      this.#cancelRestart();
      await this.#stopConsumer();
      this.#ranges = ranges.map((range) => ({ ...range }));
      this.#positions.clear();
      for (const range of this.#ranges)
        this.#positions.set(key(range.topic, range.partition), range.startOffset);
      this.#restarts = 0;
      try {
        await this.#startConsumer();
      } catch (error) {
        // The caller hears of it, and the follower keeps trying (a broker may be restarting).
        this.#onCrash(error as Error);
        throw error;
      }
    });
  }

  /** Stops reading (after the batch in progress), leaves and deletes the throw-away group. Positions stay readable. */
  stop(): Promise<void> {
    return this.#serial(async () => {
      this.#cancelRestart();
      this.#ranges = [];
      await this.#stopConsumer();
    });
  }

  /** The next offset to read of a followed partition: its start, or past the last batch seen. */
  position(topic: string, partition: number): number | undefined {
    return this.#positions.get(key(topic, partition));
  }

  /**
   * Records fetched before a partition's position and dropped, since creation: 0 while every (re)join
   * seeks to the positions; more means records were read twice (for tests and logs).
   */
  get droppedRecords(): number {
    return this.#dropped;
  }

  /** The group the consumer is a member of now, if it runs (for tests and logs). */
  get groupId(): string | undefined {
    return this.#groupId;
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lifecycle.runExclusive(fn);
  }

  async #startConsumer(): Promise<void> {
    if (this.#ranges.length === 0) return;
    const groupId = `${this.#options.groupId}-${++this.#generation}`;
    const ranges = this.#ranges.map((range) => ({
      topic: range.topic,
      partition: range.partition,
      startOffset: this.#positions.get(key(range.topic, range.partition)) ?? range.startOffset,
    }));
    const consumer = new KafkajsGroupConsumer(this.#kafka, {
      groupId,
      assignor: singleMemberAssignor('tstreams-changelog-follower', ranges),
      maxBytesPerPartition: this.#options.maxBytesPerPartition ?? 1024 * 1024,
      readCommitted: this.#options.readCommitted ?? true,
    });
    this.#consumer = consumer;
    this.#groupId = groupId;
    // Offsets of a read_committed consumer are not contiguous: a batch may end in a transaction marker or
    // aborted records the handler never sees; the batch's end still moves the position past them.
    consumer.on('batchEnd', (topic, partition, lastOffset) => {
      if (this.#consumer === consumer) this.#advance(topic, partition, lastOffset + 1);
    });
    // Emitted by kafkajs after the join, before the first fetch: seeks made here decide where it reads.
    // Position 0 needs no seek: with nothing committed the member starts at the earliest offset kept.
    consumer.on('assigned', (partitions) => {
      if (this.#consumer !== consumer) return;
      for (const { topic, partition } of partitions) {
        const position = this.#positions.get(key(topic, partition));
        if (position !== undefined && position > 0) consumer.seek(topic, partition, position);
      }
    });
    consumer.on('crashed', (error) => {
      if (this.#consumer === consumer) this.#onCrash(error);
    });
    try {
      await consumer.connect();
      await consumer.run([...new Set(ranges.map((range) => range.topic))], async (batch, control) => {
        if (this.#consumer !== consumer) return;
        const next = this.#positions.get(key(batch.topic, batch.partition));
        if (next === undefined) return;
        // Joins seek to the positions, so this only guards against a fetch that crossed a seek: a record
        // before the position was handed over already and must not be applied twice.
        const records = batch.records.filter((record) => record.offset >= next);
        this.#dropped += batch.records.length - records.length;
        if (records.length > 0) await this.#options.onBatch({ ...batch, records });
        const last = batch.records[batch.records.length - 1];
        if (last !== undefined) {
          control.resolveOffset(last.offset);
          this.#advance(batch.topic, batch.partition, last.offset + 1);
        }
        await control.heartbeat();
      });
    } catch (error) {
      await this.#stopConsumer();
      throw error;
    }
    this.#options.logger?.debug({ groupId, partitions: ranges.length }, 'changelog follower started');
  }

  #advance(topic: string, partition: number, nextOffset: number): void {
    const id = key(topic, partition);
    const current = this.#positions.get(id);
    if (current !== undefined && nextOffset > current) this.#positions.set(id, nextOffset);
  }

  async #stopConsumer(): Promise<void> {
    const consumer = this.#consumer;
    const groupId = this.#groupId;
    this.#consumer = undefined;
    this.#groupId = undefined;
    if (consumer === undefined || groupId === undefined) return;
    try {
      await consumer.disconnect();
    } catch (error) {
      this.#options.logger?.debug({ err: error, groupId }, 'changelog follower did not disconnect cleanly');
    }
    await deleteThrowawayGroup(this.#kafka, groupId).catch((error: unknown) =>
      this.#options.logger?.debug({ err: error, groupId }, 'changelog follower group not deleted'),
    );
  }

  /** The consumer stopped by itself (kafkajs gave up, or `onBatch` threw): start again from the positions. */
  #onCrash(error: Error): void {
    const delayMs = backoffDelayMs(RESTART_BACKOFF, ++this.#restarts);
    this.#options.logger?.warn(
      { err: error, groupId: this.#groupId, retryInMs: delayMs },
      'changelog follower stopped; restarting',
    );
    this.#cancelRestart();
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      void this.#serial(async () => {
        if (this.#ranges.length === 0) return;
        await this.#stopConsumer();
        await this.#startConsumer();
      }).catch((failure: unknown) => this.#onCrash(failure as Error));
    }, delayMs);
    this.#restartTimer.unref();
  }

  #cancelRestart(): void {
    clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
  }
}
