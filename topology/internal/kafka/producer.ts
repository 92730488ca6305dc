/** The port's idempotent producer (at-least-once outputs); kafkajs: `kafkajs/producer.ts`. */
import type { KafkaFacadeError } from './errors.js';
import type { OutgoingRecord } from './types.js';

/** Producer settings. */
export interface RecordProducerOptions {
  /** Records per produce request; large sends are cut into chunks of this many records. Default 1000. */
  readonly chunkSize?: number;
  /** Compression of produced batches. Default none (the broker is local in tests and benchmarks). */
  readonly compression?: 'none' | 'gzip';
  /**
   * Records larger than this (key + value + headers, bytes) are refused before sending, as the broker
   * would refuse them (`message.max.bytes`, about 1 MiB by default). Default 1,000,000.
   */
  readonly maxRecordBytes?: number;
  /**
   * Told, after each acknowledged request, the offset of the last record written to every partition that
   * records with an explicit partition went to (changelog records always have one): what a store's
   * checkpoint records.
   */
  readonly onAcknowledged?: (topic: string, partition: number, lastOffset: number) => void;
}

/** A record that could not be produced, with the reason. */
export interface SendFailure {
  readonly record: OutgoingRecord;
  readonly error: KafkaFacadeError;
}

/**
 * An idempotent, `acks=all` producer whose sends are queued one behind the other (records keep their
 * order within a partition). `send` resolves with the records the broker refused (each for the production
 * error handler), and rejects (`retriable`) only when the cluster itself is unreachable or not ready.
 */
export interface RecordProducer {
  connect(): Promise<void>;
  /** Flushes, then disconnects. */
  disconnect(): Promise<void>;
  /** Queues `records` behind every earlier send; resolves once all are acknowledged (or came back as failures). */
  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]>;
  /** Resolves when every queued send has finished. */
  flush(): Promise<void>;
  /**
   * Queues one record behind every earlier send and resolves with where the broker wrote it: for callers
   * that report the record's coordinates (a dead letter's replay). Rejects with a {@link KafkaFacadeError}
   * `STRM_ERR_KAFKA_PRODUCE` when it could not be written, `retriable` when the cluster was unreachable.
   */
  sendOne(record: OutgoingRecord): Promise<ProducedRecord>;
}

/** Where {@link RecordProducer.sendOne} wrote its record. */
export interface ProducedRecord {
  readonly partition: number;
  /** The record's offset, as a decimal string (Kafka offsets are 64-bit). */
  readonly offset: string;
}
