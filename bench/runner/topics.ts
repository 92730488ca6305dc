/**
 * Fresh topics for every measured run: the pipeline's topic names are fixed, so a run deletes every
 * topic left by the previous one (pipeline, changelog and peer topics; never Kafka's own `__*` topics)
 * and creates the pipeline's topics again with the partition count of the scenario.
 */
import { pipelineTopics } from '../../api/kafka/ensure-topics.js';
import { kpiStoreName } from '../../processors/topology/booking-kpis.js';
import { DEFAULT_KPI_WINDOWS, STORES } from '../../processors/topology/config.js';
import { closedStoreName } from '../../processors/topology/rolled-up-kpis.js';
import { SETTLEMENT_STORES } from '../../processors/topology/settlement-processor.js';
import { STATUS_STORES } from '../../processors/topology/status-processor.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { TopicSpec } from '../../topology/internal/kafka/types.js';

/**
 * How long topic creation may take until a leader serves every partition: a busy broker reports a new
 * partition's leader in its metadata before the leader serves it (produce answers NOT_LEADER_FOR_PARTITION
 * for seconds), and a deleted topic's name is refused until the deletion finished.
 */
const READY_TIMEOUT_MS = 180_000;

/** Deletes every non-internal topic and creates `pipelineTopics()` (plus `extra`) with `partitions` each. */
export async function resetTopics(
  kafka: KafkaClient,
  partitions: number,
  extra: readonly string[] = [],
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const stale = (await admin.listTopics()).filter((topic) => !topic.startsWith('__'));
    if (stale.length > 0) await admin.deleteTopics(stale, { timeoutMs: 60_000 });
    // A deleted topic disappears asynchronously: still listed, it would count as existing.
    const deadline = Date.now() + 60_000;
    while ((await admin.listTopics()).some((topic) => stale.includes(topic)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 500));
    // Dead-letter topics too: the runtime requires them co-partitioned with their source topics.
    // The broker may refuse a deleted topic's name for a moment more; ensureTopics retries the creation.
    const wanted = [...pipelineTopics(), ...extra];
    await admin.ensureTopics(
      wanted.map((name) => ({ name, partitions, replicationFactor: -1 })),
      { timeoutMs: READY_TIMEOUT_MS },
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the reservation application's changelog topics before its instances start. The runtime creates
 * missing ones itself; created and served here first, the instances find them ready and start alike.
 */
export async function precreateChangelogs(
  kafka: KafkaClient,
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
  const topics: TopicSpec[] = [
    ...keyValue.map((store) => ({ store, policy: 'compact' })),
    ...windows.map((store) => ({ store, policy: 'compact,delete' })),
  ].map(({ store, policy }) => ({
    name: `${applicationId}-${store}-changelog`,
    partitions,
    replicationFactor: -1,
    configs: { 'cleanup.policy': policy },
  }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.ensureTopics(topics, { timeoutMs: READY_TIMEOUT_MS });
  } finally {
    await admin.disconnect();
  }
}

/** The high watermarks of `topics`, summed per topic (records written when the topics started empty). */
export async function topicTotals(
  kafka: KafkaClient,
  topics: readonly string[],
): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const totals: Record<string, number> = {};
    for (const topic of topics) {
      const offsets = await admin.watermarks(topic);
      totals[topic] = offsets.reduce((sum, p) => sum + p.high, 0);
    }
    return totals;
  } finally {
    await admin.disconnect();
  }
}
