/**
 * Creating test topics through the runtime's own admin facade, which waits until every partition is served
 * and retries a new cluster's "not yet" answers. The shared test helper (`createTopics`) relies on
 * kafkajs' `waitForLeaders`, which gives up on UNKNOWN_TOPIC_OR_PARTITION from a busy new broker.
 */
import pino from 'pino';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
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
