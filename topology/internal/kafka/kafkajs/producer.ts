/** The port's {@link RecordProducer} on an idempotent kafkajs producer. */
import type { CompressionTypes, Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import { Mutex } from '../../util/mutex.js';
import { KafkaFacadeError } from '../errors.js';
import { chunksOf, refuseOversized } from '../outgoing-records.js';
import type { ProducedRecord, RecordProducer, RecordProducerOptions, SendFailure } from '../producer.js';
import type { OutgoingRecord } from '../types.js';
import { isRetriableKafkaError, isTransientBrokerError } from './errors.js';
import { kafkajs } from './kafkajs-module.js';
import { toMessage } from './outgoing-message.js';

const { Partitioners } = kafkajs;

/** The port's settings, and (for tests of the adapter) a transactional id. */
export interface KafkajsRecordProducerOptions extends RecordProducerOptions {
  /** A transactional id for the idempotent producer; the runtime leaves it unset. */
  readonly transactionalId?: string;
}

/**
 * An idempotent, `acks=all` producer that sends one request at a time. Concurrent sends on one idempotent
 * kafkajs producer have been reported to lose records (kafkajs issue 1005), and ordering per partition is
 * what the runtime promises, so every `send` call is queued behind the previous one.
 *
 * `send` never rejects for a record the broker refused: a chunk that fails for a non-retriable reason is
 * resent record by record so that only the bad records come back as {@link SendFailure}s, each handed to
 * the runtime's production error handler. It rejects (`retriable`) only when the cluster itself is
 * unreachable or not ready: a partition without a serving leader yet (a changelog just created), a leader
 * moving. kafkajs retries those sends itself (the client's retry settings: 8 retries from 100 ms up to
 * 5 s) before it gives up with `KafkaJSNumberOfRetriesExceeded`, which it marks non-retriable: the cause
 * tells, and another layer of retries here would only make a real outage surface later.
 */
export class KafkajsRecordProducer implements RecordProducer {
  readonly #kafka: Kafka;
  readonly #transactionalId: string | undefined;
  #producer: Producer;
  readonly #chunkSize: number;
  readonly #maxRecordBytes: number;
  readonly #onAcknowledged: RecordProducerOptions['onAcknowledged'];
  readonly #compression: CompressionTypes;
  readonly #sends = new Mutex();
  #connected = false;

  constructor(kafka: Kafka, options: KafkajsRecordProducerOptions = {}) {
    this.#chunkSize = options.chunkSize ?? 1000;
    this.#maxRecordBytes = options.maxRecordBytes ?? 1_000_000;
    this.#onAcknowledged = options.onAcknowledged;
    this.#compression =
      options.compression === 'gzip' ? kafkajs.CompressionTypes.GZIP : kafkajs.CompressionTypes.None;
    this.#kafka = kafka;
    this.#transactionalId = options.transactionalId;
    this.#producer = this.#createProducer();
  }

  #createProducer(): Producer {
    return this.#kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(this.#transactionalId === undefined ? {} : { transactionalId: this.#transactionalId }),
    });
  }

  /**
   * After the broker refuses a batch, kafkajs' idempotent sequence numbers no longer match the broker's
   * and every later send fails with OUT_OF_ORDER_SEQUENCE_NUMBER. The Java client bumps its epoch; here a
   * new producer (a new producer id, sequences from 0) does the same.
   */
  async #resetProducer(): Promise<void> {
    const old = this.#producer;
    this.#producer = this.#createProducer();
    await old.disconnect().catch(() => undefined);
    await this.#producer.connect();
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    await this.#producer.connect();
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    await this.flush();
    this.#connected = false;
    await this.#producer.disconnect();
  }

  /**
   * Queues `records` behind every earlier send and resolves once all of them are acknowledged by all
   * in-sync replicas (or came back as failures). Records keep their order within a partition.
   */
  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    // The queue goes on after a rejected send; the caller still sees the rejection.
    return this.#sends.runExclusive(() => this.#sendAll(records));
  }

  /** Resolves when every queued send has finished. */
  async flush(): Promise<void> {
    await this.#sends.settled();
  }

  /** One record alone (kafkajs' `send`), behind earlier sends; resolves with its partition and offset. */
  sendOne(record: OutgoingRecord): Promise<ProducedRecord> {
    return this.#sends.runExclusive(async () => {
      try {
        const [meta] = await this.#producer.send({
          topic: record.topic,
          acks: -1,
          compression: this.#compression,
          messages: [toMessage(record)],
        });
        return { partition: meta?.partition ?? 0, offset: meta?.baseOffset ?? meta?.offset ?? '0' };
      } catch (error) {
        // As in `#sendAll`: after a refusal the idempotent sequence numbers no longer match the broker's.
        if (!isUnavailable(error)) await this.#resetProducer();
        throw wrap(error, 1);
      }
    });
  }

  async #sendAll(all: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    const { fits: records, failures } = refuseOversized(all, this.#maxRecordBytes);
    for (const chunk of chunksOf(records, this.#chunkSize)) {
      try {
        await this.#sendChunk(chunk);
      } catch (error) {
        if (isUnavailable(error)) throw wrap(error, chunk.length);
        // Isolate the records the broker refuses from the good ones. Partitions of the failed request that
        // the broker accepted are written twice: at-least-once allows it, and the size check above keeps
        // the common refusal (too large) from ever reaching here.
        await this.#resetProducer();
        for (const record of chunk) {
          try {
            await this.#sendChunk([record]);
          } catch (single) {
            if (isUnavailable(single)) throw wrap(single, 1);
            failures.push({ record, error: wrap(single, 1) });
            await this.#resetProducer();
          }
        }
      }
    }
    return failures;
  }

  async #sendChunk(chunk: ReadonlyArray<OutgoingRecord>): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const record of chunk) {
      let messages = byTopic.get(record.topic);
      if (messages === undefined) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push(toMessage(record));
    }
    const acknowledged = await this.#producer.sendBatch({
      acks: -1,
      compression: this.#compression,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    if (this.#onAcknowledged !== undefined) this.#reportOffsets(chunk, acknowledged);
  }

  /** Last offset per partition = the request's base offset there + the records sent to it - 1. */
  #reportOffsets(chunk: ReadonlyArray<OutgoingRecord>, acknowledged: ReadonlyArray<RecordMetadata>): void {
    const counts = new Map<string, number>();
    for (const record of chunk) {
      if (record.partition === undefined) continue;
      const key = `${record.topic}\u0000${record.partition}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const meta of acknowledged) {
      const count = counts.get(`${meta.topicName}\u0000${meta.partition}`);
      if (count === undefined || meta.baseOffset === undefined) continue;
      this.#onAcknowledged!(meta.topicName, meta.partition, Number(meta.baseOffset) + count - 1);
    }
  }
}

/** The cluster could not take the records now (out of reach, not ready), as opposed to refusing them. */
function isUnavailable(error: unknown): boolean {
  return isRetriableKafkaError(error) || isTransientBrokerError(error);
}

function wrap(error: unknown, count: number): KafkaFacadeError {
  const retriable = isUnavailable(error);
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_PRODUCE',
    `Producing ${count} record(s) failed: ${(error as Error).message}. ` +
      (retriable
        ? 'The cluster was unreachable or not ready (no serving leader); it is retried on restart.'
        : 'The broker refused the record.'),
    { cause: error, retriable },
  );
}
