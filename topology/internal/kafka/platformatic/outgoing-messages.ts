/**
 * The port's outgoing records as @platformatic/kafka messages, shared by the idempotent and the
 * transactional producer: keyed records get the Java client's partition, headers travel as a `Map` of
 * Buffers, and acknowledged offsets are reported per explicit partition.
 */
import { type MessageToProduce, murmur2, type ProduceResult, type Producer } from '@platformatic/kafka';
import type { OutgoingRecord } from '../types.js';

/**
 * The records as @platformatic/kafka messages, keyed ones without a partition given the Java client's
 * (`murmur2(key) & 0x7fffffff % partitions`): @platformatic/kafka's default partitioner takes
 * `murmur2(key) >>> 0`, which sends about half the keys to other partitions than Java and kafkajs.
 * `partitionCounts` caches the topics' partition counts between calls.
 */
export async function toMessages(
  producer: Producer,
  partitionCounts: Map<string, number>,
  records: ReadonlyArray<OutgoingRecord>,
): Promise<MessageToProduce[]> {
  const unknown = new Set<string>();
  for (const record of records)
    if (record.partition === undefined && record.key !== null && !partitionCounts.has(record.topic))
      unknown.add(record.topic);
  if (unknown.size > 0) {
    const metadata = await producer.metadata({ topics: [...unknown] });
    for (const topic of unknown) {
      const count = metadata.topics.get(topic)?.partitionsCount;
      if (count !== undefined) partitionCounts.set(topic, count);
    }
  }
  return records.map((record) => {
    let partition = record.partition;
    if (partition === undefined && record.key !== null) {
      const count = partitionCounts.get(record.topic);
      if (count !== undefined) partition = (murmur2(record.key) & 0x7fffffff) % count;
    }
    // Keys as Buffers in a Map: without header serializers @platformatic/kafka writes header keys as
    // they come, and a plain object's string keys made its send never settle (no error either).
    const headers = new Map<Buffer, Buffer>();
    for (const name in record.headers) {
      const value = record.headers[name];
      if (value !== undefined)
        headers.set(Buffer.from(name), typeof value === 'string' ? Buffer.from(value) : value);
    }
    return {
      topic: record.topic,
      ...(partition === undefined ? {} : { partition }),
      ...(record.key === null ? {} : { key: record.key }),
      ...(record.value === null ? {} : { value: record.value }),
      timestamp: BigInt(record.timestamp),
      headers,
    };
  });
}

/**
 * Tells `onAcknowledged` the last offset written to every explicit partition of `chunk`: the request's
 * base offset there + the records sent to it - 1.
 */
export function reportOffsets(
  chunk: ReadonlyArray<OutgoingRecord>,
  result: ProduceResult,
  onAcknowledged: (topic: string, partition: number, lastOffset: number) => void,
): void {
  const counts = new Map<string, number>();
  for (const record of chunk) {
    if (record.partition === undefined) continue;
    const key = `${record.topic}\u0000${record.partition}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const written of result.offsets ?? []) {
    const count = counts.get(`${written.topic}\u0000${written.partition}`);
    if (count === undefined) continue;
    onAcknowledged(written.topic, written.partition, Number(written.offset) + count - 1);
  }
}
