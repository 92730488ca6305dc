/**
 * Creates the pipeline's topics that do not exist yet (the broker does not create topics on first use):
 * every event topic of the schemas, `payment.requests` and the dead-letter topics the API and the payment
 * worker write. Existing topics are left as they are.
 */
import { TOPIC_SCHEMAS } from '../../schemas/generated/topics.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { PAYMENT_REQUESTS, type TopicNamer } from './topics.js';

/** Every topic the application uses, before naming. */
export function pipelineTopics(): string[] {
  const events = Object.keys(TOPIC_SCHEMAS);
  return [...events, PAYMENT_REQUESTS, `${PAYMENT_REQUESTS}.dlq`, ...events.map((t) => `${t}.dlq`)];
}

/**
 * Creates the missing topics with `partitions` partitions each; resolves with the names created. The
 * admin waits, for up to 60 s, until every partition has a leader that serves it (a busy broker answers
 * for a topic it created a moment ago with UNKNOWN_TOPIC_OR_PARTITION for a while, which failed an
 * instance's start now and then with kafkajs' own wait). Topics that existed are accepted whatever their
 * partition count.
 */
export async function ensureTopics(
  kafka: KafkaClient,
  names: TopicNamer,
  partitions: number,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = pipelineTopics()
      .map(names)
      .filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.ensureTopics(
        missing.map((name) => ({ name, partitions, replicationFactor: -1, anyPartitionCount: true })),
        { timeoutMs: 60_000 },
      );
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
