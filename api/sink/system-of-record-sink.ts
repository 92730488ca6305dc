/**
 * The sink: a consumer group (`<applicationId>-sink`) over every event topic of the pipeline that writes
 * the system of record. Each fetched batch is decoded (Avro, writer schemas fetched once per batch) and
 * applied in one Postgres transaction; only then are its offsets committed. A crash between the two
 * redelivers the batch, which the idempotent upserts absorb: at-least-once delivery, exactly-once effect.
 * With `stateChangelog`, it also reads the `reservations` store's changelog, from which a reservation's
 * status, stay and total are written in the store's own order (`reservation-state-upsert.ts`).
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { ReservationState } from '../../processors/topology/reservation-state.js';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { TopicName } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import { sideConsumer } from '../kafka/side-consumer.js';
import { SINK_TOPICS, type TopicNamer } from '../kafka/topics.js';
import { applyDomainEvent } from './domain-upserts.js';
import { upsertReservationState } from './reservation-state-upsert.js';
import { applyReservationEvent } from './reservation-upserts.js';

/** What the sink needs. */
export interface SinkOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly registry: SchemaRegistryClient;
  readonly names: TopicNamer;
  readonly groupId: string;
  readonly logger: Logger;
  readonly metrics?: Registry;
  /** Read the topics from the beginning when the group has no offsets yet (default true). */
  readonly fromBeginning?: boolean;
  /**
   * The changelog topic of the topology's `reservations` store (`<applicationId>-reservations-changelog`).
   * Read when it exists at start (the streams of this application created it); otherwise the reservation
   * rows follow the event topics alone.
   */
  readonly stateChangelog?: string;
  /** The consumer group's session timeout (default kafkajs' 30 s). */
  readonly sessionTimeoutMs?: number;
}

/** Writes the pipeline's events into Postgres. */
export class SystemOfRecordSink {
  readonly #options: SinkOptions;
  readonly #consumer: Consumer;
  readonly #byName = new Map<string, TopicName>();
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;
  readonly #applied: Counter | undefined;
  #stateChangelog: string | undefined;
  #running = false;

  constructor(options: SinkOptions) {
    this.#options = options;
    this.#consumer = sideConsumer(options.kafka, options.groupId, options.sessionTimeoutMs);
    this.#serdes = avroReservationSerdes(options.registry);
    for (const topic of SINK_TOPICS) this.#byName.set(options.names(topic), topic);
    const registry = options.metrics;
    this.#applied =
      registry === undefined
        ? undefined
        : ((registry.getSingleMetric('sink_records_total') as Counter | undefined) ??
          new Counter({
            name: 'sink_records_total',
            help: 'Records the system-of-record sink applied (outcome=applied) or could not decode (outcome=skipped).',
            labelNames: ['topic', 'outcome'],
            registers: [registry],
          }));
  }

  /** True once the consumer runs. */
  get running(): boolean {
    return this.#running;
  }

  /** Joins the group and starts consuming. */
  async start(): Promise<void> {
    await this.#consumer.connect();
    this.#stateChangelog = await this.#existing(this.#options.stateChangelog);
    await this.#consumer.subscribe({
      topics: [...this.#byName.keys(), ...(this.#stateChangelog === undefined ? [] : [this.#stateChangelog])],
      fromBeginning: this.#options.fromBeginning ?? true,
    });
    await this.#consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.#applyBatch(payload),
    });
    this.#running = true;
  }

  /** Stops consuming (the offsets of applied batches are committed). */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#consumer.disconnect();
  }

  /** `topic` when it exists on the cluster, else undefined (logged). */
  async #existing(topic: string | undefined): Promise<string | undefined> {
    if (topic === undefined) return undefined;
    const admin = this.#options.kafka.admin();
    await admin.connect();
    try {
      if ((await admin.listTopics()).includes(topic)) return topic;
    } finally {
      await admin.disconnect();
    }
    this.#options.logger.warn(
      { topic },
      'the reservations store changelog does not exist (yet): reservation rows follow the event topics alone',
    );
    return undefined;
  }

  async #applyBatch(payload: EachBatchPayload) {
    if (payload.batch.topic === this.#stateChangelog) return this.#applyStateBatch(payload);
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary } = payload;
    const topic = this.#byName.get(batch.topic);
    if (topic === undefined || batch.messages.length === 0) return;
    const serde = this.#serdes.value(topic);
    const context = { topic: batch.topic, isKey: false } as const;
    await serde.prepareBatch?.(
      batch.messages.map((m) => m.value),
      context,
    );
    await this.#inTransaction(async (client) => {
      for (const message of batch.messages) {
        let value: unknown;
        try {
          value = serde.deserialize(message.value, context);
        } catch (error) {
          // Undecodable output of our own pipeline: a bug to look at, not a reason to stop the sink.
          this.#options.logger.error(
            { err: error, topic: batch.topic, partition: batch.partition, offset: message.offset },
            'sink skipped a record it cannot decode',
          );
          this.#applied?.inc({ topic, outcome: 'skipped' });
          continue;
        }
        if (value === null) continue;
        const applied =
          (await applyReservationEvent(client, topic, value)) ||
          (await applyDomainEvent(client, topic, value, message.offset));
        if (applied) this.#applied?.inc({ topic, outcome: 'applied' });
      }
    });
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /** A batch of the `reservations` store's changelog: each reservation's state, in the store's order. */
  async #applyStateBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) {
    const serde = this.#serdes.reservationState;
    const context = { topic: batch.topic, isKey: false } as const;
    await this.#inTransaction(async (client) => {
      for (const message of batch.messages) {
        // A tombstone is the store purging a final reservation past its retention: Postgres keeps it.
        if (message.value === null) continue;
        let state: ReservationState | null;
        try {
          state = serde.deserialize(message.value, context);
        } catch (error) {
          this.#options.logger.error(
            { err: error, topic: batch.topic, partition: batch.partition, offset: message.offset },
            'sink skipped a store record it cannot decode',
          );
          this.#applied?.inc({ topic: STATE_TOPIC_LABEL, outcome: 'skipped' });
          continue;
        }
        if (state === null) continue;
        await upsertReservationState(client, state, message.offset);
        this.#applied?.inc({ topic: STATE_TOPIC_LABEL, outcome: 'applied' });
      }
    });
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /** Runs `work` in one Postgres transaction; a failure rolls back and is thrown for kafkajs to retry. */
  async #inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error; // kafkajs retries the batch; the upserts make that safe
    } finally {
      client.release();
    }
  }
}

/** The `topic` label of the store changelog in `sink_records_total`. */
const STATE_TOPIC_LABEL = 'reservations-store';
