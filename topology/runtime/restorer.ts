/**
 * Restores the stores of newly assigned tasks from their changelog partitions before they process, with a
 * separate consumer so that the group member keeps heartbeating. A store with a trusted checkpoint
 * restores only the changelog's tail (from the checkpointed offset + 1); the others from the start.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ChangelogRecord, StateStore } from '../../state/store.js';
import type { ReadRange } from '../internal/kafka/changelog-reader.js';
import type { RecordBatch } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { ActiveTask } from './active-task.js';

/** What a restoration did. */
export interface RestoreResult {
  readonly partitions: number;
  readonly records: number;
  readonly durationMs: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Restores every logged store of `tasks` up to the changelog's end as of now, and records in each task
 * the changelog offset its stores reached (what a later checkpoint starts from).
 */
export async function restoreTasks(
  kafka: KafkaClient,
  applicationId: string,
  tasks: ReadonlyArray<ActiveTask>,
  logger: Logger,
  /**
   * Awaited before a batch of a store's changelog is applied: a look-ahead of its value serde, so that
   * values written with a schema id the serde has not seen yet can be read back from the store.
   */
  prepareValues?: PrepareStoreValues,
): Promise<RestoreResult> {
  const stores = new Map<string, { task: ActiveTask; storeName: string; store: StateStore }>();
  const ranges: Array<Omit<ReadRange, 'endOffset'>> = [];
  for (const task of tasks) {
    for (const [storeName, topic] of task.engine.changelogTopics()) {
      const store = task.engine.stores().get(storeName);
      if (store === undefined) continue;
      stores.set(key(topic, task.spec.partition), { task, storeName, store });
      ranges.push({ topic, partition: task.spec.partition, startOffset: task.restoreStartOffset(storeName) });
    }
  }
  if (ranges.length === 0) return { partitions: 0, records: 0, durationMs: 0 };
  const started = Date.now();
  const ends = await highWatermarks(kafka, [...new Set(ranges.map((range) => range.topic))]);
  const withEnds = ranges.map((range) => ({
    ...range,
    endOffset: ends.get(key(range.topic, range.partition)) ?? 0,
  }));
  let restored = 0;
  // The throw-away group exists only if some range has records to read.
  const usesGroup = withEnds.some((range) => range.endOffset > (range.startOffset ?? 0));
  // Unique: several members of one application in one process (tests, or threads) restore at the same
  // millisecond after a rebalance; with pid and clock they joined one group, whose single-member assignor
  // gave all partitions to one of them, and the other waited for its partitions for ever.
  const groupId = `${applicationId}-restore-${randomUUID()}`;
  try {
    await kafka.readToEnd({
      groupId,
      partitions: withEnds,
      onBatch: async (batch) => {
        const { store, storeName } = stores.get(key(batch.topic, batch.partition))!;
        restored += await applyChangelogBatch(batch, store, storeName, prepareValues);
      },
    });
  } finally {
    if (usesGroup) {
      // The throw-away group would otherwise stay listed on the cluster; a fresh admin, because a kafkajs
      // admin that was disconnected does not reconnect cleanly.
      const cleaner = kafka.admin();
      await cleaner
        .connect()
        .then(() => cleaner.deleteGroups([groupId]))
        .catch((error: unknown) => logger.debug({ err: error }, 'restore group not deleted'))
        .finally(() => cleaner.disconnect());
    }
  }
  for (const range of withEnds) {
    const { task, storeName } = stores.get(key(range.topic, range.partition))!;
    task.noteChangelogOffset(storeName, range.endOffset - 1);
  }
  const result = { partitions: ranges.length, records: restored, durationMs: Date.now() - started };
  logger.info(result, 'stores restored');
  return result;
}

/** Looks ahead the store's value serde over a batch (see {@link restoreTasks}' `prepareValues`). */
export type PrepareStoreValues = (
  storeName: string,
  topic: string,
  values: ReadonlyArray<Buffer | null>,
) => Promise<void>;

/**
 * Writes one changelog batch into `store` (restoration and standbys alike): the value serde looks ahead
 * first, records without a key (not written by a store) are skipped. Returns how many were applied.
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
  const ends = await highWatermarks(kafka, [...new Set(stateful.flatMap((task) => task.changelogTopics))]);
  return new Map(
    stateful.map((task) => [
      task.id,
      task.changelogTopics.reduce((sum, topic) => sum + (ends.get(key(topic, task.partition)) ?? 0), 0),
    ]),
  );
}

async function highWatermarks(
  kafka: KafkaClient,
  topics: ReadonlyArray<string>,
): Promise<Map<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, number>();
    for (const topic of topics) {
      for (const mark of await admin.watermarks(topic)) ends.set(key(topic, mark.partition), mark.high);
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}
