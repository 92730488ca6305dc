/** The port's {@link KafkaAdmin} on a @platformatic/kafka `Admin`. */
import { Admin, type BaseOptions, FetchIsolationLevels, ListOffsetTimestamps } from '@platformatic/kafka';
import { retry } from '../../util/retry.js';
import type { KafkaAdmin } from '../admin.js';
import { KafkaFacadeError } from '../errors.js';
import { ensureTopicsReady } from '../topics-ready.js';
import type { PartitionReplicas, PartitionWatermarks, TopicPartitionOffset, TopicSpec } from '../types.js';
import { errorMessage, isTransientError, protocolErrorIds } from './errors.js';

/**
 * The admin calls the runtime needs, with the kafkajs adapter's contract: creation is idempotent and
 * checks partition counts, every call is retried on transient broker errors (100 ms doubling to 1.6 s,
 * about 3 s) and what still fails is a {@link KafkaFacadeError} `STRM_ERR_KAFKA_ADMIN`. The client itself
 * connects lazily, so `connect` only opens it.
 */
export class PlatformaticAdmin implements KafkaAdmin {
  readonly #options: BaseOptions;
  #admin: Admin | undefined;

  constructor(options: BaseOptions) {
    this.#options = options;
  }

  get #client(): Admin {
    this.#admin ??= new Admin(this.#options);
    return this.#admin;
  }

  async connect(): Promise<void> {
    // The client connects on its first request; a metadata request names an unreachable cluster now.
    await this.#call('Connecting the admin', () => this.#client.metadata({ topics: [] }));
  }

  async disconnect(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.close();
  }

  async listTopics(): Promise<string[]> {
    return this.#call('Listing the topics', () => this.#client.listTopics());
  }

  async partitionCounts(topics: ReadonlyArray<string>): Promise<Map<string, number>> {
    return this.#call(`Reading the partition counts of ${topics.join(', ')}`, async () => {
      const existing = new Set(await this.#client.listTopics());
      const present = [...new Set(topics)].filter((topic) => existing.has(topic));
      const counts = new Map<string, number>();
      if (present.length === 0) return counts;
      const metadata = await this.#client.metadata({ topics: present, forceUpdate: true });
      for (const topic of present) {
        const entry = metadata.topics.get(topic);
        if (entry !== undefined) counts.set(topic, entry.partitionsCount);
      }
      return counts;
    });
  }

  /** As the kafkajs adapter's: create what is missing, wait for serving leaders, check counts; up to `timeoutMs`. */
  async ensureTopics(specs: ReadonlyArray<TopicSpec>, options: { timeoutMs?: number } = {}): Promise<void> {
    await ensureTopicsReady(specs, options.timeoutMs ?? 60_000, {
      partitionCounts: (topics) => this.partitionCounts(topics),
      notServed: (topics) => this.#notServed(topics),
      create: async (missing) => {
        let refused: unknown;
        for (const spec of missing) {
          try {
            // One request per topic: @platformatic/kafka's `configs` apply to every topic of a request.
            await this.#client.createTopics({
              topics: [spec.name],
              partitions: spec.partitions,
              replicas: spec.replicationFactor ?? -1,
              configs: Object.entries(spec.configs ?? {}).map(([name, value]) => ({ name, value })),
            });
          } catch (error) {
            refused = error;
          }
        }
        return refused;
      },
      describe: errorMessage,
    });
  }

  /** Undefined when every partition's leader answers a ListOffsets (serves it), else the refusal. */
  async #notServed(topics: ReadonlyArray<string>): Promise<unknown> {
    try {
      for (const topic of topics) await this.#listOffsets(topic, ListOffsetTimestamps.LATEST, false);
      return undefined;
    } catch (error) {
      return error ?? new Error('ListOffsets failed');
    }
  }

  /** Offsets of every partition of `topic` at `timestamp` (earliest, latest). */
  async #listOffsets(topic: string, timestamp: bigint, readCommitted: boolean): Promise<Map<number, number>> {
    const metadata = await this.#client.metadata({ topics: [topic], forceUpdate: true });
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
    const listed = await this.#client.listOffsets({
      topics: [{ name: topic, partitions }],
      isolationLevel: readCommitted
        ? FetchIsolationLevels.READ_COMMITTED
        : FetchIsolationLevels.READ_UNCOMMITTED,
    });
    const offsets = new Map<number, number>();
    for (const entry of listed)
      for (const partition of entry.partitions)
        offsets.set(partition.partitionIndex, Number(partition.offset));
    return offsets;
  }

  /** Low watermarks and last stable offsets (ListOffsets read_committed). */
  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    return this.#call(`Reading the watermarks of ${topic}`, async () => {
      const low = await this.#listOffsets(topic, ListOffsetTimestamps.EARLIEST, false);
      const high = await this.#listOffsets(topic, ListOffsetTimestamps.LATEST, true);
      return [...high.keys()]
        .sort((a, b) => a - b)
        .map((partition) => ({ partition, low: low.get(partition) ?? 0, high: high.get(partition)! }));
    });
  }

  async highWatermarks(topic: string): Promise<Map<number, number>> {
    return this.#call(`Reading the high watermarks of ${topic}`, () =>
      this.#listOffsets(topic, ListOffsetTimestamps.LATEST, false),
    );
  }

  async committedOffsets(
    groupId: string,
    topics: ReadonlyArray<string>,
    options: { requireStable?: boolean } = {},
  ): Promise<TopicPartitionOffset[]> {
    const counts = await this.partitionCounts(topics);
    if (counts.size === 0) return [];
    const result = await this.#call(`Reading the offsets group ${groupId} committed`, () =>
      this.#client.listConsumerGroupOffsets({
        groups: [
          {
            groupId,
            topics: [...counts].map(([name, count]) => ({
              name,
              partitionIndexes: Array.from({ length: count }, (_, index) => index),
            })),
          },
        ],
        // The broker answers UNSTABLE_OFFSET_COMMIT (retried by the client) while a transaction holding
        // offsets of these partitions is not completed.
        requireStable: options.requireStable ?? false,
      }),
    );
    const committed: TopicPartitionOffset[] = [];
    for (const group of result)
      for (const topic of group.topics)
        for (const partition of topic.partitions) {
          const offset = Number(partition.committedOffset);
          if (offset >= 0) committed.push({ topic: topic.name, partition: partition.partitionIndex, offset });
        }
    return committed;
  }

  async groupCommittedOffsets(groupId: string): Promise<TopicPartitionOffset[]> {
    const result = await this.#call(`Reading the offsets group ${groupId} committed`, () =>
      this.#client.listConsumerGroupOffsets({ groups: [groupId] }),
    );
    return result.flatMap((group) =>
      group.topics.flatMap((topic) =>
        topic.partitions.map((partition) => ({
          topic: topic.name,
          partition: partition.partitionIndex,
          offset: Number(partition.committedOffset),
        })),
      ),
    );
  }

  async deleteGroups(groupIds: ReadonlyArray<string>): Promise<void> {
    if (groupIds.length === 0) return;
    await this.#call(`Deleting groups ${groupIds.join(', ')}`, async () => {
      try {
        await this.#client.deleteGroups({ groups: [...groupIds] });
      } catch (error) {
        // Groups that never existed or were already deleted are reported per group: nothing to do.
        const ids = protocolErrorIds(error);
        if (!(ids.size > 0 && [...ids].every((id) => id === 'GROUP_ID_NOT_FOUND'))) throw error;
      }
    });
  }

  async deleteTopics(topics: ReadonlyArray<string>, _options: { timeoutMs?: number } = {}): Promise<void> {
    await this.#call(`Deleting topics ${topics.join(', ')}`, async () => {
      const existing = new Set(await this.#client.listTopics());
      const present = topics.filter((topic) => existing.has(topic));
      if (present.length > 0) await this.#client.deleteTopics({ topics: present });
    });
  }

  /** A probe: one metadata request, with the client's own retries only. */
  async brokerIds(): Promise<number[]> {
    const metadata = await this.#client.metadata({ topics: [], forceUpdate: true });
    return [...metadata.brokers.keys()];
  }

  async partitionReplicas(topics: ReadonlyArray<string>): Promise<PartitionReplicas[]> {
    const metadata = await this.#call(`Reading the replicas of ${topics.join(', ')}`, () =>
      this.#client.metadata({ topics: [...topics], forceUpdate: true }),
    );
    return topics.flatMap((topic) =>
      (metadata.topics.get(topic)?.partitions ?? []).map((entry, partition) => ({
        topic,
        partition,
        leader: entry.leader,
        replicas: entry.replicas,
        isr: entry.isr,
      })),
    );
  }

  async listGroupIds(): Promise<string[]> {
    const groups = await this.#call('Listing the consumer groups', () => this.#client.listGroups());
    return [...groups.keys()];
  }

  /** Runs an admin request with the transient-error retries, and codes what still fails. */
  async #call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await retry(request, { retries: 5, maxDelayMs: 1_600, retriable: isTransientError });
    } catch (error) {
      if (error instanceof KafkaFacadeError) throw error;
      const retriable = isTransientError(error);
      throw new KafkaFacadeError(
        'STRM_ERR_KAFKA_ADMIN',
        `${action} failed: ${errorMessage(error)}` +
          (retriable ? ' (the cluster was not ready: retried with backoff; it may succeed later)' : ''),
        { cause: error, retriable },
      );
    }
  }
}
