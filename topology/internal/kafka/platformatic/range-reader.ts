/**
 * `readToEnd` (store restoration) and `readTopic` (`readTopicToEnd`) with manual assignment: a fetcher reads
 * the partitions from their start offsets up to their end offsets, no group involved (the kafkajs adapter
 * needs a throw-away group for each read; this one needs none, so the caller's `groupId` goes unused).
 */
import type { BaseOptions } from '@platformatic/kafka';
import { retry } from '../../util/retry.js';
import type { ReadToEndRequest } from '../changelog-reader.js';
import type { RecordBatch } from '../consumer.js';
import type { TopicReadOptions, TopicRecord } from '../types.js';
import { isTransientError } from './errors.js';
import { type FetchPosition, PartitionFetcher } from './partition-fetcher.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

interface Range {
  readonly topic: string;
  readonly partition: number;
  /** Where the read started, to say how far it got. */
  readonly start: number;
  offset: number;
  readonly end: number;
}

/**
 * Fetches every range from its offset until its end (exclusive), handing each partition's records below the
 * end to `onBatch` in offset order. A transient broker error repeats the fetch from where it got
 * (100 ms doubling to 1.6 s, about 20 s in all); `deadline` (epoch ms) bounds the whole read.
 */
async function readRanges(
  fetcher: PartitionFetcher,
  ranges: Range[],
  onBatch: (batch: RecordBatch) => void | Promise<void>,
  deadline = Number.POSITIVE_INFINITY,
): Promise<void> {
  let open = ranges.filter((range) => range.offset < range.end);
  while (open.length > 0) {
    if (Date.now() > deadline) throw new UnreadError(open);
    const positions: FetchPosition[] = open.map(({ topic, partition, offset }) => ({
      topic,
      partition,
      offset,
    }));
    const fetched = await retry(() => fetcher.fetch(positions), {
      retries: 12,
      maxDelayMs: 1_600,
      retriable: isTransientError,
    });
    const byKey = new Map(open.map((range) => [key(range.topic, range.partition), range]));
    for (const part of fetched) {
      const range = byKey.get(key(part.topic, part.partition));
      if (range === undefined) continue;
      const records = part.records.filter((record) => record.offset < range.end);
      if (records.length > 0)
        await onBatch({
          topic: part.topic,
          partition: part.partition,
          records,
          highWatermark: part.highWatermark,
        });
      range.offset = part.nextOffset;
    }
    open = open.filter((range) => range.offset < range.end);
  }
}

/** The ranges not read to their end, as the kafkajs adapter's reader names them. */
class UnreadError extends Error {
  constructor(open: ReadonlyArray<Range>) {
    super(
      [...open]
        .sort((a, b) => a.partition - b.partition)
        .map(
          (range) =>
            `partition ${range.partition} (${range.offset === range.start ? 'nothing read' : `read to offset ${range.offset - 1}`} of ${range.end - 1})`,
        )
        .join(', '),
    );
  }
}

/** The port's `readToEnd`: each range with its own fetcher's connections, separate from any group member. */
export async function readToEnd(base: BaseOptions, request: ReadToEndRequest): Promise<number> {
  const ranges: Range[] = request.partitions
    .filter((p) => p.endOffset > (p.startOffset ?? 0))
    .map((p) => ({
      topic: p.topic,
      partition: p.partition,
      start: p.startOffset ?? 0,
      offset: p.startOffset ?? 0,
      end: p.endOffset,
    }));
  if (ranges.length === 0) return 0;
  const fetcher = new PartitionFetcher(base, request.groupId, {
    readCommitted: request.readCommitted ?? true,
    maxBytesPerPartition: 1024 * 1024,
  });
  try {
    await readRanges(fetcher, ranges, request.onBatch);
  } finally {
    await fetcher.close();
  }
  return ranges.length;
}

/**
 * The port's `readTopic`: every partition from its log start to its end as of the call (its last stable
 * offset, whatever the isolation), at most `limit` records, sorted by partition and offset; `[]` when the
 * topic does not exist.
 */
export async function readTopic(
  base: BaseOptions,
  topic: string,
  options: TopicReadOptions,
): Promise<TopicRecord[]> {
  const fetcher = new PartitionFetcher(base, `tstreams-read-topic-${process.pid}`, {
    readCommitted: options.readCommitted,
    maxBytesPerPartition: 1024 * 1024,
  });
  const deadline = Date.now() + options.timeoutMs;
  try {
    const count = (await fetcher.partitionCounts([topic])).get(topic);
    if (count === undefined) return [];
    const partitions = Array.from({ length: count }, (_, index) => index);
    const starts = await fetcher.listOffsets(topic, partitions, 'earliest');
    // The last stable offsets whatever the isolation, as the port says: a transaction still open at the
    // call is not waited for, nor read uncommitted.
    const ends = await fetcher.listOffsets(topic, partitions, 'latest', true);
    const ranges: Range[] = partitions.map((partition) => ({
      topic,
      partition,
      start: starts.get(partition) ?? 0,
      offset: starts.get(partition) ?? 0,
      end: ends.get(partition) ?? 0,
    }));
    const records: TopicRecord[] = [];
    const full = Symbol('full');
    try {
      await readRanges(
        fetcher,
        ranges,
        (batch) => {
          for (const record of batch.records) {
            if (records.length >= options.limit) throw full;
            records.push({
              partition: record.partition,
              offset: String(record.offset),
              timestamp: record.timestamp,
              key: record.key,
              value: record.value,
              headers: record.headers,
            });
          }
        },
        deadline,
      );
    } catch (error) {
      if (error !== full) {
        if (error instanceof UnreadError)
          throw new Error(
            `readTopicToEnd(${topic}): not read to the end in ${options.timeoutMs} ms: ${error.message}`,
          );
        throw error;
      }
    }
    return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await fetcher.close();
  }
}
