import type { Kafka } from 'kafkajs';
import type { PartitionAssignorHook } from './assignor.js';
import { GroupConsumer, type RecordBatch } from './consumer.js';
import type { TopicPartition } from './types.js';

/** What {@link readToEnd} reads: partitions and the offset each must reach (exclusive). */
export interface ReadToEndRequest {
  /** A throw-away group id; kafkajs has no manual assignment, so reading goes through a one-member group. */
  readonly groupId: string;
  readonly partitions: ReadonlyArray<TopicPartition & { readonly endOffset: number }>;
  /** Called for every batch, in offset order per partition; awaited. */
  readonly onBatch: (batch: RecordBatch) => void | Promise<void>;
}

/**
 * Reads partitions from their beginning up to the given end offsets, with its own consumer, separate from
 * the group member that processes input (store restoration must not block that member's heartbeats).
 */
export async function readToEnd(kafka: Kafka, request: ReadToEndRequest): Promise<void> {
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const remaining = new Map<string, number>();
  for (const p of request.partitions)
    if (p.endOffset > 0) remaining.set(key(p.topic, p.partition), p.endOffset);
  if (remaining.size === 0) return;
  const wanted = request.partitions.filter((p) => remaining.has(key(p.topic, p.partition)));
  const assignor: PartitionAssignorHook = {
    name: 'tstreams-read-to-end',
    version: 1,
    userData: () => Buffer.alloc(0),
    assign: ({ members }) =>
      new Map(members.map((member, index) => [member.memberId, { partitions: index === 0 ? wanted : [] }])),
  };
  const consumer = new GroupConsumer(kafka, {
    groupId: request.groupId,
    assignor,
    maxBytesPerPartition: 1024 * 1024,
  });
  await consumer.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      consumer.on('crashed', reject);
      consumer
        .run([...new Set(wanted.map((p) => p.topic))], async (batch, control) => {
          const id = key(batch.topic, batch.partition);
          const end = remaining.get(id);
          if (end === undefined) return;
          const records = batch.records.filter((record) => record.offset < end);
          if (records.length > 0) await request.onBatch({ ...batch, records });
          const last = batch.records[batch.records.length - 1];
          if (last !== undefined) control.resolveOffset(last.offset);
          if (last !== undefined && last.offset + 1 >= end) {
            remaining.delete(id);
            if (remaining.size === 0) resolve();
          }
          await control.heartbeat();
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
