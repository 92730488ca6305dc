/**
 * Restores the stores of newly assigned tasks from their changelog partitions before they process, with a
 * separate consumer so that the group member keeps heartbeating. A changelog is read from its beginning;
 * reading from a checkpoint offset comes with the state layer's checkpoint files.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ChangelogRecord, StateStore } from '../../state/store.js';
import { KafkaAdmin } from '../internal/kafka/admin.js';
import { readToEnd } from '../internal/kafka/changelog-reader.js';
import type { TopicPartition } from '../internal/kafka/types.js';
import type { StreamTask } from '../internal/task/stream-task.js';

/** What a restoration did. */
export interface RestoreResult {
  readonly partitions: number;
  readonly records: number;
  readonly durationMs: number;
}

/** Restores every logged store of `tasks`; resolves when each store holds its changelog's content. */
export async function restoreTasks(
  kafka: Kafka,
  applicationId: string,
  tasks: ReadonlyArray<StreamTask>,
  logger: Logger,
): Promise<RestoreResult> {
  const stores = new Map<string, StateStore>();
  const partitions: TopicPartition[] = [];
  for (const task of tasks) {
    for (const [storeName, topic] of task.changelogTopics()) {
      const store = task.stores().get(storeName);
      if (store === undefined) continue;
      stores.set(`${topic}\u0000${task.partition}`, store);
      partitions.push({ topic, partition: task.partition });
    }
  }
  if (partitions.length === 0) return { partitions: 0, records: 0, durationMs: 0 };
  const started = Date.now();
  const admin = new KafkaAdmin(kafka);
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      for (const mark of await admin.watermarks(topic))
        ends.set(`${topic}\u0000${mark.partition}`, mark.high);
    }
  } finally {
    await admin.disconnect();
  }
  let restored = 0;
  const groupId = `${applicationId}-restore-${process.pid}-${Date.now()}`;
  try {
    await readToEnd(kafka, {
      groupId,
      partitions: partitions.map((p) => ({
        ...p,
        endOffset: ends.get(`${p.topic}\u0000${p.partition}`) ?? 0,
      })),
      onBatch: (batch) => {
        const store = stores.get(`${batch.topic}\u0000${batch.partition}`)!;
        const records: ChangelogRecord[] = [];
        for (const record of batch.records) {
          if (record.key === null) continue; // not written by a store: nothing to restore
          records.push({
            key: record.key,
            value: record.value,
            offset: record.offset,
            timestamp: record.timestamp,
          });
        }
        store.restoreBatch(records);
        restored += records.length;
      },
    });
  } finally {
    // The throw-away group would otherwise stay listed on the cluster.
    // A fresh admin: a kafkajs admin that was disconnected does not reconnect cleanly.
    const cleaner = new KafkaAdmin(kafka);
    await cleaner
      .connect()
      .then(() => cleaner.deleteGroups([groupId]))
      .catch((error: unknown) => logger.debug({ err: error }, 'restore group not deleted'))
      .finally(() => cleaner.disconnect());
  }
  const result = { partitions: partitions.length, records: restored, durationMs: Date.now() - started };
  logger.info(result, 'stores restored');
  return result;
}
