/**
 * The record, offset and header shapes that cross the Kafka client port. They are plain data (numbers, Buffers) so the
 * runtime never sees a client's own shapes (kafkajs' string offsets, Long values or message classes).
 */

/** Header values as they travel on the wire: a string is UTF-8 encoded when sent. */
export type WireHeaders = Readonly<Record<string, Buffer | string | undefined>>;

/** A topic and one of its partitions. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** A position in a partition; for commits, `offset` is the next offset to read (last processed + 1). */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

/** A record read from Kafka, as the consumer hands it to the runtime. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The record's timestamp (create time or log-append time), epoch milliseconds. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: WireHeaders;
}

/** A record to produce. Without `partition`, the key's murmur2 hash picks it (as the Java client does). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers?: WireHeaders;
}

/** A topic the runtime needs to exist, with its partition count and topic configs. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** `-1` takes the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  readonly configs?: Readonly<Record<string, string>>;
  /**
   * Accept an existing topic whatever its partition count (`partitions` is then only the count to create
   * it with). For dead-letter topics, which operators often create themselves with one partition; never
   * for changelog or repartition topics, whose partitions must match the tasks.
   */
  readonly anyPartitionCount?: boolean;
}

/** The low and high watermarks of a partition: `high` is the offset the next record will get. */
export interface PartitionWatermarks {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/** Where a partition's replicas are: broker ids of its leader (-1: none), replicas and in-sync replicas. */
export interface PartitionReplicas {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number;
  readonly replicas: ReadonlyArray<number>;
  readonly isr: ReadonlyArray<number>;
}

/** A record read back from a topic, with its coordinates ({@link KafkaClient.readTopic}). */
export interface TopicRecord {
  readonly partition: number;
  /** The record's offset, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
  /** Create time or log-append time, epoch milliseconds. */
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** A header repeated in the record comes with its last value (as Java's `lastHeader`). */
  readonly headers: WireHeaders;
}

/** How {@link KafkaClient.readTopic} reads. */
export interface TopicReadOptions {
  /** Leave out records of aborted transactions. */
  readonly readCommitted: boolean;
  /** Stop after this many records (the first fetched: in offset order within each partition). */
  readonly limit: number;
  /** How long reading up to the ends may take, milliseconds. */
  readonly timeoutMs: number;
}
