/**
 * Fresh topics for every measured run: the pipeline's topic names are fixed, so a run deletes every
 * topic left by the previous one (pipeline, changelog and peer topics; never Kafka's own `__*` topics)
 * and creates the pipeline's topics again with the partition count of the scenario.
 */
import type { Kafka } from 'kafkajs';
import { pipelineTopics } from '../../api/kafka/ensure-topics.js';

/** Deletes every non-internal topic and creates `pipelineTopics()` (plus `extra`) with `partitions` each. */
export async function resetTopics(
  kafka: Kafka,
  partitions: number,
  extra: readonly string[] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const stale = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
    if (stale.length > 0) await admin.deleteTopics({ topics: stale, timeout: 60_000 });
    const wanted = [...pipelineTopics(), ...extra];
    // A deleted topic disappears asynchronously; creating its name again too early is refused, so retry.
    for (let attempt = 0; ; attempt++) {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
        });
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** The high watermarks of `topics`, summed per topic (records written when the topics started empty). */
export async function topicTotals(kafka: Kafka, topics: readonly string[]): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const totals: Record<string, number> = {};
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      totals[topic] = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    }
    return totals;
  } finally {
    await admin.disconnect();
  }
}
