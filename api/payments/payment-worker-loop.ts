/**
 * Runs the domain's {@link PaymentWorker} on Kafka: a consumer group (`<applicationId>-payments`) reads
 * `payment.requests` (JSON, internal), performs the requests through the gateway and produces the answers
 * (`payment.*`, Avro) with the API's idempotent publisher before committing.
 *
 * Requests are performed concurrently, up to `concurrency` at once across every partition (one
 * {@link BoundedPool}): one at a time, the loop was bound by a produce round trip per answer. What must
 * stay ordered stays ordered:
 * - the requests of one reservation run one after the other, in offset order, each answered (acknowledged
 *   by the cluster) before the next starts: an authorisation is answered before its refund is performed;
 * - the answers of one request (initiated and the outcome, on different topics) are handed to the
 *   publisher together, in that order, so they share one produce request; the topology reads only the
 *   outcome and the sink records both as facts, so no reader depends on one being acknowledged first;
 * - an offset is resolved only when its request and every earlier one of the batch are answered
 *   ({@link InOrderOffsets}), so a commit never covers an unanswered request; the consumer commits the
 *   resolved offsets every `commitIntervalMs` (and after a failed batch, before a rejoin and at a stop),
 *   and a partition's next batch is only fetched once this one is done.
 * A crash re-performs at most the uncommitted requests; the gateway is called with the request's
 * deterministic id as its idempotency key and the answers carry deterministic event ids, so nothing is
 * paid or recorded twice.
 */
import type { Logger } from 'pino';
import { ReservationError } from '../../processors/errors.js';
import type { PaymentWorker, WorkerOutput } from '../../processors/topology/payment-worker.js';
import { avroSerde } from '../../schemas/avro-serde.js';
import { DeadLetterSchema } from '../../schemas/generated/schemas.js';
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { DeadLetter } from '../../schemas/generated/types.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { BatchControl, GroupConsumer, RecordBatch } from '../../topology/internal/kafka/consumer.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { IncomingRecord } from '../../topology/internal/kafka/types.js';
import type { EventPublisher } from '../kafka/event-publisher.js';
import { sideConsumer } from '../kafka/side-consumer.js';
import { PAYMENT_REQUESTS, type TopicNamer } from '../kafka/topics.js';
import { BoundedPool } from './bounded-pool.js';
import { InOrderOffsets } from './in-order-offsets.js';
import { type BatchEntry, queuesByReservation, readEntry } from './payment-request-batch.js';
import { rejectedRequestDeadLetter } from './rejected-request-dead-letter.js';

/** Requests in flight at once by default: enough to fill the producer's batches, few enough for a gateway. */
export const DEFAULT_PAYMENT_CONCURRENCY = 64;

/**
 * How often the resolved offsets are committed by default, ms. After every batch, the worker sent about
 * one OffsetCommit per request at 10,000 reservations/min (bench/RESULTS.md); a crash re-performs at
 * most this much, which the idempotency keys and event ids make harmless.
 */
export const DEFAULT_PAYMENT_COMMIT_INTERVAL_MS = 1_000;

/**
 * While requests flow, how long a fetch waits for more of them by default, ms (the stream thread's
 * `consumer.fetchLingerMs`): fewer fetches, and answers that share produce requests.
 */
export const DEFAULT_PAYMENT_FETCH_LINGER_MS = 10;

const fetchLinger = (lingerMs: number) =>
  lingerMs > 0 ? { fetchLinger: { lingerMs, minBytes: 65_536 } } : {};

/** What the loop needs. */
export interface PaymentWorkerLoopOptions {
  readonly kafka: KafkaClient;
  readonly worker: PaymentWorker;
  readonly publisher: EventPublisher;
  readonly registry: SchemaRegistryClient;
  readonly names: TopicNamer;
  readonly groupId: string;
  readonly logger: Logger;
  /**
   * Most requests performed at once, over every partition (default {@link DEFAULT_PAYMENT_CONCURRENCY}).
   * 1 performs them one at a time, in offset order.
   */
  readonly concurrency?: number;
  /** Named in the dead letters of unreadable requests (default `reservations`, as the worker's). */
  readonly applicationId?: string;
  /** The consumer group's session timeout (default 30 s). */
  readonly sessionTimeoutMs?: number;
  /** Commit the performed requests' offsets at most this often (default {@link DEFAULT_PAYMENT_COMMIT_INTERVAL_MS}). */
  readonly commitIntervalMs?: number;
  /** A fetch's wait for more requests while they flow (default {@link DEFAULT_PAYMENT_FETCH_LINGER_MS}; 0: none). */
  readonly fetchLingerMs?: number;
}

/** Consumes payment requests and produces the answers. */
export class PaymentWorkerLoop {
  readonly #options: PaymentWorkerLoopOptions;
  readonly #consumer: GroupConsumer;
  readonly #deadLetters;
  readonly #pool: BoundedPool;

  constructor(options: PaymentWorkerLoopOptions) {
    this.#options = options;
    this.#pool = new BoundedPool(options.concurrency ?? DEFAULT_PAYMENT_CONCURRENCY);
    this.#consumer = sideConsumer(options.kafka, options.groupId, options.sessionTimeoutMs, {
      // The resolved prefix is committed after each batch, and after a failed one before it is retried.
      autoCommitResolved: true,
      // The consumer hands one partition's batches over one at a time whatever this is; more lets the
      // batches of other partitions share the pool instead of waiting behind a small one.
      partitionsConsumedConcurrently: this.#pool.limit,
      autoCommitIntervalMs: options.commitIntervalMs ?? DEFAULT_PAYMENT_COMMIT_INTERVAL_MS,
      ...fetchLinger(options.fetchLingerMs ?? DEFAULT_PAYMENT_FETCH_LINGER_MS),
    });
    this.#deadLetters = avroSerde(DeadLetterSchema, { registry: options.registry });
  }

  /** Joins the group and starts performing requests. */
  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.run([this.#options.names(PAYMENT_REQUESTS)], (batch, control) =>
      this.#handle(batch, control),
    );
  }

  /** Stops after the requests in progress (those not started stay uncommitted for the next owner). */
  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #handle(batch: RecordBatch, control: BatchControl): Promise<void> {
    const { heartbeat, isRunning, isStale } = control;
    const entries = batch.records.map((message, index) => readEntry(message, index));
    const progress = new InOrderOffsets(
      batch.records.map((message) => String(message.offset)),
      (offset) => control.resolveOffset(Number(offset)),
    );
    for (const entry of entries) if (entry.kind === 'empty') progress.done(entry.index);

    let failure: { error: unknown } | undefined;
    // After a failure, a stop or a revoked partition, no queue starts another request: what is left is
    // performed again from the committed offset, by this member or the partition's next owner.
    const mayContinue = () => failure === undefined && isRunning() && !isStale();
    await Promise.all(
      queuesByReservation(entries).map(async (queue) => {
        for (const entry of queue) {
          try {
            // Checked again once a slot is free: a stop must not wait for a long batch's queued requests.
            const performed = await this.#pool.run(async () => {
              if (!mayContinue()) return false;
              await this.#perform(entry, batch.partition);
              return true;
            });
            if (!performed) return;
            progress.done(entry.index);
            // Sent only when its interval has passed; it throws if the group rebalances.
            await heartbeat();
          } catch (error) {
            failure ??= { error };
            return;
          }
        }
      }),
    );
    // The consumer commits the resolved prefix and fetches the batch again from there.
    if (failure !== undefined) throw failure.error;
  }

  /** Performs one entry and produces its answers; rejects only when producing fails. */
  async #perform(entry: BatchEntry, partition: number): Promise<void> {
    if (entry.kind === 'empty') return;
    if (entry.kind === 'unreadable') {
      await this.#rejected(
        entry.message,
        partition,
        'DESERIALIZATION',
        'RSV_ERR_PAYMENT_REQUEST',
        entry.reason,
      );
      return;
    }
    let outputs: WorkerOutput[];
    try {
      outputs = await this.#options.worker.handle(entry.request, {
        partition,
        offset: Number(entry.message.offset),
        timestamp: Number(entry.message.timestamp),
      });
    } catch (error) {
      // The worker turns gateway trouble into answers or dead letters; a throw means a request it could not
      // read (e.g. an amount that is not money). Retrying would throw again: dead-letter it, with the
      // domain's code when it has one.
      const code = error instanceof ReservationError ? error.code : 'RSV_ERR_PAYMENT_REQUEST';
      await this.#rejected(entry.message, partition, 'PROCESSING', code, error);
      return;
    }
    await Promise.all(
      outputs.map((output) =>
        output.topic === 'payment.requests.dlq'
          ? this.#deadLetter(output.key, output.value)
          : this.#options.publisher.publish(
              output.topic,
              output.key,
              output.value as TopicValue<TopicName>,
              output.value.occurredAt,
            ),
      ),
    );
  }

  async #rejected(
    message: IncomingRecord,
    partition: number,
    stage: 'DESERIALIZATION' | 'PROCESSING',
    errorCode: string,
    error: unknown,
  ): Promise<void> {
    const { key, value } = rejectedRequestDeadLetter({
      applicationId: this.#options.applicationId ?? 'reservations',
      partition,
      message,
      stage,
      errorCode,
      error: typeof error === 'string' ? new Error(error) : error,
      now: Date.now(),
    });
    await this.#deadLetter(key, value);
  }

  async #deadLetter(key: string, value: DeadLetter): Promise<void> {
    const topic = this.#options.names(`${PAYMENT_REQUESTS}.dlq`);
    const context = { topic, isKey: false } as const;
    await this.#deadLetters.prepare(context);
    this.#options.logger.warn(
      { topic, errorCode: value.errorCode, sourceOffset: value.sourceOffset },
      'payment request dead-lettered',
    );
    await this.#options.publisher.publishRaw({
      topic,
      key: Buffer.from(key, 'utf8'),
      value: this.#deadLetters.serialize(value, context),
      timestamp: value.occurredAt,
      headers: {},
    });
  }
}
