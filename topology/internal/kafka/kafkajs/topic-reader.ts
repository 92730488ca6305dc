/**
 * The port's `readTopic` on kafkajs (`readTopicToEnd`): every call joins a throw-away consumer group, as
 * kafkajs has no manual assignment, and reads everything.
 *
 * The end of a partition is its last stable offset as the admin lists it (kafkajs lists offsets with
 * read_committed), so a transaction still open at the call is not waited for, whatever the isolation.
 * A partition counts as read once a fetched batch reached its end: batch events, unlike `eachMessage`,
 * also report batches made only of transaction markers or aborted records, which a topic written in
 * transactions often ends with.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import type { TopicReadOptions, TopicRecord, WireHeaders } from '../types.js';
import { retryTransient } from './broker-retry.js';
import { isRetriableKafkaError, isTransientBrokerError } from './errors.js';

/**
 * Every record of `topic` up to its end as of the call, in partition and offset order; `[]` when the topic
 * does not exist. A transient broker error (a new group's coordinator still loading, a leader moving, a
 * topic created a moment ago refusing ListOffsets) restarts the read with a fresh group, for up to about
 * 20 s; reading has no side effects. Rejects when the partitions are not all read to their end in
 * `timeoutMs`, naming them.
 */
export function readTopic(kafka: Kafka, topic: string, options: TopicReadOptions): Promise<TopicRecord[]> {
  return retryTransient(() => readOnce(kafka, topic, options), {
    ...TRANSIENT_RETRY,
    isTransient: isTransientReadError,
  });
}

/** Pauses before each new try: 100 ms doubling to 2 s, then 2 s (13 retries, about 20 s in all). */
const TRANSIENT_RETRY = { retries: 13, maxDelayMs: 2_000 } as const;

/**
 * A failure another read with a fresh group may not meet: a broker's "not yet" or out of reach, also
 * after kafkajs' own retries gave up (`KafkaJSNumberOfRetriesExceeded`, marked non-retriable).
 */
function isTransientReadError(error: unknown): boolean {
  return (
    isTransientBrokerError(error) ||
    isRetriableKafkaError(error) ||
    (error as { name?: unknown } | null)?.name === 'KafkaJSNumberOfRetriesExceeded'
  );
}

async function readOnce(kafka: Kafka, topic: string, options: TopicReadOptions): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const progress = new ReadProgress(await admin.fetchTopicOffsets(topic));
    if (progress.done) return [];
    const groupId = `tstreams-read-${randomUUID()}`;
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: !options.readCommitted,
      allowAutoTopicCreation: false,
    });
    try {
      return sortByPartitionAndOffset(await consume(consumer, topic, progress, options));
    } finally {
      await consumer.disconnect();
      // Its member has left; without this the group would stay listed on the cluster. Best effort: an
      // empty group without offsets (auto-commit is off) harms nothing.
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Runs `consumer` until every partition was read to its end or `limit` records were read. */
async function consume(
  consumer: Consumer,
  topic: string,
  progress: ReadProgress,
  options: { limit: number; timeoutMs: number },
): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  const outcome = new Promise<void>((resolve, reject) => {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      progress.batchEnded(payload.partition, payload.lastOffset);
      if (progress.done) resolve();
    });
    // A crash kafkajs does not restart from would otherwise only show as the timeout.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) reject(payload.error);
    });
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `readTopicToEnd(${topic}): not read to the end in ${options.timeoutMs} ms: ${progress.describeUnread()}`,
          ),
        ),
      options.timeoutMs,
    );
    consumer
      .connect()
      .then(() => consumer.subscribe({ topic, fromBeginning: true }))
      .then(() =>
        consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            // Records appended after the call (in a batch that also holds the end) are not read, nor
            // records read before (see `accept`).
            if (records.length >= options.limit || !progress.accept(partition, message.offset)) return;
            records.push({
              partition,
              offset: message.offset,
              timestamp: Number(message.timestamp),
              key: message.key,
              value: message.value,
              headers: toHeaders(message.headers),
            });
            if (records.length >= options.limit) resolve();
          },
        }),
      )
      .catch(reject);
  });
  try {
    await outcome;
  } finally {
    clearTimeout(timer);
  }
  return records;
}

/** The watermarks of one partition, as kafkajs' admin lists them. */
export interface ListedOffsets {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/**
 * Which partitions are still to be read to their end. The end of a partition is the offset before its
 * `high` watermark (the last stable offset); a partition without records (`high` = `low`) is read already.
 */
export class ReadProgress {
  /** The last offset to read of every partition; records past it are not read. */
  readonly #lastOffsets = new Map<number, bigint>();
  /** The partitions not read to their end yet, with the last offset read so far (undefined: none). */
  readonly #unread = new Map<number, bigint | undefined>();

  constructor(offsets: ReadonlyArray<ListedOffsets>) {
    for (const { partition, low, high } of offsets) {
      const last = BigInt(high) - 1n;
      this.#lastOffsets.set(partition, last);
      if (last >= BigInt(low)) this.#unread.set(partition, undefined);
    }
  }

  /** True once every partition was read to its end. */
  get done(): boolean {
    return this.#unread.size === 0;
  }

  /** The highest offset handed out per partition. */
  readonly #delivered = new Map<number, bigint>();

  /** True for a record past its partition's end (appended after the ends were listed). */
  isBeyondEnd(partition: number, offset: string): boolean {
    const last = this.#lastOffsets.get(partition);
    return last === undefined || BigInt(offset) > last;
  }

  /**
   * Whether to keep a fetched record, and notes it: not past the end and not read before. A throw-away
   * group that rebalances during the read (a coordinator moving) starts its partitions again from the
   * beginning, and every record would otherwise be read twice.
   */
  accept(partition: number, offset: string): boolean {
    if (this.isBeyondEnd(partition, offset)) return false;
    const value = BigInt(offset);
    const delivered = this.#delivered.get(partition);
    if (delivered !== undefined && value <= delivered) return false;
    this.#delivered.set(partition, value);
    return true;
  }

  /** A fetched batch of `partition` was processed up to `lastOffset` (null for an empty batch). */
  batchEnded(partition: number, lastOffset: string | null): void {
    const last = this.#lastOffsets.get(partition);
    if (lastOffset === null || last === undefined || !this.#unread.has(partition)) return;
    const reached = BigInt(lastOffset);
    if (reached >= last) this.#unread.delete(partition);
    else this.#unread.set(partition, reached);
  }

  /** The partitions not read to their end, with how far each got, for an error message. */
  describeUnread(): string {
    return [...this.#unread]
      .sort(([a], [b]) => a - b)
      .map(
        ([partition, reached]) =>
          `partition ${partition} (${reached === undefined ? 'nothing read' : `read to offset ${reached}`} of ${this.#lastOffsets.get(partition)})`,
      )
      .join(', ');
  }
}

/** Sorts in place by partition, then offset; returns the array. */
export function sortByPartitionAndOffset<T extends { partition: number; offset: string }>(records: T[]): T[] {
  return records.sort((a, b) => {
    if (a.partition !== b.partition) return a.partition - b.partition;
    const difference = BigInt(a.offset) - BigInt(b.offset);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  });
}

const NO_HEADERS: WireHeaders = Object.freeze({});

/** kafkajs' headers as the port's: a repeated header comes with its last value. */
function toHeaders(headers: IHeaders | undefined): WireHeaders {
  if (headers === undefined) return NO_HEADERS;
  const out: Record<string, Buffer | string | undefined> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = Array.isArray(value) ? value[value.length - 1] : value;
  return out;
}
