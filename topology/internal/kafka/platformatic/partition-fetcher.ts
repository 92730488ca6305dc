/**
 * Reading chosen partitions from chosen offsets, without a group: what `readToEnd`, `readTopic` and the
 * changelog follower share. @platformatic/kafka's `Consumer.fetch` sends one Fetch request to a broker and
 * hands back the raw record batches; this file decides where to send it (each partition's leader), turns
 * the batches into the port's records and leaves out records of aborted transactions by the Java client's
 * rule (see {@link filterAborted}). The consumer never joins its group.
 */
import {
  type BaseOptions,
  Consumer,
  FetchIsolationLevels,
  IS_CONTROL,
  IS_TRANSACTIONAL,
  ListOffsetTimestamps,
  type RecordsBatch,
} from '@platformatic/kafka';
import type { IncomingRecord, WireHeaders } from '../types.js';
import { protocolErrorIds } from './errors.js';

/** A partition to fetch and the next offset to read there. */
export interface FetchPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** What one fetch returned for one partition. */
export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  /** Records at or past the requested offset, aborted ones and control records left out. */
  readonly records: IncomingRecord[];
  /** The offset after the last batch returned (markers included); the requested offset when none. */
  readonly nextOffset: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  /** Records before the requested offset (the rest of a batch read from its start), dropped. */
  readonly dropped: number;
}

/** Settings of a {@link PartitionFetcher}. */
export interface PartitionFetcherOptions {
  readonly readCommitted: boolean;
  readonly maxBytesPerPartition?: number;
  readonly maxWaitTimeMs?: number;
}

/** One consumer's connections, fetching the partitions it is asked for. */
export class PartitionFetcher {
  readonly #consumer: Consumer;
  readonly #options: PartitionFetcherOptions;

  constructor(base: BaseOptions, groupId: string, options: PartitionFetcherOptions) {
    this.#options = options;
    this.#consumer = new Consumer({ ...base, groupId, autocommit: false });
  }

  async close(): Promise<void> {
    await this.#consumer.close(true);
  }

  /** The partitions of `topics` that exist, per topic (absent: the topic does not exist). */
  async partitionCounts(topics: ReadonlyArray<string>): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const topic of new Set(topics)) {
      try {
        // No retries of the client's own: it retries an unknown topic for its whole retry budget (16 s).
        const metadata = await this.#consumer.metadata({ topics: [topic], forceUpdate: true, retries: 0 });
        const count = metadata.topics.get(topic)?.partitionsCount;
        if (count !== undefined) counts.set(topic, count);
      } catch (error) {
        if (!isUnknownTopic(error)) throw error;
      }
    }
    return counts;
  }

  /** Earliest or latest (last stable when read_committed) offsets of the given partitions of `topic`. */
  async listOffsets(
    topic: string,
    partitions: ReadonlyArray<number>,
    which: 'earliest' | 'latest',
    readCommitted = this.#options.readCommitted,
  ) {
    const offsets = await this.#consumer.listOffsets({
      topics: [topic],
      partitions: { [topic]: [...partitions] },
      timestamp: which === 'earliest' ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST,
      isolationLevel: readCommitted
        ? FetchIsolationLevels.READ_COMMITTED
        : FetchIsolationLevels.READ_UNCOMMITTED,
    });
    const list = offsets.get(topic) ?? [];
    return new Map(partitions.map((partition) => [partition, Number(list[partition] ?? 0n)]));
  }

  /**
   * One Fetch per partition leader, in parallel; resolves with the partitions that returned anything or
   * errors. A partition whose offset is out of range comes back with `nextOffset` at its log start.
   */
  async fetch(positions: ReadonlyArray<FetchPosition>): Promise<FetchedPartition[]> {
    if (positions.length === 0) return [];
    const topics = [...new Set(positions.map((position) => position.topic))];
    let metadata: Awaited<ReturnType<Consumer['metadata']>>;
    try {
      metadata = await this.#consumer.metadata({ topics });
    } catch (error) {
      // Seen for existing topics on a busy broker (a metadata answer without them): the library's
      // UserError is not retriable; marked so here, the callers' retries ask again with fresh metadata.
      if (!isUnknownTopic(error)) throw error;
      await this.#consumer.metadata({ topics, forceUpdate: true }).catch(() => undefined);
      throw Object.assign(new Error(`metadata without ${topics.join(', ')}: ${(error as Error).message}`), {
        cause: error,
        canRetry: true,
      });
    }
    const byNode = new Map<number, FetchPosition[]>();
    const topicOfId = new Map<string, string>();
    for (const position of positions) {
      const topic = metadata.topics.get(position.topic);
      const leader = topic?.partitions[position.partition]?.leader ?? -1;
      if (topic === undefined || leader < 0) {
        // No leader known: refresh the metadata on the next call.
        await this.#consumer.metadata({ topics, forceUpdate: true });
        throw new Error(`No leader for ${position.topic}/${position.partition} yet`);
      }
      topicOfId.set(topic.id, position.topic);
      const list = byNode.get(leader) ?? [];
      list.push(position);
      byNode.set(leader, list);
    }
    const results = await Promise.all(
      [...byNode].map(async ([node, list]) => {
        const requested = new Map(list.map((p) => [`${p.topic}\u0000${p.partition}`, p.offset]));
        const byTopic = new Map<string, FetchPosition[]>();
        for (const p of list) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
        let response: Awaited<ReturnType<Consumer['fetch']>>;
        try {
          response = await this.#consumer.fetch({
            node,
            minBytes: 1,
            maxBytes: 64 * 1024 * 1024,
            maxWaitTime: this.#options.maxWaitTimeMs ?? 500,
            isolationLevel: this.#isolationLevel(),
            topics: [...byTopic].map(([topic, ps]) => ({
              topicId: metadata.topics.get(topic)!.id,
              partitions: ps.map((p) => ({
                partition: p.partition,
                fetchOffset: BigInt(p.offset),
                partitionMaxBytes: this.#options.maxBytesPerPartition ?? 1024 * 1024,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
              })),
            })),
          });
        } catch (error) {
          if (!protocolErrorIds(error).has('OFFSET_OUT_OF_RANGE')) {
            await this.#consumer.metadata({ topics, forceUpdate: true }).catch(() => undefined);
            throw error;
          }
          return this.#outOfRange(list);
        }
        const fetched: FetchedPartition[] = [];
        for (const topicResponse of response.responses) {
          const topic = topicOfId.get(topicResponse.topicId);
          if (topic === undefined) continue;
          for (const partition of topicResponse.partitions) {
            const offset = requested.get(`${topic}\u0000${partition.partitionIndex}`);
            // A fetch session may return partitions asked for before; only those asked for now count.
            if (offset === undefined) continue;
            fetched.push(toFetched(topic, partition, offset));
          }
        }
        return fetched;
      }),
    );
    return results.flat();
  }

  /** Positions out of range: moved to the log start (what was before was deleted by retention). */
  async #outOfRange(list: ReadonlyArray<FetchPosition>): Promise<FetchedPartition[]> {
    const fetched: FetchedPartition[] = [];
    for (const p of list) {
      const earliest = (await this.listOffsets(p.topic, [p.partition], 'earliest')).get(p.partition) ?? 0;
      fetched.push({
        topic: p.topic,
        partition: p.partition,
        records: [],
        nextOffset: Math.max(earliest, p.offset),
        highWatermark: -1,
        lastStableOffset: -1,
        dropped: 0,
      });
    }
    return fetched;
  }

  #isolationLevel() {
    return this.#options.readCommitted
      ? FetchIsolationLevels.READ_COMMITTED
      : FetchIsolationLevels.READ_UNCOMMITTED;
  }
}

/**
 * The topic does not exist: @platformatic/kafka's metadata answers a `UserError` "Unknown topic ..." (its
 * code `PLT_KFK_USER`, no protocol id) rather than the broker's UNKNOWN_TOPIC_OR_PARTITION.
 */
export function isUnknownTopic(error: unknown): boolean {
  if (protocolErrorIds(error).has('UNKNOWN_TOPIC_OR_PARTITION')) return true;
  const { code, message } = error as { code?: string; message?: string };
  return code === 'PLT_KFK_USER' && /^Unknown topic /.test(message ?? '');
}

function toFetched(topic: string, partition: FetchResponsePartition, requested: number): FetchedPartition {
  const all = partition.records ?? [];
  // Past every batch returned, aborted ones included: a response may hold only an aborted batch (the
  // broker returned one batch of a new owner's log: the zombie's, before the marker), which would
  // otherwise be fetched again forever.
  let nextOffset = requested;
  for (const batch of all) {
    const last = Number(batch.firstOffset) + batch.lastOffsetDelta;
    if (last + 1 > nextOffset) nextOffset = last + 1;
  }
  const batches = filterAborted(all, partition.abortedTransactions ?? []);
  const records: IncomingRecord[] = [];
  let dropped = 0;
  for (const batch of batches) {
    if ((batch.attributes & IS_CONTROL) !== 0) continue;
    for (const record of batch.records) {
      const offset = Number(batch.firstOffset) + record.offsetDelta;
      if (offset < requested) {
        dropped++;
        continue;
      }
      records.push({
        topic,
        partition: partition.partitionIndex,
        offset,
        timestamp: Number(batch.firstTimestamp + record.timestampDelta),
        key: record.key ?? null,
        value: record.value ?? null,
        headers: toHeaders(record.headers),
      });
    }
  }
  return {
    topic,
    partition: partition.partitionIndex,
    records,
    nextOffset,
    highWatermark: Number(partition.highWatermark),
    lastStableOffset: Number(partition.lastStableOffset),
    dropped,
  };
}

const ABORT_MARKER_TYPE = 0;

/**
 * The Java client's rule for a read_committed fetch: an aborted transaction listed by the broker starts at
 * its first offset, and every transactional batch of its producer is left out from there until that
 * producer's ABORT marker. @platformatic/kafka's own filter (`Consumer#filterUncommittedMessages`) keeps
 * one range per producer id (a second aborted transaction of the same producer in one response replaces the
 * first) and keeps records whose abort marker is not in the same response: both let aborted records
 * through. It runs first; this one runs on what it left.
 */
export function filterAborted(
  batches: ReadonlyArray<RecordsBatch>,
  aborted: ReadonlyArray<{ producerId: bigint; firstOffset: bigint }>,
): ReadonlyArray<RecordsBatch> {
  if (aborted.length === 0) return batches;
  const pending = [...aborted].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
  );
  const abortedProducers = new Set<bigint>();
  return batches.filter((batch) => {
    while (pending.length > 0 && batch.firstOffset >= pending[0]!.firstOffset)
      abortedProducers.add(pending.shift()!.producerId);
    if ((batch.attributes & IS_CONTROL) !== 0) {
      const key = batch.records[0]?.key;
      if (key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === ABORT_MARKER_TYPE)
        abortedProducers.delete(batch.producerId);
      return true;
    }
    return !((batch.attributes & IS_TRANSACTIONAL) !== 0 && abortedProducers.has(batch.producerId));
  });
}

type FetchResponsePartition = Awaited<
  ReturnType<Consumer['fetch']>
>['responses'][number]['partitions'][number];

const NO_HEADERS: WireHeaders = Object.freeze({});

function toHeaders(headers: ReadonlyArray<[Buffer | null, Buffer | null]>): WireHeaders {
  if (headers.length === 0) return NO_HEADERS;
  const out: Record<string, Buffer | undefined> = {};
  // A repeated header: the last one wins, as with Java's `lastHeader`.
  for (const [name, value] of headers) if (name !== null) out[name.toString()] = value ?? undefined;
  return out;
}
