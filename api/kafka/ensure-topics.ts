/**
 * Creates the pipeline's topics that do not exist yet (the broker does not create topics on first use):
 * every event topic of the schemas, `payment.requests` and the dead-letter topics the API and the payment
 * worker write. Existing topics are left as they are.
 */
import type { Admin, Kafka } from 'kafkajs';
import { TOPIC_SCHEMAS } from '../../schemas/generated/topics.js';
import { retry } from '../../topology/internal/util/retry.js';
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
        waitForLeaders: false,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
      });
      await untilLed(admin, missing);
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until every partition of `topics` has a leader. kafkajs' own wait (`waitForLeaders`) retries only
 * LEADER_NOT_AVAILABLE, while a busy broker answers a metadata request for a topic it created a moment ago
 * with UNKNOWN_TOPIC_OR_PARTITION ("This server does not host this topic-partition") too, which failed an
 * instance's start now and then; here any retriable answer is waited out, for up to 60 s.
 */
async function untilLed(admin: Admin, topics: string[]): Promise<void> {
  await retry(
    async () => {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter((t) => t.partitions.some((p) => p.leader < 0));
      if (leaderless.length > 0) {
        throw Object.assign(new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`), {
          retriable: true,
        });
      }
    },
    {
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      retries: 1_000,
      maxTimeMs: 60_000,
      retriable: (error) => (error as { retriable?: unknown }).retriable === true,
    },
  );
}
