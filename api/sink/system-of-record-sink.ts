/**
 * The sink: a consumer group (`<applicationId>-sink`) over every event topic of the pipeline that writes
 * the system of record. Each fetched batch is decoded (Avro, writer schemas fetched once per batch) and
 * applied in one Postgres transaction; only then are its offsets committed. A crash between the two
 * redelivers the batch, which the idempotent upserts absorb: at-least-once delivery, exactly-once effect.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { TopicName } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import { sideConsumer } from '../kafka/side-consumer.js';
import { SINK_TOPICS, type TopicNamer } from '../kafka/topics.js';
import { applyDomainEvent } from './domain-upserts.js';
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
}

/** Writes the pipeline's events into Postgres. */
export class SystemOfRecordSink {
  readonly #options: SinkOptions;
  readonly #consumer: Consumer;
  readonly #byName = new Map<string, TopicName>();
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;
  readonly #applied: Counter | undefined;
  #running = false;

  constructor(options: SinkOptions) {
    this.#options = options;
    this.#consumer = sideConsumer(options.kafka, options.groupId);
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
    await this.#consumer.subscribe({
      topics: [...this.#byName.keys()],
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

  async #applyBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload) {
    const topic = this.#byName.get(batch.topic);
    if (topic === undefined || batch.messages.length === 0) return;
    const serde = this.#serdes.value(topic);
    const context = { topic: batch.topic, isKey: false } as const;
    await serde.prepareBatch?.(
      batch.messages.map((m) => m.value),
      context,
    );
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
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
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error; // kafkajs retries the batch; the upserts make that safe
    } finally {
      client.release();
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined) resolveOffset(last.offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }
}
