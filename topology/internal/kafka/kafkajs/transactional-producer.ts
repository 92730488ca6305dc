/**
 * The port's {@link TransactionalProducer} on kafkajs: the producer of one exactly-once task. kafkajs has no KIP-447 (a transaction cannot be tied to the
 * consumer group generation), so, as in Kafka Streams' first exactly-once design, every task has its own
 * transactional producer whose `transactionalId` is `<applicationId>-<taskId>`: a new owner of the task
 * connects with the same id, the broker bumps the epoch, aborts whatever the old owner left open and fences
 * it (its next call fails with {@link KafkaFacadeError} `STRM_ERR_KAFKA_PRODUCER_FENCED`).
 *
 * Outputs, changelog records and the task's input offsets (`sendOffsets`) go into one transaction, opened
 * on the first send and committed by {@link TransactionalProducer.commit}.
 */
import type { Kafka, Message, Producer, Transaction } from 'kafkajs';
import { Mutex } from '../../util/mutex.js';
import { KafkaFacadeError } from '../errors.js';
import { chunksOf, refuseOversized } from '../outgoing-records.js';
import type { SendFailure } from '../producer.js';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.js';
import type { OutgoingRecord, TopicPartitionOffset } from '../types.js';
import { KAFKAJS_RETRY_GROWTH, retryTransient } from './broker-retry.js';
import { isFencedError, isTransientBrokerError } from './errors.js';
import { kafkajs } from './kafkajs-module.js';
import { toMessage } from './outgoing-message.js';

const { CompressionTypes, Partitioners } = kafkajs;

export class KafkajsTransactionalProducer implements TransactionalProducer {
  readonly #producer: Producer;
  readonly #chunkSize: number;
  readonly #maxRecordBytes: number;
  readonly #onAcknowledged: TransactionalProducerOptions['onAcknowledged'];
  readonly #transactionalId: string;
  #transaction: Transaction | undefined;
  readonly #sends = new Mutex();
  #connected = false;

  constructor(kafka: Kafka, options: TransactionalProducerOptions) {
    this.#transactionalId = options.transactionalId;
    this.#chunkSize = options.chunkSize ?? 1000;
    this.#maxRecordBytes = options.maxRecordBytes ?? 1_000_000;
    this.#onAcknowledged = options.onAcknowledged;
    this.#producer = kafka.producer({
      transactionalId: options.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, unlike kafkajs' idempotent default (forever): a failed send aborts the whole transaction
      // and the input is redone, so giving up after ~5 s is safe, and a deleted topic or a lost broker
      // surfaces instead of hanging the task. kafkajs logs a warning about limited retries once per task.
      retry: {
        initialRetryTime: options.initialRetryTimeMs ?? 10,
        maxRetryTime: 1_000,
        retries: 12,
        ...KAFKAJS_RETRY_GROWTH,
      },
    });
  }

  /** The transactional id: `<applicationId>-<taskId>`. */
  get transactionalId(): string {
    return this.#transactionalId;
  }

  /** True while a transaction holds records or offsets not committed yet. */
  get inTransaction(): boolean {
    return this.#transaction !== undefined;
  }

  /** Connects and initialises the transactional id: fences older producers and aborts what they left open. */
  async connect(): Promise<void> {
    if (this.#connected) return;
    try {
      await retryTransient(() => this.#producer.connect());
      // kafkajs initialises the transactional id lazily, with the first transaction: open an empty one
      // now (aborting it sends nothing) so that the fencing happens before this owner restores or sends.
      // On a new cluster the transaction coordinator is still loading __transaction_state for longer
      // than kafkajs' own retries (about 5 s from 10 ms): both steps are retried on their own, even after
      // kafkajs gave up (a failed begin leaves the producer uninitialised, a failed abort the transaction
      // open).
      const retry = { isTransient: isTransientBrokerError };
      const first = await retryTransient(() => this.#producer.transaction(), retry);
      await retryTransient(() => first.abort(), retry);
    } catch (error) {
      throw translate(error, `Initialising transactional producer ${this.#transactionalId}`);
    }
    this.#connected = true;
  }

  /** Aborts an open transaction (best effort) and disconnects. */
  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await this.abort().catch(() => undefined);
    await this.#producer.disconnect();
  }

  /**
   * Sends `records` inside the current transaction (opened if needed), behind earlier sends. Records over
   * `maxRecordBytes` come back as failures without being sent; any broker refusal rejects, because a
   * transaction with a failed send must be aborted as a whole.
   */
  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    return this.#sends.runExclusive(() => this.#sendAll(records));
  }

  /**
   * Commits the transaction with the task's input positions (`sendOffsets` for `groupId`): outputs,
   * changelog records and offsets become visible together. A no-op with nothing sent and no offsets.
   */
  async commit(offsets: ReadonlyArray<TopicPartitionOffset>, groupId: string): Promise<void> {
    await this.#sends.settled();
    if (this.#transaction === undefined && offsets.length === 0) return;
    try {
      const transaction = await this.#begin();
      if (offsets.length > 0) {
        const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
        for (const { topic, partition, offset } of offsets) {
          const list = byTopic.get(topic) ?? [];
          list.push({ partition, offset: String(offset) });
          byTopic.set(topic, list);
        }
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        });
      }
      await transaction.commit();
      this.#transaction = undefined;
    } catch (error) {
      throw translate(error, `Committing the transaction of ${this.#transactionalId}`);
    }
  }

  /** Aborts the open transaction, if any: none of its records or offsets ever become visible. */
  async abort(): Promise<void> {
    await this.#sends.settled();
    const transaction = this.#transaction;
    this.#transaction = undefined;
    if (transaction === undefined) return;
    try {
      await transaction.abort();
    } catch (error) {
      throw translate(error, `Aborting the transaction of ${this.#transactionalId}`);
    }
  }

  async #begin(): Promise<Transaction> {
    this.#transaction ??= await this.#producer.transaction();
    return this.#transaction;
  }

  async #sendAll(all: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    const { fits: records, failures } = refuseOversized(all, this.#maxRecordBytes);
    for (const chunk of chunksOf(records, this.#chunkSize)) {
      try {
        const transaction = await this.#begin();
        const byTopic = new Map<string, Message[]>();
        for (const record of chunk) {
          const list = byTopic.get(record.topic) ?? [];
          list.push(toMessage(record));
          byTopic.set(record.topic, list);
        }
        const acknowledged = await transaction.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        if (this.#onAcknowledged !== undefined) {
          const counts = new Map<string, number>();
          for (const record of chunk) {
            if (record.partition === undefined) continue;
            const key = `${record.topic}\u0000${record.partition}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
          for (const meta of acknowledged) {
            const count = counts.get(`${meta.topicName}\u0000${meta.partition}`);
            if (count !== undefined && meta.baseOffset !== undefined)
              this.#onAcknowledged(meta.topicName, meta.partition, Number(meta.baseOffset) + count - 1);
          }
        }
      } catch (error) {
        throw translate(error, `Producing ${chunk.length} record(s) in ${this.#transactionalId}`);
      }
    }
    return failures;
  }
}

function translate(error: unknown, action: string): KafkaFacadeError {
  if (error instanceof KafkaFacadeError) return error;
  if (isFencedError(error)) {
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_PRODUCER_FENCED',
      `${action}: a newer producer with the same transactional id took over (this task moved to another instance); the task is closed without committing and the instance rejoins the group.`,
      { cause: error, retriable: true },
    );
  }
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_TRANSACTION',
    `${action} failed: ${(error as Error).message}; the transaction is aborted and the task's state restored from its changelog.`,
    // Restarting the task (a new transaction) can always help: the input is redone from the last commit.
    { cause: error, retriable: true },
  );
}
