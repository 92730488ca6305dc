/**
 * Following changelog partitions without end (standby replicas, global stores): the port's follower and
 * the changelog ends its lag is measured against. kafkajs: `kafkajs/changelog-follower.ts`.
 */
import type { Logger } from 'pino';
import type { KafkaAdmin } from './admin.js';
import type { RecordBatch } from './consumer.js';
import type { KafkaClient } from './kafka-client.js';

/** A changelog partition to follow from `startOffset` (the next offset to read). */
export interface FollowRange {
  readonly topic: string;
  readonly partition: number;
  readonly startOffset: number;
}

/** Settings of a {@link ChangelogFollower}. */
export interface ChangelogFollowerOptions {
  /** Unique per follower. A client without manual assignment (kafkajs) derives its throw-away group ids from it. */
  readonly groupId: string;
  /** Read only committed records, as exactly-once changelogs need. Default true (same records without transactions). */
  readonly readCommitted?: boolean;
  /**
   * Called for every batch, one at a time, in offset order per partition; only records at or past the
   * partition's position are passed. Records with a null key are passed too (the caller skips them).
   * A throw restarts the follower from the positions before the batch, after a backoff.
   */
  readonly onBatch: (batch: RecordBatch) => Promise<void> | void;
  readonly logger?: Logger;
  /** Bytes fetched per partition per request. Default 1 MiB: a standby catching up reads in large batches. */
  readonly maxBytesPerPartition?: number;
}

/**
 * Reads the given partitions from the given offsets and hands every batch to the caller, until it is
 * stopped or restarted over other partitions. It never commits: its positions are the caller's to keep
 * (checkpoints). A crash restarts it from the positions, with a backoff.
 */
export interface ChangelogFollower {
  /**
   * (Re)starts following exactly `ranges`; an empty list only stops. Resolves once it fetches. Positions
   * of the previous ranges are forgotten. When it cannot start, the promise rejects and the follower
   * retries in the background.
   */
  start(ranges: ReadonlyArray<FollowRange>): Promise<void>;
  /** Stops reading (after the batch in progress). Positions stay readable. */
  stop(): Promise<void>;
  /** The next offset to read of a followed partition: its start, or past the last batch seen. */
  position(topic: string, partition: number): number | undefined;
  /** Records fetched before a partition's position and dropped, since creation (for tests and logs). */
  readonly droppedRecords: number;
  /** The group the follower's consumer is a member of now, if any (for tests and logs). */
  readonly groupId: string | undefined;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * End offsets of every partition of `topics`, per `topic\u0000partition`: the last stable offsets, which
 * a read_committed follower can reach; without transactions they equal the high watermarks. What lag is
 * measured against. Pass a connected `admin` to reuse it (a caller checking every few seconds); otherwise
 * one is connected for the call.
 */
export async function changelogEndOffsets(
  kafka: KafkaClient,
  topics: ReadonlyArray<string>,
  admin?: KafkaAdmin,
): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  if (topics.length === 0) return ends;
  const reader = admin ?? kafka.admin();
  if (admin === undefined) await reader.connect();
  try {
    for (const topic of new Set(topics)) {
      for (const mark of await reader.watermarks(topic)) ends.set(key(topic, mark.partition), mark.high);
    }
    return ends;
  } finally {
    if (admin === undefined) await reader.disconnect();
  }
}
