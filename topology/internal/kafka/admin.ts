import type { Admin, Kafka } from 'kafkajs';
import { KafkaFacadeError } from './errors.js';
import type { PartitionWatermarks, TopicPartitionOffset, TopicSpec } from './types.js';

/**
 * The admin calls the runtime needs: create its internal topics, read partition counts, watermarks and a
 * group's committed offsets. Creating is idempotent: an existing topic with the requested partition count
 * is accepted, one with another count is an error (a repartition or changelog topic with the wrong count
 * would silently send keys to the wrong task).
 */
export class KafkaAdmin {
  readonly #admin: Admin;
  #connected = false;

  constructor(kafka: Kafka) {
    this.#admin = kafka.admin();
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    await this.#admin.connect();
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await this.#admin.disconnect();
  }

  /** Partition counts of the topics that exist; a missing topic is absent from the map. */
  async partitionCounts(topics: ReadonlyArray<string>): Promise<Map<string, number>> {
    const existing = new Set(await this.#admin.listTopics());
    const present = [...new Set(topics)].filter((topic) => existing.has(topic));
    const counts = new Map<string, number>();
    if (present.length === 0) return counts;
    const metadata = await this.#admin.fetchTopicMetadata({ topics: present });
    for (const topic of metadata.topics) counts.set(topic.name, topic.partitions.length);
    return counts;
  }

  /**
   * Creates the topics that do not exist yet and checks the partition count of those that do. Safe to call
   * from several instances at once: a topic created by another instance in between is accepted.
   */
  async ensureTopics(specs: ReadonlyArray<TopicSpec>): Promise<void> {
    if (specs.length === 0) return;
    const before = await this.partitionCounts(specs.map((spec) => spec.name));
    const missing = specs.filter((spec) => !before.has(spec.name));
    if (missing.length > 0) {
      try {
        await this.#admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.name,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor ?? -1,
            configEntries: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (error) {
        // Another instance may have created some of them first; the count check below decides.
        const after = await this.partitionCounts(missing.map((spec) => spec.name));
        if (missing.some((spec) => !after.has(spec.name))) {
          throw new KafkaFacadeError(
            'STRM_ERR_KAFKA_ADMIN',
            `Could not create topics ${missing.map((spec) => spec.name).join(', ')}: ${(error as Error).message}. ` +
              'Check that the principal may create topics, or create them beforehand.',
            { cause: error, retriable: true },
          );
        }
      }
    }
    const counts = await this.partitionCounts(specs.map((spec) => spec.name));
    for (const spec of specs) {
      const actual = counts.get(spec.name);
      if (actual === undefined) {
        throw new KafkaFacadeError(
          'STRM_ERR_KAFKA_TOPIC_MISSING',
          `Topic ${spec.name} does not exist after creating it; check the broker's log.`,
          { retriable: true },
        );
      }
      if (actual !== spec.partitions) {
        throw new KafkaFacadeError(
          'STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH',
          `Topic ${spec.name} has ${actual} partitions but ${spec.partitions} are required; ` +
            'delete it (an internal topic is recreated) or reset the application.',
        );
      }
    }
  }

  /** Low and high watermarks of every partition of a topic. */
  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    const offsets = await this.#admin.fetchTopicOffsets(topic);
    return offsets.map((entry) => ({
      partition: entry.partition,
      low: Number(entry.low),
      high: Number(entry.high),
    }));
  }

  /** The offsets a consumer group committed for the given topics; partitions never committed are left out. */
  async committedOffsets(groupId: string, topics: ReadonlyArray<string>): Promise<TopicPartitionOffset[]> {
    const result = await this.#admin.fetchOffsets({ groupId, topics: [...topics] });
    const committed: TopicPartitionOffset[] = [];
    for (const { topic, partitions } of result) {
      for (const { partition, offset } of partitions) {
        const value = Number(offset);
        if (value >= 0) committed.push({ topic, partition, offset: value });
      }
    }
    return committed;
  }

  /** Deletes consumer groups (e.g. the throw-away groups of store restoration); a missing group is fine. */
  async deleteGroups(groupIds: ReadonlyArray<string>): Promise<void> {
    if (groupIds.length === 0) return;
    try {
      await this.#admin.deleteGroups([...groupIds]);
    } catch (error) {
      if ((error as { name?: string }).name !== 'KafkaJSDeleteGroupsError') throw error;
      // Groups that never existed or were already deleted are reported per group: nothing to do.
    }
  }

  /** Deletes topics that exist; used to reset an application and by tests to clean up. */
  async deleteTopics(topics: ReadonlyArray<string>): Promise<void> {
    const existing = new Set(await this.#admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await this.#admin.deleteTopics({ topics: present });
  }
}
