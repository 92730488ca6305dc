/**
 * Fresh topics for every measured run: the pipeline's topic names are fixed, so a run deletes every
 * topic left by the previous one (pipeline, changelog and peer topics; never Kafka's own `__*` topics)
 * and creates the pipeline's topics again with the partition count of the scenario.
 */
import type { Admin, Kafka } from 'kafkajs';
import { pipelineTopics } from '../../api/kafka/ensure-topics.js';
import { kpiStoreName } from '../../processors/topology/booking-kpis.js';
import { DEFAULT_KPI_WINDOWS, STORES } from '../../processors/topology/config.js';
import { closedStoreName } from '../../processors/topology/rolled-up-kpis.js';
import { SETTLEMENT_STORES } from '../../processors/topology/settlement-processor.js';
import { STATUS_STORES } from '../../processors/topology/status-processor.js';

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
      if (missing.length === 0) break;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          // Dead-letter topics too: the runtime requires them co-partitioned with their source topics.
          topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
        });
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    await waitUntilServed(admin, wanted);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the reservation application's changelog topics before its instances start. The runtime creates
 * missing ones itself, but on a busy broker its first ListOffsets on a just-created changelog can answer
 * NOT_LEADER_FOR_PARTITION, which the runtime currently treats as fatal; created and served here first,
 * the runtime finds them ready.
 */
export async function precreateChangelogs(
  kafka: Kafka,
  applicationId: string,
  partitions: number,
): Promise<void> {
  // The KPI families that are aggregated keep a window store; those summed from them only the end of the
  // last window they published.
  const stored = DEFAULT_KPI_WINDOWS.filter((spec) => spec.sumOf === undefined);
  const kpis = stored.map(kpiStoreName);
  const windows = [...kpis, STORES.pace];
  const keyValue = [
    STORES.inventory,
    STORES.reservations,
    STORES.rates,
    ...Object.values(STATUS_STORES),
    ...Object.values(SETTLEMENT_STORES),
    // The suppression buffers that hold each published KPI window until it closes.
    ...stored.filter((spec) => spec.published !== false).map((spec) => `${kpiStoreName(spec)}-final-store`),
    ...DEFAULT_KPI_WINDOWS.filter((spec) => spec.sumOf !== undefined).map(closedStoreName),
  ];
  const topics = [
    ...keyValue.map((store) => ({ store, policy: 'compact' })),
    ...windows.map((store) => ({ store, policy: 'compact,delete' })),
  ].map(({ store, policy }) => ({
    topic: `${applicationId}-${store}-changelog`,
    numPartitions: partitions,
    replicationFactor: -1,
    configEntries: [{ name: 'cleanup.policy', value: policy }],
  }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics });
    await waitUntilServed(
      admin,
      topics.map((t) => t.topic),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * A busy broker reports a new partition's leader in its metadata before the leader serves it (produce
 * answers NOT_LEADER_FOR_PARTITION for seconds). Waits until every partition answers a ListOffsets.
 */
async function waitUntilServed(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
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
