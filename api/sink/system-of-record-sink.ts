/**
 * The sink: a consumer group (`<applicationId>-sink`) over every event topic of the pipeline that writes
 * the system of record. Each fetched batch is decoded (Avro, writer schemas fetched once per batch) and
 * applied in one Postgres transaction; only then are its offsets committed. A crash between the two
 * redelivers the batch, which the idempotent upserts absorb: at-least-once delivery, exactly-once effect.
 * With `stateChangelog`, it also reads the `reservations` store's changelog, from which a reservation's
 * status, stay and total are written in the store's own order (`reservation-state-upsert.ts`).
 */
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { ReservationState } from '../../processors/topology/reservation-state.js';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { TopicName } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { BatchControl, GroupConsumer, RecordBatch } from '../../topology/internal/kafka/consumer.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { sideConsumer } from '../kafka/side-consumer.js';
import { SINK_TOPICS, type TopicNamer } from '../kafka/topics.js';
import { applyDomainEvent } from './domain-upserts.js';
import { upsertReservationState } from './reservation-state-upsert.js';
import { applyReservationEvent } from './reservation-upserts.js';

/** What the sink needs. */
export interface SinkOptions {
  readonly kafka: KafkaClient;
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
  /** The consumer group's session timeout (default 30 s). */
  readonly sessionTimeoutMs?: number;
}

/** Writes the pipeline's events into Postgres. */
export class SystemOfRecordSink {
  readonly #options: SinkOptions;
  readonly #consumer: GroupConsumer;
  readonly #byName = new Map<string, TopicName>();
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;
  readonly #applied: Counter | undefined;
  #stateChangelog: string | undefined;
  #running = false;

  constructor(options: SinkOptions) {
    this.#options = options;
    // The resolved offsets are committed after each batch, i.e. after its Postgres transaction committed.
    this.#consumer = sideConsumer(options.kafka, options.groupId, options.sessionTimeoutMs, {
      autoCommitResolved: true,
    });
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
    const topics = [
      ...this.#byName.keys(),
      ...(this.#stateChangelog === undefined ? [] : [this.#stateChangelog]),
    ];
    await this.#consumer.run(
      topics,
      (batch, control) => this.#applyBatch(batch, control),
      (this.#options.fromBeginning ?? true) ? new Set() : new Set(topics),
    );
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

  async #applyBatch(batch: RecordBatch, control: BatchControl) {
    if (batch.topic === this.#stateChangelog) return this.#applyStateBatch(batch, control);
    const topic = this.#byName.get(batch.topic);
    if (topic === undefined || batch.records.length === 0) return;
    const serde = this.#serdes.value(topic);
    const context = { topic: batch.topic, isKey: false } as const;
    await serde.prepareBatch?.(
      batch.records.map((m) => m.value),
      context,
    );
    await this.#inTransaction(async (client) => {
      for (const message of batch.records) {
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
          (await applyDomainEvent(client, topic, value, String(message.offset)));
        if (applied) this.#applied?.inc({ topic, outcome: 'applied' });
      }
    });
    // Committed (autoCommitResolved) as soon as this returns, then the consumer heartbeats.
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined) control.resolveOffset(last.offset);
  }

  /** A batch of the `reservations` store's changelog: each reservation's state, in the store's order. */
  async #applyStateBatch(batch: RecordBatch, control: BatchControl) {
    const serde = this.#serdes.reservationState;
    const context = { topic: batch.topic, isKey: false } as const;
    await this.#inTransaction(async (client) => {
      for (const message of batch.records) {
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
        await upsertReservationState(client, state, String(message.offset));
        this.#applied?.inc({ topic: STATE_TOPIC_LABEL, outcome: 'applied' });
      }
    });
    // Committed (autoCommitResolved) as soon as this returns, then the consumer heartbeats.
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined) control.resolveOffset(last.offset);
  }

  /** Runs `work` in one Postgres transaction; a failure rolls back and is thrown for the consumer to retry. */
  async #inTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error; // the consumer fetches the batch again; the upserts make that safe
    } finally {
      client.release();
    }
  }
}

/** The `topic` label of the store changelog in `sink_records_total`. */
const STATE_TOPIC_LABEL = 'reservations-store';
