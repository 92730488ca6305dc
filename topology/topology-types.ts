/**
 * Option and callback types of the low-level {@link Topology} builder: how sources read, how sinks write.
 */
import type { Serde } from '../schemas/serde.js';
import type { RecordMetadata, StreamRecord } from './record.js';

/**
 * Picks a record's event time. Gets the record as read (its `timestamp` is the Kafka timestamp) and the
 * partition's current stream time; return a negative number to drop the record.
 */
export type TimestampExtractor<K, V> = (record: StreamRecord<K, V>, partitionTimeMs: number) => number;

/** Chooses the topic of each record for a sink with dynamic routing. */
export type TopicNameExtractor<K, V> = (
  record: StreamRecord<K, V>,
  metadata: RecordMetadata | undefined,
) => string;

/**
 * Chooses the partition of a record, given the topic's partition count; `undefined` falls back to the
 * default (murmur2 of the serialized key, as Kafka's default partitioner).
 */
export type StreamPartitioner<K, V> = (
  topic: string,
  key: K,
  value: V,
  numPartitions: number,
) => number | undefined;

/** How a source node reads its topics. */
export interface SourceOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** Defaults to the record's Kafka timestamp. */
  readonly timestampExtractor?: TimestampExtractor<K, V>;
}

/** How a sink node writes its topic. */
export interface SinkOptions<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  readonly partitioner?: StreamPartitioner<K, V>;
}

/** An internal topic owned by the application (named `<applicationId>-<name>` at run time). */
export interface InternalTopicConfig {
  /** Application-relative name, e.g. `count-by-region-repartition`. */
  readonly name: string;
  readonly kind: 'repartition';
  /** Fixed partition count; when absent the runtime derives it from the upstream sub-topology. */
  readonly numberOfPartitions?: number;
}
