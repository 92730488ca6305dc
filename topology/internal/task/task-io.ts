/**
 * What a task reads and writes, free of any Kafka client: raw records in, raw records out through a
 * collector. The runtime adapts kafkajs batches to these; the test driver keeps them in memory.
 */
import type { Headers } from '../../record.js';

/** A record as read from a topic, before deserialization. */
export interface RawRecord {
  /** The real topic name (internal topics carry the application id prefix). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

/**
 * Where a task's output goes: sink records, repartition records and changelog records. Sends are
 * synchronous hand-offs; the runtime batches and awaits them outside the per-record loop.
 */
export interface RecordCollector {
  /**
   * Queues a record for `topic` (the real name). `partitionHint` is set for changelog records (the task's
   * partition) and for sinks with a custom partitioner; otherwise the collector partitions by key
   * (`defaultPartition`, murmur2 as Kafka's default partitioner).
   */
  send(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers,
    partitionHint?: number,
  ): void;
  /** The partition count of a topic, when known; lets custom partitioners run inside the task. */
  partitionCount?(topic: string): number | undefined;
}
