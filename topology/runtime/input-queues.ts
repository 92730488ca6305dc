/**
 * The input of a task that reads several partitions (the co-partitioned topics of a join): records are
 * buffered per topic and handed out in timestamp order across the topics, as Kafka Streams' `PartitionGroup`
 * does, so that a stream record meets the table as it stood at the record's time rather than as kafkajs
 * happened to order its fetched batches.
 *
 * A topic with nothing buffered holds the others back only while it is known to have more than was fetched
 * (its last batch ended before the partition's high watermark: the next fetch brings it) or was not fetched
 * yet since the task started, for at most {@link KNOWN_LAG_WAIT_MS}, or, with `maxTaskIdleMs` > 0, for up
 * to that long after it ran dry (Kafka Streams' `max.task.idle.ms`). Otherwise processing goes on without
 * it. A task with one input partition
 * has no queues: its batches are processed as they come.
 */
import type { IncomingRecord } from '../internal/kafka/types.js';

/** How long a topic known to hold unfetched records may hold the others back at most. */
export const KNOWN_LAG_WAIT_MS = 5_000;

/** Buffered records past which the task stops waiting for an empty topic (memory stays bounded). */
export const MAX_BUFFERED_RECORDS = 10_000;

interface TopicQueue {
  readonly topic: string;
  records: IncomingRecord[];
  /** Index of the next record to hand out. */
  head: number;
  /** The next offset this queue takes: past the last buffered record (or the task's position). */
  nextOffset: number;
  /** The partition's high watermark as of its last batch; -1 before the first one. */
  highWatermark: number;
  /** When the queue ran dry (or the task started), for `maxTaskIdleMs`; undefined while it holds records. */
  emptySince: number | undefined;
}

export class InputQueues {
  readonly #queues: TopicQueue[];
  readonly #maxTaskIdleMs: number;
  readonly #startedAt: number;
  /** Since when a topic known to lag holds the others back. */
  #waitingSince: number | undefined;
  #buffered = 0;

  /** `now`: when the task starts, from which an input that never delivered counts as idle. */
  constructor(topics: ReadonlyArray<string>, maxTaskIdleMs: number, now: number) {
    this.#maxTaskIdleMs = maxTaskIdleMs;
    this.#startedAt = now;
    this.#queues = topics.map((topic) => ({
      topic,
      records: [],
      head: 0,
      nextOffset: -1,
      highWatermark: -1,
      emptySince: now,
    }));
  }

  /** Records buffered and not handed out yet. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Buffers a fetched batch of `topic`. Records before `position` (the task's next offset to process) or
   * already buffered are skipped: after a rebalance or a seek kafkajs fetches from the committed offset again.
   */
  add(
    topic: string,
    records: ReadonlyArray<IncomingRecord>,
    highWatermark: number,
    position: number,
    now: number,
  ): void {
    const queue = this.#queues.find((candidate) => candidate.topic === topic);
    if (queue === undefined) return;
    queue.highWatermark = highWatermark;
    queue.nextOffset = Math.max(queue.nextOffset, position);
    for (const record of records) {
      if (record.offset < queue.nextOffset) continue;
      queue.records.push(record);
      queue.nextOffset = record.offset + 1;
      this.#buffered++;
    }
    if (queue.head < queue.records.length) queue.emptySince = undefined;
    else queue.emptySince ??= now;
  }

  /**
   * Where `topic` stands before its first fetch: its high watermark and the offset the task starts at (the
   * committed one). An input with nothing past its start holds nothing back; one with records waits for them.
   */
  prime(topic: string, highWatermark: number, startOffset: number): void {
    const queue = this.#queues.find((candidate) => candidate.topic === topic);
    if (queue === undefined || queue.highWatermark >= 0) return;
    queue.highWatermark = highWatermark;
    queue.nextOffset = Math.max(queue.nextOffset, startOffset);
  }

  /** The next record to process, in timestamp order across topics; undefined when none or when waiting. */
  next(now: number): IncomingRecord | undefined {
    let best: TopicQueue | undefined;
    let wait = false;
    for (const queue of this.#queues) {
      if (queue.head < queue.records.length) {
        if (best === undefined || queue.records[queue.head]!.timestamp < best.records[best.head]!.timestamp)
          best = queue;
      } else if (this.#holdsBack(queue, now)) {
        wait = true;
      }
    }
    if (best === undefined) {
      this.#waitingSince = undefined;
      return undefined;
    }
    if (wait && this.#buffered < MAX_BUFFERED_RECORDS) return undefined;
    this.#waitingSince = undefined;
    return this.#take(best, now);
  }

  /** Whether an empty queue keeps the others waiting now. */
  #holdsBack(queue: TopicQueue, now: number): boolean {
    // Not fetched yet since the task started: its records may well be in the same fetch (kafkajs hands
    // out a fetch's batches one at a time). kafkajs never hands out an empty batch, so an input with no
    // records at all would stay unknown: it holds the others back only during the task's first moments.
    if (queue.highWatermark < 0)
      return now - this.#startedAt < Math.max(KNOWN_LAG_WAIT_MS, this.#maxTaskIdleMs);
    const knownLag = queue.highWatermark > queue.nextOffset;
    if (knownLag) {
      this.#waitingSince ??= now;
      if (now - this.#waitingSince < Math.max(KNOWN_LAG_WAIT_MS, this.#maxTaskIdleMs)) return true;
    }
    return this.#maxTaskIdleMs > 0 && now - (queue.emptySince ?? 0) < this.#maxTaskIdleMs;
  }

  #take(queue: TopicQueue, now: number): IncomingRecord {
    const record = queue.records[queue.head++]!;
    this.#buffered--;
    if (queue.head === queue.records.length) {
      queue.records = [];
      queue.head = 0;
      queue.emptySince = now;
    } else if (queue.head > 1024 && queue.head * 2 > queue.records.length) {
      queue.records = queue.records.slice(queue.head);
      queue.head = 0;
    }
    return record;
  }
}
