/** The port's admin calls; kafkajs: `kafkajs/admin.ts`. */
import type { PartitionReplicas, PartitionWatermarks, TopicPartitionOffset, TopicSpec } from './types.js';

/**
 * The admin calls the runtime needs: create its internal topics, read partition counts, watermarks and a
 * group's committed offsets. Every call is retried on transient broker errors; one that still fails
 * rejects with a {@link KafkaFacadeError} `STRM_ERR_KAFKA_ADMIN`, `retriable` when it was such an error.
 */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** The names of every topic on the cluster (for topic-pattern sources). */
  listTopics(): Promise<string[]>;
  /** Partition counts of the topics that exist; a missing topic is absent from the map. */
  partitionCounts(topics: ReadonlyArray<string>): Promise<Map<string, number>>;
  /**
   * Creates the topics that do not exist yet, waits until every partition has a leader that serves it,
   * and checks the partition count of those that existed (`STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH`).
   * Safe to call from several instances at once. Default `timeoutMs` 60 s.
   */
  ensureTopics(specs: ReadonlyArray<TopicSpec>, options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Low and high watermarks of every partition of a topic; `high` is the last stable offset (what a
   * read_committed reader can reach; without transactions the high watermark).
   */
  watermarks(topic: string): Promise<PartitionWatermarks[]>;
  /**
   * Per partition of `topic`, the offset after its last record, committed or not (the high watermark,
   * ListOffsets read_uncommitted): above the last stable offset ({@link watermarks}) while a transaction is
   * open there. Clients with per-thread transactions (`KafkaClient.perThreadTransactions`) have it.
   */
  highWatermarks?(topic: string): Promise<Map<number, number>>;
  /**
   * The offsets a consumer group committed for the given topics; partitions never committed are left out.
   * `requireStable` (exactly-once, KIP-447): a partition with offsets in a transaction not completed yet
   * is waited for instead of read as of before it (a client without it, kafkajs, reads the older offset).
   */
  committedOffsets(
    groupId: string,
    topics: ReadonlyArray<string>,
    options?: { requireStable?: boolean },
  ): Promise<TopicPartitionOffset[]>;
  /**
   * Every offset a consumer group committed, on every topic it committed for (a dashboard's lag), in the
   * broker's order; a partition listed without a committed offset comes with offset -1.
   */
  groupCommittedOffsets(groupId: string): Promise<TopicPartitionOffset[]>;
  /** Deletes consumer groups; a missing group is fine. */
  deleteGroups(groupIds: ReadonlyArray<string>): Promise<void>;
  /**
   * Deletes topics that exist; used to reset an application and by tests to clean up. `timeoutMs`: how
   * long the broker may take to delete them before it answers (default 5 s).
   */
  deleteTopics(topics: ReadonlyArray<string>, options?: { timeoutMs?: number }): Promise<void>;

  // Inspection of the cluster for the test helpers, the local stack and the benchmarks (the runtime does
  // not use these).

  /**
   * The ids of the brokers the cluster reports. A probe: not retried here, so a client with `retries: 0`
   * answers within its timeouts (the local stack's readiness check).
   */
  brokerIds(): Promise<number[]>;
  /** Leader, replicas and in-sync replicas of every partition of the topics (all of which must exist). */
  partitionReplicas(topics: ReadonlyArray<string>): Promise<PartitionReplicas[]>;
  /** The ids of every consumer group on the cluster. */
  listGroupIds(): Promise<string[]>;
}
