/**
 * Creating test topics through the runtime's own admin facade, which waits until every partition is served
 * and retries a new cluster's "not yet" answers. The shared test helper (`createTopics`) relies on
 * kafkajs' `waitForLeaders`, which gives up on UNKNOWN_TOPIC_OR_PARTITION from a busy new broker.
 */
import pino from 'pino';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import type { KafkaClient } from '../../../topology/internal/kafka/kafka-client.js';
import type { TopicSpec } from '../../../topology/internal/kafka/types.js';

/** Creates the topics (or accepts them) on `brokers` and returns their names, in order. */
export async function ensureTopicsOn(brokers: string[], specs: ReadonlyArray<TopicSpec>): Promise<string[]> {
  const logger = pino({ level: 'silent' });
  const admin = createKafkaClient({ clientId: 'test-topics', brokers, logger }).admin();
  await admin.connect();
  try {
    await admin.ensureTopics(specs);
  } finally {
    await admin.disconnect();
  }
  return specs.map((spec) => spec.name);
}

/**
 * Creates `topic` with `partitions` partitions through `client` and writes `perPartition` records to each:
 * keys `k<i>`, values `"<i>"`, timestamps `1000 + i`.
 */
export async function fillPartitions(
  client: KafkaClient,
  topic: string,
  partitions: number,
  perPartition: number,
): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  try {
    await admin.ensureTopics([{ name: topic, partitions }]);
  } finally {
    await admin.disconnect();
  }
  const producer = client.producer();
  await producer.connect();
  try {
    for (let partition = 0; partition < partitions; partition++)
      await producer.send(
        Array.from({ length: perPartition }, (_, i) => ({
          topic,
          partition,
          key: Buffer.from(`k${i}`),
          value: Buffer.from(String(i)),
          timestamp: 1_000 + i,
        })),
      );
  } finally {
    await producer.disconnect();
  }
}
