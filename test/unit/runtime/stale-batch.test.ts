import type { EachBatchPayload, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { BatchControl } from '../../../topology/internal/kafka/consumer.js';
import { KafkajsGroupConsumer } from '../../../topology/internal/kafka/kafkajs/consumer.js';

/**
 * A kafkajs stand-in with its seek semantics: `seek` is only applied at the next fetch, and until then
 * every batch of the partition fetched earlier is handed out with `isStale()` true.
 */
function fakeKafka() {
  const seeks = new Set<string>();
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const consumer = {
    events: {},
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => {
      eachBatch = config.eachBatch;
    },
    seek: ({ topic, partition }: { topic: string; partition: number }) => seeks.add(`${topic}/${partition}`),
  };
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  /** Hands one fetched batch of `topic`/`partition` (offsets from `first`) to the consumer's handler. */
  const deliver = (topic: string, partition: number, first: number) =>
    eachBatch!({
      batch: {
        topic,
        partition,
        highWatermark: String(first + 2),
        messages: [0, 1].map((i) => ({
          offset: String(first + i),
          timestamp: '0',
          key: null,
          value: null,
          headers: {},
        })),
      },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => seeks.has(`${topic}/${partition}`),
    } as unknown as EachBatchPayload);
  /** The next fetch applies the seeks. */
  const fetchAgain = () => seeks.clear();
  return { kafka, deliver, fetchAgain };
}

describe('KafkajsGroupConsumer: batches fetched before a seek', () => {
  it('are reported stale to the handler until the seek is applied, for the sought partition only', async () => {
    const { kafka, deliver, fetchAgain } = fakeKafka();
    const consumer = new KafkajsGroupConsumer(kafka, { groupId: 'g' });
    const seen: Array<{ partition: number; first: number; stale: boolean }> = [];
    await consumer.run(['orders'], async (batch, control: BatchControl) => {
      seen.push({ partition: batch.partition, first: batch.records[0]!.offset, stale: control.isStale() });
      // A revival while partition 1's batch of the same fetch still waits: back to its committed offset.
      if (batch.partition === 0) consumer.seek('orders', 1, 10);
    });
    // One fetch: partition 0, then partition 1 from offset 20 (fetched when the task was at 20).
    await deliver('orders', 0, 5);
    await deliver('orders', 1, 20);
    fetchAgain();
    await deliver('orders', 1, 10);
    expect(seen).toEqual([
      { partition: 0, first: 5, stale: false },
      { partition: 1, first: 20, stale: true },
      { partition: 1, first: 10, stale: false },
    ]);
  });
});
