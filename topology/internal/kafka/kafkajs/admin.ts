import type { Admin, Kafka } from 'kafkajs';
import type { KafkaAdmin } from '../admin.js';
import { KafkaFacadeError } from '../errors.js';
import { ensureTopicsReady } from '../topics-ready.js';
import type { PartitionReplicas, PartitionWatermarks, TopicPartitionOffset, TopicSpec } from '../types.js';
import { retryTransient } from './broker-retry.js';
import { isTransientBrokerError } from './errors.js';

/**
 * The port's {@link KafkaAdmin} on a kafkajs admin client. The admin calls the runtime needs: create its internal topics, read partition counts, watermarks and a
 * group's committed offsets. Creating is idempotent: an existing topic with the requested partition count
 * is accepted, one with another count is an error (a repartition or changelog topic with the wrong count
 * would silently send keys to the wrong task) unless its spec says any count will do (dead-letter topics).
 *
 * Every call is retried on transient broker errors (see `broker-retry.ts`): right after a topic or a group
 * is first used the broker answers "no leader yet" or "coordinator loading" for a moment. A call that
 * still fails rejects with a {@link KafkaFacadeError} `STRM_ERR_KAFKA_ADMIN`, `retriable` when it was
 * such an error.
 */
export class KafkajsAdmin implements KafkaAdmin {
  readonly #admin: Admin;
  #connected = false;

  constructor(kafka: Kafka) {
    this.#admin = kafka.admin();
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    try {
      await this.#admin.connect();
    } catch (error) {
      // A failed connect may leave sockets open; the caller's disconnect would skip an unconnected admin.
      await this.#admin.disconnect().catch(() => undefined);
      throw error;
    }
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await this.#admin.disconnect();
  }

  /** The names of every topic on the cluster (for topic-pattern sources). */
  async listTopics(): Promise<string[]> {
    return this.#call('Listing the topics', () => this.#admin.listTopics());
  }

  /** Partition counts of the topics that exist; a missing topic is absent from the map. */
  async partitionCounts(topics: ReadonlyArray<string>): Promise<Map<string, number>> {
    return this.#call(`Reading the partition counts of ${topics.join(', ')}`, async () => {
      const existing = new Set(await this.#admin.listTopics());
      const present = [...new Set(topics)].filter((topic) => existing.has(topic));
      const counts = new Map<string, number>();
      if (present.length === 0) return counts;
      const metadata = await this.#admin.fetchTopicMetadata({ topics: present });
      for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
      return counts;
    });
  }

  /**
   * Creates the topics that do not exist yet, waits until every partition has a leader that serves it,
   * and checks the partition count of those that existed. Safe to call from several instances at once: a
   * topic created by another instance in between is accepted. A busy broker may take a while to show a
   * new topic in its metadata, and names a new partition's leader in its metadata before that leader
   * answers for it (NOT_LEADER_OR_FOLLOWER for seconds), so creation and the checks are retried for up
   * to `timeoutMs` (default 60 s).
   */
  async ensureTopics(specs: ReadonlyArray<TopicSpec>, options: { timeoutMs?: number } = {}): Promise<void> {
    await ensureTopicsReady(specs, options.timeoutMs ?? 60_000, {
      partitionCounts: (topics) => this.partitionCounts(topics),
      notServed: async (topics) =>
        (await this.#allHaveLeaders(topics))
          ? this.#notServed(topics)
          : new Error('a partition has no leader yet'),
      create: (missing) =>
        this.#createTopics(missing).then(
          () => undefined,
          (error: unknown) => error,
        ),
      describe: (error) => (error as Error).message,
    });
  }

  #createTopics(specs: ReadonlyArray<TopicSpec>): Promise<boolean> {
    return this.#admin.createTopics({
      waitForLeaders: false,
      topics: specs.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor ?? -1,
        configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  async #allHaveLeaders(topics: ReadonlyArray<string>): Promise<boolean> {
    try {
      const metadata = await this.#admin.fetchTopicMetadata({ topics: [...topics] });
      return metadata.topics.every((topic) => topic.partitions.every((partition) => partition.leader >= 0));
    } catch {
      return false;
    }
  }

  /** Undefined when every partition's leader answers a ListOffsets (serves it), else the first refusal. */
  async #notServed(topics: ReadonlyArray<string>): Promise<unknown> {
    try {
      for (const topic of topics) await this.#admin.fetchTopicOffsets(topic);
      return undefined;
    } catch (error) {
      return error ?? new Error('ListOffsets failed');
    }
  }

  /** Low and high watermarks of every partition of a topic. */
  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    const offsets = await this.#call(`Reading the watermarks of ${topic}`, () =>
      this.#admin.fetchTopicOffsets(topic),
    );
    return offsets.map((entry) => ({
      partition: entry.partition,
      low: Number(entry.low),
      high: Number(entry.high),
    }));
  }

  /** The offsets a consumer group committed for the given topics; partitions never committed are left out. */
  async committedOffsets(groupId: string, topics: ReadonlyArray<string>): Promise<TopicPartitionOffset[]> {
    const result = await this.#call(`Reading the offsets group ${groupId} committed`, () =>
      this.#admin.fetchOffsets({ groupId, topics: [...topics] }),
    );
    const committed: TopicPartitionOffset[] = [];
    for (const { topic, partitions } of result) {
      for (const { partition, offset } of partitions) {
        const value = Number(offset);
        if (value >= 0) committed.push({ topic, partition, offset: value });
      }
    }
    return committed;
  }

  /** Every offset the group committed, on every topic (kafkajs' `fetchOffsets` without topics); -1 kept. */
  async groupCommittedOffsets(groupId: string): Promise<TopicPartitionOffset[]> {
    const result = await this.#call(`Reading the offsets group ${groupId} committed`, () =>
      this.#admin.fetchOffsets({ groupId }),
    );
    return result.flatMap(({ topic, partitions }) =>
      partitions.map(({ partition, offset }) => ({ topic, partition, offset: Number(offset) })),
    );
  }

  /** Deletes consumer groups (e.g. the throw-away groups of store restoration); a missing group is fine. */
  async deleteGroups(groupIds: ReadonlyArray<string>): Promise<void> {
    if (groupIds.length === 0) return;
    await this.#call(`Deleting groups ${groupIds.join(', ')}`, async () => {
      try {
        await this.#admin.deleteGroups([...groupIds]);
      } catch (error) {
        if ((error as { name?: string }).name !== 'KafkaJSDeleteGroupsError') throw error;
        // Groups that never existed or were already deleted are reported per group: nothing to do.
      }
    });
  }

  /** Deletes topics that exist; used to reset an application and by tests to clean up. */
  async deleteTopics(topics: ReadonlyArray<string>, options: { timeoutMs?: number } = {}): Promise<void> {
    await this.#call(`Deleting topics ${topics.join(', ')}`, async () => {
      const existing = new Set(await this.#admin.listTopics());
      const present = topics.filter((topic) => existing.has(topic));
      if (present.length > 0)
        await this.#admin.deleteTopics({
          topics: present,
          ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        });
    });
  }

  /** The ids of the brokers the cluster reports; a probe, not retried beyond the client's own retries. */
  async brokerIds(): Promise<number[]> {
    const cluster = await this.#admin.describeCluster();
    return cluster.brokers.map((broker) => broker.nodeId);
  }

  /** Leader, replicas and in-sync replicas of every partition of the topics. */
  async partitionReplicas(topics: ReadonlyArray<string>): Promise<PartitionReplicas[]> {
    const metadata = await this.#call(`Reading the replicas of ${topics.join(', ')}`, () =>
      this.#admin.fetchTopicMetadata({ topics: [...topics] }),
    );
    return metadata.topics.flatMap((topic) =>
      topic.partitions.map((entry) => ({
        topic: topic.name,
        partition: entry.partitionId,
        leader: entry.leader,
        replicas: entry.replicas,
        isr: entry.isr,
      })),
    );
  }

  /** The ids of every consumer group on the cluster. */
  async listGroupIds(): Promise<string[]> {
    const result = await this.#call('Listing the consumer groups', () => this.#admin.listGroups());
    return result.groups.map((group) => group.groupId);
  }

  /** Runs an admin request with the transient-error retries, and codes what still fails. */
  async #call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await retryTransient(request);
    } catch (error) {
      if (error instanceof KafkaFacadeError) throw error;
      const retriable = isTransientBrokerError(error);
      throw new KafkaFacadeError(
        'STRM_ERR_KAFKA_ADMIN',
        `${action} failed: ${(error as Error).message}` +
          (retriable ? ' (the cluster was not ready: retried with backoff; it may succeed later)' : ''),
        { cause: error, retriable },
      );
    }
  }
}
