/**
 * Creates the pipeline's topics that do not exist yet (the broker does not create topics on first use):
 * every event topic of the schemas, `payment.requests` and the dead-letter topics the API and the payment
 * worker write. Existing topics are left as they are.
 */
import type { Kafka } from 'kafkajs';
import { TOPIC_SCHEMAS } from '../../schemas/generated/topics.js';
import { PAYMENT_REQUESTS, type TopicNamer } from './topics.js';

/** Every topic the application uses, before naming. */
export function pipelineTopics(): string[] {
  const events = Object.keys(TOPIC_SCHEMAS);
  return [...events, PAYMENT_REQUESTS, `${PAYMENT_REQUESTS}.dlq`, ...events.map((t) => `${t}.dlq`)];
}

/** Creates the missing topics with `partitions` partitions each; resolves with the names created. */
export async function ensureTopics(kafka: Kafka, names: TopicNamer, partitions: number): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = pipelineTopics()
      .map(names)
      .filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
      });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
