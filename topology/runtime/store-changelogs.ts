/**
 * The changelog side of a task's stores, shared by the state updater and the assignor: applying a
 * changelog batch to a store (restoration and standbys alike), and the changelog end offsets per task
 * that the assignor compares the members' local state with.
 */
import type { ChangelogRecord, StateStore } from '../../state/store.js';
import { changelogEndOffsets } from '../internal/kafka/changelog-follower.js';
import type { RecordBatch } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';

/**
 * Awaited before a batch of a store's changelog is applied: a look-ahead of its value serde, so that
 * values written with a schema id the serde has not seen yet can be read back from the store.
 */
export type PrepareStoreValues = (
  storeName: string,
  topic: string,
  values: ReadonlyArray<Buffer | null>,
) => Promise<void>;

/**
 * Writes one changelog batch into `store`: the value serde looks ahead first, records without a key (not
 * written by a store) are skipped. Returns how many were applied.
 */
export async function applyChangelogBatch(
  batch: RecordBatch,
  store: StateStore,
  storeName: string,
  prepareValues: PrepareStoreValues | undefined,
): Promise<number> {
  await prepareValues?.(
    storeName,
    batch.topic,
    batch.records.map((record) => record.value),
  );
  const records: ChangelogRecord[] = [];
  for (const record of batch.records) {
    if (record.key === null) continue;
    records.push({
      key: record.key,
      value: record.value,
      offset: record.offset,
      timestamp: record.timestamp,
    });
  }
  store.restoreBatch(records);
  return records.length;
}

/**
 * Per stateful task, the sum of its changelog partitions' end offsets: what the assignor compares the
 * members' local state with (`MemberSubscription.offsets`) to tell how far behind each is.
 */
export async function changelogEndSums(
  kafka: KafkaClient,
  tasks: ReadonlyArray<{
    readonly id: string;
    readonly partition: number;
    readonly changelogTopics: ReadonlyArray<string>;
  }>,
): Promise<Map<string, number>> {
  const stateful = tasks.filter((task) => task.changelogTopics.length > 0);
  const ends = await changelogEndOffsets(kafka, [
    ...new Set(stateful.flatMap((task) => task.changelogTopics)),
  ]);
  return new Map(
    stateful.map((task) => [
      task.id,
      task.changelogTopics.reduce(
        (sum, topic) => sum + (ends.get(`${topic}\u0000${task.partition}`) ?? 0),
        0,
      ),
    ]),
  );
}
