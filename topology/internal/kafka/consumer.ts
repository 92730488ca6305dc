import type { PartitionAssignorHook } from './assignor.js';
import type { IncomingRecord, TopicPartition, TopicPartitionOffset } from './types.js';

/** Consumer settings; the adapter's defaults suit a consume-process-produce loop. */
export interface GroupConsumerOptions {
  readonly groupId: string;
  /** Bytes fetched per partition per request. Default 64 KiB: 1 MiB made 30,000-record batches, a quarter slower. */
  readonly maxBytesPerPartition?: number;
  /** How long a fetch waits for data before it returns empty (and the member heartbeats). Default 500 ms. */
  readonly maxWaitTimeMs?: number;
  /**
   * While records flow, each fetch waits up to `lingerMs` for `minBytes` (fewer, fuller fetches); after an
   * empty fetch the next answers with the first record. Default: none (every fetch answers with the first
   * record, as the Java consumer's `fetch.min.bytes` 1).
   */
  readonly fetchLinger?: { readonly lingerMs: number; readonly minBytes: number };
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Read only committed records of transactional producers (exactly-once downstream). Default false. */
  readonly readCommitted?: boolean;
  /** The runtime's assignor; without one, the client's default is used. */
  readonly assignor?: PartitionAssignorHook;
  /**
   * Called when the client noticed a rebalance on a heartbeat of its own (between batches, not in the
   * batch handler's `heartbeat()`), before it rejoins: commit here, as the Java consumer's
   * `onPartitionsRevoked`. The rejoin waits for it; it must not reject.
   */
  readonly beforeRejoin?: () => Promise<void>;
  /**
   * For an application's own consumer loops (`api/`), not the runtime: commit the resolved offsets after
   * every batch, after a batch whose handler threw (its resolved prefix, before the batch is fetched
   * again), and past batches that held only transaction markers or aborted records, as a plain kafkajs
   * consumer (`autoCommit`) does. Default false: offsets are committed only through {@link GroupConsumer.commit}.
   */
  readonly autoCommitResolved?: boolean;
  /**
   * With {@link autoCommitResolved}: commit at most this often, in ms, instead of after every batch (and
   * still after a failed batch, before a rejoin and when stopping). A crash leaves at most this much to
   * be handled again. Default 0: after every batch.
   */
  readonly autoCommitIntervalMs?: number;
  /** For application loops: batches of this many partitions handled at once (default 1). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * For application loops: after a crash the consumer rejoins by itself (kafkajs' default for a plain
   * consumer) instead of emitting `crashed`. Default false: a crash is the runtime's to handle.
   */
  readonly restartOnCrash?: boolean;
}

/** One partition's worth of fetched records, in offset order. */
export interface RecordBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: ReadonlyArray<IncomingRecord>;
  /** The partition's high watermark when fetched: lag = highWatermark - (last offset + 1). */
  readonly highWatermark: number;
}

/** What a batch handler may do while it works through a batch. */
export interface BatchControl {
  /**
   * Keeps the membership alive (sent at most once per heartbeat interval). Throws a
   * {@link KafkaFacadeError} `STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS` when the group is rebalancing: the
   * handler then commits what it processed and rethrows, and the consumer rejoins.
   */
  heartbeat(): Promise<void>;
  /** Moves the fetch position past `offset` (it does not commit). */
  resolveOffset(offset: number): void;
  /** False once the consumer is stopping. */
  isRunning(): boolean;
  /**
   * True when {@link GroupConsumer.seek} moved this batch's partition after the batch was fetched (a client
   * may hand out every batch of a fetch before it applies a seek): the records of a stale batch are not the
   * ones that follow the new position and must not be processed.
   */
  isStale(): boolean;
}

/** Called for every fetched batch, one at a time. */
export type BatchHandler = (batch: RecordBatch, control: BatchControl) => Promise<void>;

/** What a member learns when it (re)joined its group. */
export interface AssignedInfo {
  readonly memberId: string;
  readonly isLeader: boolean;
  /**
   * The assignment's user data from the leader's assignor ({@link MemberAssignment.userData}); empty when
   * it sent none. kafkajs drops assignment user data, so its adapter carries it another way.
   */
  readonly userData: Buffer;
}

/** Events of {@link GroupConsumer}. */
export interface GroupConsumerEvents {
  /** The member (re)joined the group and owns exactly these partitions now. */
  assigned: [partitions: TopicPartition[], info: AssignedInfo];
  /** A rebalance started; the partitions are about to be reassigned. */
  rebalancing: [];
  /**
   * The consumer crashed and will not restart by itself: a {@link KafkaFacadeError}
   * `STRM_ERR_KAFKA_CONSUMER`, `retriable` when the cluster was only not ready (a new consumer may succeed).
   */
  crashed: [error: Error];
  /**
   * A fetched batch was done with, up to `lastOffset` (transaction markers and aborted records included,
   * which a `read_committed` consumer never hands to the batch handler): how a reader knows it reached an
   * end offset when offsets are not contiguous.
   */
  batchEnd: [topic: string, partition: number, lastOffset: number];
}

/** A member's place in its group, sent with transactional offset commits (KIP-447). */
export interface ConsumerGroupMetadata {
  readonly generationId: number;
  readonly memberId: string;
}

/**
 * A consumer group member with manual offset management: batches go to one handler in offset order,
 * offsets are committed only through {@link GroupConsumer.commit}, and the runtime hears about
 * (re)assignments through events.
 */
export interface GroupConsumer {
  on<E extends keyof GroupConsumerEvents>(
    event: E,
    listener: (...args: GroupConsumerEvents[E]) => void,
  ): this;
  /** The partitions owned since the last join. */
  assignment(): ReadonlyArray<TopicPartition>;
  connect(): Promise<void>;
  /**
   * Subscribes to `topics` and starts fetching. A partition never committed starts at its earliest offset,
   * or at its end for the topics in `fromLatest` (`autoOffsetReset: 'latest'`).
   */
  run(topics: ReadonlyArray<string>, handler: BatchHandler, fromLatest?: ReadonlySet<string>): Promise<void>;
  /**
   * Commits the given positions (next offset to read) with the current generation. Throws a
   * {@link KafkaFacadeError}: `STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS` or `STRM_ERR_KAFKA_NOT_GROUP_MEMBER`
   * (the partitions were given to another member), else `STRM_ERR_KAFKA_COMMIT`.
   */
  commit(offsets: ReadonlyArray<TopicPartitionOffset>): Promise<void>;
  /**
   * The member's id and generation as of its last join (the Java consumer's `groupMetadata()`), for an
   * exactly-once commit that the group coordinator refuses from a member of an older generation (KIP-447);
   * undefined when the client cannot tell (kafkajs) or the member has not joined.
   */
  groupMetadata(): ConsumerGroupMetadata | undefined;
  /** Stops fetching these partitions until {@link GroupConsumer.resume}; back-pressure and not-ready tasks. */
  pause(partitions: ReadonlyArray<TopicPartition>): void;
  resume(partitions: ReadonlyArray<TopicPartition>): void;
  /**
   * Fetches `topic`/`partition` from `offset` next (only while running, for an assigned partition);
   * batches fetched before are dropped. Commits nothing.
   */
  seek(topic: string, partition: number, offset: number): void;
  /** Leaves the group and closes connections; the handler is not called again. */
  disconnect(): Promise<void>;
}
