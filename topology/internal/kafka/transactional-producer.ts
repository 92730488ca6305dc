/**
 * The port's exactly-once producer; kafkajs: `kafkajs/transactional-producer.ts`, @platformatic/kafka:
 * `platformatic/transactional-producer.ts`. A client without KIP-447 (kafkajs) needs one per task, whose
 * `transactionalId` is `<applicationId>-<taskId>`: a new owner of the task connects with the same id, and
 * the broker fences the old one (its next call fails with {@link KafkaFacadeError}
 * `STRM_ERR_KAFKA_PRODUCER_FENCED`). A client with KIP-447 (`KafkaClient.perThreadTransactions`) serves
 * every task of a stream thread with one, its offsets committed with the member's generation.
 */

import type { ConsumerGroupMetadata } from './consumer.js';
import { isProducerFenced } from './errors.js';
import type { SendFailure } from './producer.js';
import type { OutgoingRecord, TopicPartitionOffset } from './types.js';

/** Settings of a {@link TransactionalProducer}. */
export interface TransactionalProducerOptions {
  /**
   * Per task (kafkajs) `<applicationId>-<taskId>`: the same for every owner of the task, so that a zombie is
   * fenced; per thread (KIP-447) `<applicationId>-<processId>-<threadIndex>`.
   */
  readonly transactionalId: string;
  /** Records per produce request (see the idempotent producer). Default 1000. */
  readonly chunkSize?: number;
  /** Records larger than this are refused before sending. Default 1,000,000. */
  readonly maxRecordBytes?: number;
  /**
   * First retry delay in ms of the client's own retries. Right after a commit the coordinator answers the
   * next transaction's first request with CONCURRENT_TRANSACTIONS until the markers are written; a small
   * first delay keeps the per-transaction latency low. Default 10 ms.
   */
  readonly initialRetryTimeMs?: number;
  /** As for the idempotent producer: offset of the last record acknowledged per explicit partition. */
  readonly onAcknowledged?: (topic: string, partition: number, lastOffset: number) => void;
}

/**
 * Outputs, changelog records and the task's input offsets go into one transaction, opened on the first
 * send and committed by {@link TransactionalProducer.commit}.
 */
export interface TransactionalProducer {
  /** The transactional id. */
  readonly transactionalId: string;
  /** True while a transaction holds records or offsets not committed yet. */
  readonly inTransaction: boolean;
  /** Connects and initialises the transactional id: fences older producers and aborts what they left open. */
  connect(): Promise<void>;
  /** Aborts an open transaction (best effort) and disconnects. */
  disconnect(): Promise<void>;
  /**
   * Sends `records` inside the current transaction (opened if needed), behind earlier sends. Records over
   * `maxRecordBytes` come back as failures without being sent; any broker refusal rejects.
   */
  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]>;
  /**
   * Commits the transaction with the task's input positions for `groupId`; a no-op with nothing to commit.
   * With `group` (the member's id and generation) a client with KIP-447 sends them with the offsets, and the
   * group coordinator refuses the commit of a member of an older generation (a zombie): the commit then
   * fails with `STRM_ERR_KAFKA_PRODUCER_FENCED`. kafkajs ignores `group`.
   */
  commit(
    offsets: ReadonlyArray<TopicPartitionOffset>,
    groupId: string,
    group?: ConsumerGroupMetadata,
  ): Promise<void>;
  /** Aborts the open transaction, if any: none of its records or offsets ever become visible. */
  abort(): Promise<void>;
}

/** True when `error` (or its cause chain) says this producer was fenced by a newer one. */
export const isFencedError = isProducerFenced;
