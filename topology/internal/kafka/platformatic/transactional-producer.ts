/**
 * The port's {@link TransactionalProducer} on @platformatic/kafka's transactions (`Producer.beginTransaction`,
 * `Transaction.send`, `addConsumer` + `addOffset` = AddOffsetsToTxn + TxnOffsetCommit, `commit`, `abort`).
 *
 * - `connect` opens a transaction and cancels it (no request): the library sends InitProducerId with the
 *   transactional id on the first `beginTransaction`, which fences an older producer of the id and aborts
 *   what it left open, before this owner restores or sends. Later transactions reuse the producer id. The
 *   producer id and epoch it sends are set to -1 (a new producer), else the broker refuses the takeover.
 * - The input positions go to the group coordinator as TxnOffsetCommit with the member's generation and id
 *   when the runtime has them (KIP-447): a member of an older generation is refused (ILLEGAL_GENERATION,
 *   UNKNOWN_MEMBER_ID), read as `STRM_ERR_KAFKA_PRODUCER_FENCED` as a fenced producer is (the task moved).
 *   The library sends one TxnOffsetCommit per partition, to a coordinator it does not look up itself (it
 *   takes it from a consumed message's metadata): the adapter finds the group coordinator once (a
 *   short-lived non-joining consumer) and hands the library each position as such a message.
 * - The library runs concurrent calls of one kind (AddPartitionsToTxn, TxnOffsetCommit) as one request
 *   (`kPerformDeduplicated`), so sends and offsets go one at a time.
 * - An abort before any request of the transaction reached the broker cancels it locally: EndTxn on a
 *   transactional id with no open transaction is refused (INVALID_TXN_STATE).
 */
import { type BaseOptions, Consumer, type Message, Producer } from '@platformatic/kafka';
import { Mutex } from '../../util/mutex.js';
import type { ConsumerGroupMetadata } from '../consumer.js';
import { KafkaFacadeError } from '../errors.js';
import { chunksOf, refuseOversized } from '../outgoing-records.js';
import type { SendFailure } from '../producer.js';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.js';
import type { OutgoingRecord, TopicPartitionOffset } from '../types.js';
import { errorMessage, protocolErrorIds } from './errors.js';
import { reportOffsets, toMessages } from './outgoing-messages.js';

/** @platformatic/kafka does not export its `Transaction` class by name. */
type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

/** Protocol errors that say a newer producer of the transactional id took over. */
const FENCED_PRODUCER = [
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
];
/** Protocol errors of TxnOffsetCommit that say the member is not in the group's current generation. */
const FENCED_MEMBER = ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID'];

export class PlatformaticTransactionalProducer implements TransactionalProducer {
  readonly #base: BaseOptions;
  readonly #producer: Producer;
  readonly #transactionalId: string;
  readonly #chunkSize: number;
  readonly #maxRecordBytes: number;
  readonly #onAcknowledged: TransactionalProducerOptions['onAcknowledged'];
  readonly #sends = new Mutex();
  readonly #partitionCounts = new Map<string, number>();
  /** Group coordinators' node ids by group id, found once (forgotten when a commit fails). */
  readonly #coordinators = new Map<string, number>();
  #transaction: Transaction | undefined;
  /** True once a request of the open transaction went out: its end needs EndTxn. */
  #touched = false;
  #connected = false;

  constructor(base: BaseOptions, options: TransactionalProducerOptions) {
    this.#base = base;
    this.#transactionalId = options.transactionalId;
    this.#chunkSize = options.chunkSize ?? 1000;
    this.#maxRecordBytes = options.maxRecordBytes ?? 1_000_000;
    this.#onAcknowledged = options.onAcknowledged;
    const first = options.initialRetryTimeMs ?? 10;
    this.#producer = new Producer({
      ...base,
      transactionalId: options.transactionalId,
      // The library sends its request timeout as the transaction timeout (InitProducerId): 10 s, as Kafka
      // Streams sets under exactly-once, so that a transaction left open by a dead or frozen instance,
      // whose id no new owner takes over (one producer per thread), is aborted by the broker soon.
      timeout: Math.min(base.timeout ?? 30_000, 10_000),
      idempotent: true,
      acks: -1,
      // Right after a commit the coordinator answers CONCURRENT_TRANSACTIONS until the markers are
      // written, and after a takeover until the old transaction is aborted: short first pauses keep the
      // per-transaction latency low; 12 retries up to 1 s between them bound a lost broker to ~8 s (a
      // failed transaction is aborted as a whole and its input redone).
      retries: 12,
      retryDelay: (_client, _operation, attempt) => Math.min(1_000, first * 2 ** Math.max(0, attempt - 1)),
    });
  }

  get transactionalId(): string {
    return this.#transactionalId;
  }

  get inTransaction(): boolean {
    return this.#transaction !== undefined;
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    try {
      // InitProducerId with no producer id of ours (-1, -1, KIP-360): the library sends 0 and 0 by default,
      // which the broker answers with PRODUCER_FENCED once another producer initialised the id.
      const transaction = await this.#producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
      await transaction.cancel();
    } catch (error) {
      throw translate(error, `Initialising transactional producer ${this.#transactionalId}`);
    }
    this.#connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await this.abort().catch(() => undefined);
    await this.#producer.close(true).catch(() => undefined);
  }

  send(records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    return this.#sends.runExclusive(() => this.#sendAll(records));
  }

  async commit(
    offsets: ReadonlyArray<TopicPartitionOffset>,
    groupId: string,
    group?: ConsumerGroupMetadata,
  ): Promise<void> {
    await this.#sends.settled();
    if (this.#transaction === undefined && offsets.length === 0) return;
    try {
      const transaction = await this.#begin();
      if (offsets.length > 0) await this.#sendOffsets(transaction, offsets, groupId, group);
      if (this.#touched) await transaction.commit();
      else await transaction.cancel();
      this.#transaction = undefined;
      this.#touched = false;
    } catch (error) {
      this.#coordinators.delete(groupId);
      throw translate(error, `Committing the transaction of ${this.#transactionalId}`);
    }
  }

  async abort(): Promise<void> {
    await this.#sends.settled();
    const transaction = this.#transaction;
    const touched = this.#touched;
    this.#transaction = undefined;
    this.#touched = false;
    if (transaction === undefined) return;
    try {
      if (touched) await transaction.abort();
      else await transaction.cancel();
    } catch (error) {
      throw translate(error, `Aborting the transaction of ${this.#transactionalId}`);
    }
  }

  async #begin(): Promise<Transaction> {
    this.#transaction ??= await this.#producer.beginTransaction();
    return this.#transaction;
  }

  /** AddOffsetsToTxn, then one TxnOffsetCommit per partition (the library's unit), one at a time. */
  async #sendOffsets(
    transaction: Transaction,
    offsets: ReadonlyArray<TopicPartitionOffset>,
    groupId: string,
    group: ConsumerGroupMetadata | undefined,
  ): Promise<void> {
    const coordinatorId = await this.#coordinator(groupId);
    this.#touched = true;
    // The library reads only the group id of the consumer it is given.
    await transaction.addConsumer({ groupId } as unknown as Consumer);
    const consumer = {
      groupId,
      // Without a member (never joined): -1 and '', which the coordinator takes as a commit from outside
      // the group, without a generation check.
      generationId: group?.generationId ?? -1,
      memberId: group?.memberId ?? '',
      coordinatorId,
    };
    for (const { topic, partition, offset } of offsets) {
      // The library commits the message's offset + 1: the position is the next offset to read.
      await transaction.addOffset({
        topic,
        partition,
        offset: BigInt(offset) - 1n,
        metadata: { consumer },
      } as unknown as Message);
    }
  }

  async #coordinator(groupId: string): Promise<number> {
    const known = this.#coordinators.get(groupId);
    if (known !== undefined) return known;
    const finder = new Consumer({ ...this.#base, groupId, autocommit: false });
    try {
      const id = await finder.findGroupCoordinator();
      this.#coordinators.set(groupId, id);
      return id;
    } finally {
      await finder.close(true).catch(() => undefined);
    }
  }

  async #sendAll(all: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> {
    const { fits: records, failures } = refuseOversized(all, this.#maxRecordBytes);
    for (const chunk of chunksOf(records, this.#chunkSize)) {
      try {
        const transaction = await this.#begin();
        const messages = await toMessages(this.#producer, this.#partitionCounts, chunk);
        this.#touched = true;
        const result = await transaction.send({ messages, acks: -1 });
        if (this.#onAcknowledged !== undefined) reportOffsets(chunk, result, this.#onAcknowledged);
      } catch (error) {
        throw translate(error, `Producing ${chunk.length} record(s) in ${this.#transactionalId}`);
      }
    }
    return failures;
  }
}

function translate(error: unknown, action: string): KafkaFacadeError {
  if (error instanceof KafkaFacadeError) return error;
  const ids = protocolErrorIds(error);
  if (FENCED_PRODUCER.some((id) => ids.has(id)))
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_PRODUCER_FENCED',
      `${action}: a newer producer with the same transactional id took over (its tasks moved to another instance); they are closed without committing and the instance rejoins the group.`,
      { cause: error, retriable: true },
    );
  if (FENCED_MEMBER.some((id) => ids.has(id)))
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_PRODUCER_FENCED',
      `${action}: the group coordinator refused the offsets of this member's generation (a newer generation gave its tasks to another member); they are closed without committing and the instance rejoins the group.`,
      { cause: error, retriable: true },
    );
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_TRANSACTION',
    `${action} failed: ${errorMessage(error)}; the transaction is aborted and the task's state restored from its changelog.`,
    // Restarting the task (a new transaction) can always help: the input is redone from the last commit.
    { cause: error, retriable: true },
  );
}
