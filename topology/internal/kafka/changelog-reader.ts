/** Reading chosen partitions over chosen ranges (store restoration): the port's request types. */
import type { RecordBatch } from './consumer.js';
import type { TopicPartition } from './types.js';

/** One partition to read, from `startOffset` (default 0) up to `endOffset` (exclusive). */
export interface ReadRange extends TopicPartition {
  readonly startOffset?: number;
  readonly endOffset: number;
}

/** What {@link KafkaClient.readToEnd} reads. */
export interface ReadToEndRequest {
  /**
   * A unique id for this read. A client without manual assignment (kafkajs) reads through a throw-away
   * one-member group of this id, which the caller deletes afterwards.
   */
  readonly groupId: string;
  readonly partitions: ReadonlyArray<ReadRange>;
  /** Called for every batch, in offset order per partition; awaited. */
  readonly onBatch: (batch: RecordBatch) => void | Promise<void>;
  /**
   * Read only committed records (skip aborted ones and transaction markers), as exactly-once changelogs
   * need. The end offsets must then be last stable offsets. Default true: without transactions it reads
   * the same records.
   */
  readonly readCommitted?: boolean;
}
