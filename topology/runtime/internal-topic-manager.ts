/**
 * Prepares an application's topics before its first thread starts (Kafka Streams' `InternalTopicManager`
 * and the checks around it): the user's output topics must exist, the partition counts decide the task
 * layout (co-partitioning checked there), and the internal topics (repartition, changelog) and dead-letter
 * topics are created or checked. With `autoOffsetReset: 'none'` it also refuses to start while a source
 * partition has no committed offset.
 */

import type { Logger } from 'pino';
import type { KafkaAdmin } from '../internal/kafka/admin.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { TopicSpec } from '../internal/kafka/types.js';
import { readsTopic } from '../internal/topic-pattern.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { ResolvedStreamsConfig } from './config.js';
import { deadLetterTopicSpec } from './error-handlers.js';
import { RuntimeError } from './errors.js';
import { computeTaskLayout, type TaskLayout } from './task-layout.js';

/** Checks and creates the topics of `plan`; returns the task layout on the cluster. */
export async function prepareTopics(
  kafka: KafkaClient,
  plan: TopologyPlan,
  config: ResolvedStreamsConfig,
  logger: Logger,
): Promise<TaskLayout> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const internal = new Set(plan.internalTopics.keys());
    const userTopics = new Set<string>();
    for (const sub of plan.subtopologies) {
      for (const topic of [...sub.sourceTopics, ...sub.sinkTopics])
        if (!internal.has(topic)) userTopics.add(topic);
    }
    // A pattern source reads the topics matching it at start (the layout adds them to its sub-topology).
    const patterns = plan.subtopologies.flatMap((sub) => sub.sourcePatterns);
    if (patterns.length > 0) {
      for (const topic of await admin.listTopics())
        if (patterns.some((pattern) => readsTopic(pattern, topic))) userTopics.add(topic);
    }
    const counts = await admin.partitionCounts([...userTopics]);
    const missingSinks = plan.subtopologies
      .flatMap((sub) => sub.sinkTopics)
      .filter((topic) => !internal.has(topic) && !counts.has(topic));
    if (missingSinks.length > 0) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_SINK_TOPIC_MISSING',
        `output topic(s) ${[...new Set(missingSinks)].join(', ')} do not exist; create them before starting the application`,
      );
    }
    if (config.autoOffsetReset === 'none') await requireCommittedOffsets(admin, plan, config, counts);
    const layout = computeTaskLayout(plan, config.applicationId, counts, {
      replicationFactor: config.replicationFactor,
    });
    const specs: TopicSpec[] = [...layout.internalTopics, ...deadLetterTopics(plan, layout, config)];
    await admin.ensureTopics(specs);
    logger.info(
      { tasks: layout.tasks.length, internalTopics: layout.internalTopics.map((t) => t.name) },
      'topics ready',
    );
    return layout;
  } finally {
    await admin.disconnect();
  }
}

/**
 * `autoOffsetReset: 'none'`: refuses to start while a source partition has no offset committed by the
 * group, as Kafka's consumer throws `NoOffsetForPartitionException`, instead of silently starting at one
 * end. Checked once at start: partitions added to a topic later are not.
 */
async function requireCommittedOffsets(
  admin: KafkaAdmin,
  plan: TopologyPlan,
  config: ResolvedStreamsConfig,
  counts: ReadonlyMap<string, number>,
): Promise<void> {
  const internal = new Set(plan.internalTopics.keys());
  const sources = [...new Set(plan.subtopologies.flatMap((sub) => sub.sourceTopics))].filter(
    (topic) => !internal.has(topic) && counts.has(topic),
  );
  const committed = await admin.committedOffsets(config.applicationId, sources);
  const have = new Set(committed.map((entry) => `${entry.topic}-${entry.partition}`));
  const missing = sources.flatMap((topic) =>
    Array.from({ length: counts.get(topic)! }, (_, partition) => `${topic}-${partition}`).filter(
      (name) => !have.has(name),
    ),
  );
  if (missing.length > 0) {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_NO_COMMITTED_OFFSET',
      `autoOffsetReset is "none" and group ${config.applicationId} has no committed offset for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''}; commit offsets for it (e.g. kafka-consumer-groups --reset-offsets) or choose "earliest" or "latest"`,
    );
  }
}

/** `<topic>.dlq` for every user source (deserialization) and sink (production) topic that dead-letters. */
function deadLetterTopics(
  plan: TopologyPlan,
  layout: TaskLayout,
  config: ResolvedStreamsConfig,
): TopicSpec[] {
  const internal = new Set(plan.internalTopics.keys());
  const topics = new Set<string>();
  if (
    config.deserializationExceptionHandler === 'deadLetter' ||
    config.processingExceptionHandler === 'deadLetter'
  ) {
    for (const sub of plan.subtopologies)
      for (const t of sub.sourceTopics) if (!internal.has(t)) topics.add(t);
  }
  if (config.productionExceptionHandler === 'deadLetter') {
    for (const sub of plan.subtopologies) for (const t of sub.sinkTopics) if (!internal.has(t)) topics.add(t);
  }
  return (
    [...topics]
      .filter((topic) => layout.partitionCounts.has(topic))
      // Created with the source's partition count when missing; an existing one may have any count.
      .map((topic) =>
        deadLetterTopicSpec(topic, layout.partitionCounts.get(topic)!, config.replicationFactor),
      )
  );
}
