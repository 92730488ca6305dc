/**
 * The port's `readToEnd` on kafkajs: kafkajs has no manual assignment, so the partitions are read by the
 * single member of a throw-away group (`throwaway-group.ts`) that starts at the committed start offsets.
 */
import type { Kafka } from 'kafkajs';
import type { ReadToEndRequest } from '../changelog-reader.js';
import { KafkajsGroupConsumer } from './consumer.js';
import { commitStartOffsets, singleMemberAssignor } from './throwaway-group.js';

/**
 * Reads partitions over the given ranges with its own consumer, separate from the group member that
 * processes input (store restoration must not block that member's heartbeats). Resolves to the number of
 * partitions read; 0 means every range was empty and the group was never used.
 */
export async function readToEnd(kafka: Kafka, request: ReadToEndRequest): Promise<number> {
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const remaining = new Map<string, number>();
  for (const p of request.partitions) {
    if (p.endOffset > (p.startOffset ?? 0)) remaining.set(key(p.topic, p.partition), p.endOffset);
  }
  if (remaining.size === 0) return 0;
  const wanted = request.partitions.filter((p) => remaining.has(key(p.topic, p.partition)));
  const startOf = new Map(wanted.map((p) => [key(p.topic, p.partition), p.startOffset ?? 0]));
  await commitStartOffsets(kafka, request.groupId, wanted);
  const assignor = singleMemberAssignor('tstreams-read-to-end', wanted);
  const consumer = new KafkajsGroupConsumer(kafka, {
    groupId: request.groupId,
    assignor,
    maxBytesPerPartition: 1024 * 1024,
    readCommitted: request.readCommitted ?? true,
  });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      consumer.on('crashed', reject);
      // Offsets of a read_committed consumer are not contiguous: a range may end in a transaction marker
      // or aborted records that never reach the handler, only the batch's end.
      const reached = (topic: string, partition: number, lastOffset: number) => {
        const id = key(topic, partition);
        const end = remaining.get(id);
        if (end !== undefined && lastOffset + 1 >= end) {
          remaining.delete(id);
          if (remaining.size === 0) resolve();
        }
      };
      consumer.on('batchEnd', reached);
      consumer
        .run([...new Set(wanted.map((p) => p.topic))], async (batch, control) => {
          const id = key(batch.topic, batch.partition);
          const end = remaining.get(id);
          if (end === undefined) return;
          const start = startOf.get(id) ?? 0;
          const records = batch.records.filter((record) => record.offset >= start && record.offset < end);
          if (records.length > 0) await request.onBatch({ ...batch, records });
          const last = batch.records[batch.records.length - 1];
          if (last !== undefined) control.resolveOffset(last.offset);
          if (last !== undefined) reached(batch.topic, batch.partition, last.offset);
          await control.heartbeat();
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return wanted.length;
}
