/**
 * Where the tasks of a topology come from on a real cluster: one task per input partition per
 * sub-topology, the partition counts of repartition topics (those of the sub-topology that writes them)
 * and changelogs (the task count of their sub-topology), and the co-partitioning check of joined topics.
 * Pure: it reads a plan and the partition counts of the user topics, so it is unit-tested without Kafka.
 */
import type { TopicSpec } from '../internal/kafka/types.js';
import { readsTopic } from '../internal/topic-pattern.js';
import type { SubtopologyPlan, TopologyPlan } from '../internal/topology-plan.js';
import { resolveChangelogTopic, resolveTopicName } from '../internal/topology-plan.js';
import { RuntimeError } from './errors.js';

/** One task: a sub-topology working on one partition of each of its source topics. */
export interface TaskSpec {
  /** `<subtopology>_<partition>`, e.g. `1_3`. */
  readonly id: string;
  readonly subtopologyId: number;
  readonly partition: number;
  /** The real names of the topics it reads, each at `partition` (topics with fewer partitions are left out). */
  readonly sourceTopics: ReadonlyArray<string>;
  /** The changelog topics of its logged stores, each at `partition` (empty for a stateless task). */
  readonly changelogTopics: ReadonlyArray<string>;
}

/** The tasks and topics of an application on the cluster. */
export interface TaskLayout {
  /** Every task of the application, ordered by sub-topology then partition. */
  readonly tasks: ReadonlyArray<TaskSpec>;
  /** Real names of every topic the application consumes. */
  readonly sourceTopics: ReadonlyArray<string>;
  /** Repartition and changelog topics to create. */
  readonly internalTopics: ReadonlyArray<TopicSpec>;
  /** Partition count of every topic the layout knows (real names). */
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** The task that reads a topic partition. */
  taskOf(topic: string, partition: number): TaskSpec | undefined;
}

/**
 * Computes the layout. `userTopicCounts` holds the partition counts of the non-internal topics that
 * exist on the cluster, those matching a pattern source included; a source topic missing from it is a
 * {@link RuntimeError}.
 */
export function computeTaskLayout(
  declared: TopologyPlan,
  applicationId: string,
  userTopicCounts: ReadonlyMap<string, number>,
  options: { replicationFactor?: number } = {},
): TaskLayout {
  const plan = withPatternTopics(declared, applicationId, userTopicCounts);
  const real = (topic: string) => resolveTopicName(plan, applicationId, topic);
  const counts = new Map<string, number>(userTopicCounts);
  for (const [name, config] of plan.internalTopics) {
    if (config.numberOfPartitions !== undefined) counts.set(real(name), config.numberOfPartitions);
  }
  for (const sub of plan.subtopologies) {
    for (const topic of sub.sourceTopics) {
      if (!plan.internalTopics.has(topic) && !counts.has(topic)) {
        throw new RuntimeError(
          'STRM_ERR_RUNTIME_SOURCE_TOPIC_MISSING',
          `source topic "${topic}" (sub-topology ${sub.id}) does not exist; create it before starting the application`,
        );
      }
    }
  }
  alignJoinedRepartitionCounts(plan, applicationId, counts);
  resolveRepartitionCounts(plan, applicationId, counts);
  checkCopartitioning(plan, applicationId, counts);

  const taskCount = (sub: SubtopologyPlan) =>
    Math.max(...sub.sourceTopics.map((t) => counts.get(real(t)) ?? 0));
  const tasks: TaskSpec[] = [];
  const byPartition = new Map<string, TaskSpec>();
  const internalTopics: TopicSpec[] = [];
  const replicationFactor = options.replicationFactor ?? -1;
  for (const sub of plan.subtopologies) {
    const n = taskCount(sub);
    const changelogTopics = sub.stores
      .filter((storeName) => plan.stores.get(storeName)?.builder.loggingEnabled === true)
      .map((storeName) => resolveChangelogTopic(applicationId, storeName));
    for (let partition = 0; partition < n; partition++) {
      const sourceTopics = sub.sourceTopics.map(real).filter((topic) => (counts.get(topic) ?? 0) > partition);
      const task: TaskSpec = {
        id: `${sub.id}_${partition}`,
        subtopologyId: sub.id,
        partition,
        sourceTopics,
        changelogTopics,
      };
      tasks.push(task);
      for (const topic of sourceTopics) byPartition.set(`${topic}\u0000${partition}`, task);
    }
    for (const storeName of sub.stores) {
      const store = plan.stores.get(storeName);
      if (store === undefined || !store.builder.loggingEnabled) continue;
      const name = resolveChangelogTopic(applicationId, storeName);
      counts.set(name, n);
      internalTopics.push({
        name,
        partitions: n,
        replicationFactor,
        configs: { 'cleanup.policy': 'compact', ...store.builder.changelogConfig },
      });
    }
  }
  for (const name of plan.internalTopics.keys()) {
    internalTopics.push({ name: real(name), partitions: counts.get(real(name))!, replicationFactor });
  }
  return {
    tasks,
    sourceTopics: [...new Set(plan.subtopologies.flatMap((sub) => sub.sourceTopics.map(real)))],
    internalTopics,
    partitionCounts: counts,
    taskOf: (topic, partition) => byPartition.get(`${topic}\u0000${partition}`),
  };
}

/**
 * The plan with each pattern source's matches among `topicCounts` (the cluster's topics, read at start)
 * added to its sub-topology's source topics, so tasks, subscription and co-partitioning treat them as
 * named topics. A topic created later that matches is read from the next start on; the application's own
 * internal topics and topics another source names are never matched.
 */
function withPatternTopics(
  plan: TopologyPlan,
  applicationId: string,
  topicCounts: ReadonlyMap<string, number>,
): TopologyPlan {
  if (plan.subtopologies.every((sub) => sub.sourcePatterns.length === 0)) return plan;
  const named = new Set(plan.subtopologies.flatMap((sub) => sub.sourceTopics));
  const internal = `${applicationId}-`;
  const subtopologies = plan.subtopologies.map((sub) => {
    if (sub.sourcePatterns.length === 0) return sub;
    const matched = [...topicCounts.keys()]
      .filter((topic) => !named.has(topic) && !topic.startsWith(internal))
      .filter((topic) => sub.sourcePatterns.some((pattern) => readsTopic(pattern, topic)))
      .sort();
    return { ...sub, sourceTopics: [...sub.sourceTopics, ...matched] };
  });
  return { ...plan, subtopologies };
}

/**
 * A repartition topic without a declared count gets the task count of the sub-topology that writes it,
 * which may itself read repartition topics: iterate until every count is known.
 */
function resolveRepartitionCounts(
  plan: TopologyPlan,
  applicationId: string,
  counts: Map<string, number>,
): void {
  const real = (topic: string) => resolveTopicName(plan, applicationId, topic);
  const pending = [...plan.internalTopics.keys()].filter((name) => !counts.has(real(name)));
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let i = pending.length - 1; i >= 0; i--) {
      const name = pending[i]!;
      const writers = plan.subtopologies.filter((sub) => sub.sinkTopics.includes(name));
      const inputCounts = writers.flatMap((sub) => sub.sourceTopics.map((t) => counts.get(real(t))));
      if (writers.length > 0 && inputCounts.every((c) => c !== undefined)) {
        counts.set(real(name), Math.max(...(inputCounts as number[])));
        pending.splice(i, 1);
        progress = true;
      }
    }
  }
  if (pending.length > 0) {
    // Written only through a topic-name extractor or in a cycle: the copartition check may still fix it.
    for (const name of pending) {
      const group = plan.copartitionGroups.find((g) => g.includes(name));
      const known = group?.map((t) => counts.get(real(t))).find((c) => c !== undefined);
      if (known === undefined) {
        throw new RuntimeError(
          'STRM_ERR_RUNTIME_CONFIG',
          `cannot derive the partition count of repartition topic "${name}": no sub-topology writes it by name; give it numberOfPartitions`,
        );
      }
      counts.set(real(name), known);
    }
  }
}

/**
 * A joined repartition topic with no declared count takes the largest count among the topics it is
 * joined with (as Kafka Streams does), so a join after a key change needs no manual partition count.
 */
function alignJoinedRepartitionCounts(
  plan: TopologyPlan,
  applicationId: string,
  counts: Map<string, number>,
): void {
  const real = (topic: string) => resolveTopicName(plan, applicationId, topic);
  for (const group of plan.copartitionGroups) {
    const known = group.flatMap((topic) => {
      const count = counts.get(real(topic));
      return count === undefined ? [] : [count];
    });
    if (known.length === 0) continue;
    const target = Math.max(...known);
    for (const topic of group) {
      if (plan.internalTopics.has(topic) && !counts.has(real(topic))) counts.set(real(topic), target);
    }
  }
}

function checkCopartitioning(
  plan: TopologyPlan,
  applicationId: string,
  counts: ReadonlyMap<string, number>,
): void {
  for (const group of plan.copartitionGroups) {
    const entries = group.map(
      (topic) => [topic, counts.get(resolveTopicName(plan, applicationId, topic))] as const,
    );
    const distinct = new Set(entries.map(([, count]) => count));
    if (distinct.size > 1) {
      const list = entries.map(([topic, count]) => `"${topic}" (${count})`).join(', ');
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_NOT_COPARTITIONED',
        `joined topics ${list} have different partition counts, so equal keys would land in different tasks; repartition one side or recreate the topics with the same count`,
      );
    }
  }
}
