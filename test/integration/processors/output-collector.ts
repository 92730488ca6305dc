/**
 * Reads what the running pipeline writes, as it writes it: decisions (`reservation.confirmed|rejected`),
 * inventory changes (`availability.updated|overbooked`), payment requests and failures, and every
 * dead-letter topic. Values are decoded with the pipeline's own Avro serdes against the real registry.
 * The test steers its workload by what was handled and checks the final state from what was collected.
 */
import type { PaymentRequest } from '../../../processors/topology/payment-request.js';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import type { TopicName, TopicValue } from '../../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../../schemas/registry/schema-registry-client.js';
import type { BatchControl, GroupConsumer, RecordBatch } from '../../../topology/internal/kafka/consumer.js';
import type { KafkaClient } from '../../../topology/internal/kafka/kafka-client.js';
import type { IncomingRecord } from '../../../topology/internal/kafka/types.js';
import { uniqueName } from '../../support/index.js';

/** A record read back, with where it was in its topic. */
export interface Collected<T> {
  readonly partition: number;
  readonly offset: number;
  readonly value: T;
}

/** A record on a dead-letter topic, summarised for a failure message. */
export interface DeadLetterSeen {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly summary: string;
}

/** The Avro event topics collected (unprefixed). */
const EVENT_TOPICS = [
  'reservation.confirmed',
  'reservation.rejected',
  'availability.updated',
  'availability.overbooked',
  'payment.authorized',
  'payment.failed',
] as const satisfies readonly TopicName[];
type EventTopic = (typeof EVENT_TOPICS)[number];

/** Collects the pipeline's outputs under `prefix` into memory. */
export class OutputCollector {
  readonly confirmed: Collected<TopicValue<'reservation.confirmed'>>[] = [];
  readonly rejected: Collected<TopicValue<'reservation.rejected'>>[] = [];
  readonly availability: Collected<TopicValue<'availability.updated'>>[] = [];
  readonly overbooked: Collected<TopicValue<'availability.overbooked'>>[] = [];
  readonly paymentFailures: Collected<TopicValue<'payment.failed'>>[] = [];
  readonly paymentRequests: Collected<PaymentRequest>[] = [];
  readonly deadLetters: DeadLetterSeen[] = [];
  /** Records that could not be decoded: the test fails on any. */
  readonly decodeErrors: string[] = [];
  /** Confirmation numbers whose creation the pipeline handled (decided, or sent to payment). */
  readonly handled = new Set<string>();
  /** Confirmation numbers announced on `reservation.confirmed`. */
  readonly confirmedNumbers = new Set<string>();
  /** Confirmation numbers whose creation was refused, or whose payment the worker answered. */
  readonly settled = new Set<string>();

  readonly #prefix: string;
  readonly #consumer: GroupConsumer;
  readonly #serdes;
  readonly #deadLetterTopics: readonly string[];
  /** Next offset to read per `topic:partition`. */
  readonly #next = new Map<string, number>();

  /**
   * @param deadLetterTopics unprefixed dead-letter topics to watch (their records are not decoded).
   */
  constructor(
    kafka: KafkaClient,
    registry: SchemaRegistryClient,
    prefix: string,
    deadLetterTopics: readonly string[],
  ) {
    this.#prefix = prefix;
    this.#serdes = avroReservationSerdes(registry);
    this.#deadLetterTopics = deadLetterTopics;
    this.#consumer = kafka.groupConsumer({
      groupId: uniqueName(`${prefix}collector`),
      // Small fetches keep the collector from competing with the pipeline for the two cores.
      maxBytesPerPartition: 256 * 1024,
    });
  }

  /** Every topic read, with the prefix. */
  topics(): string[] {
    return [...EVENT_TOPICS, 'payment.requests', ...this.#deadLetterTopics].map((t) => this.#prefix + t);
  }

  /** Joins and starts reading every topic from its beginning. */
  async start(): Promise<void> {
    for (const topic of EVENT_TOPICS) {
      // Registers (or finds) the subject's schema: its id is the one the pipeline writes with.
      await this.#serdes.value(topic).prepare?.({ topic: this.#prefix + topic, isKey: false });
    }
    await this.#consumer.connect();
    // Partitions never committed start at their earliest offset; the collector commits nothing.
    await this.#consumer.run(this.topics(), (batch, control) => this.#onBatch(batch, control));
  }

  /** The partitions of its topics not read up to `highs` (`topic:partition` → high watermark). */
  behind(highs: ReadonlyMap<string, number>): string[] {
    const behind: string[] = [];
    for (const [topicPartition, high] of highs) {
      if (!this.topics().includes(topicPartition.slice(0, topicPartition.lastIndexOf(':')))) continue;
      const next = this.#next.get(topicPartition) ?? 0;
      if (next < high) behind.push(`collector on ${topicPartition}: ${next} of ${high}`);
    }
    return behind;
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #onBatch(batch: RecordBatch, control: BatchControl): Promise<void> {
    const topic = batch.topic.slice(this.#prefix.length);
    const { partition } = batch;
    if (this.#deadLetterTopics.includes(topic)) {
      for (const m of batch.records) {
        const headers = Object.entries(m.headers ?? {})
          .filter(([name]) => name.startsWith('x-dlq'))
          .map(([name, value]) => `${name}=${String(value)}`)
          .join(' ');
        this.deadLetters.push({
          topic,
          partition,
          offset: m.offset,
          summary: `${headers} ${m.value?.toString('utf8').slice(0, 300) ?? ''}`,
        });
      }
    } else if (topic === 'payment.requests') {
      for (const m of batch.records) {
        if (m.value === null) continue;
        const request = JSON.parse(m.value.toString('utf8')) as PaymentRequest;
        this.paymentRequests.push({ partition, offset: m.offset, value: request });
        if (request.type === 'AUTHORIZE') this.handled.add(request.confirmationNumber);
      }
    } else {
      await this.#decode(topic as EventTopic, batch.topic, partition, batch.records);
    }
    const last = batch.records.at(-1);
    if (last !== undefined) {
      this.#next.set(`${batch.topic}:${partition}`, last.offset + 1);
      // The next fetch starts after it (the consumer moves its position only on resolved offsets).
      control.resolveOffset(last.offset);
    }
  }

  async #decode(
    topic: EventTopic,
    fullName: string,
    partition: number,
    messages: ReadonlyArray<IncomingRecord>,
  ): Promise<void> {
    const serde = this.#serdes.value(topic);
    const context = { topic: fullName, isKey: false } as const;
    await serde.prepareBatch?.(
      messages.map((m) => m.value),
      context,
    );
    for (const m of messages) {
      const offset = m.offset;
      let value: unknown;
      try {
        value = serde.deserialize(m.value, context);
      } catch (error) {
        this.decodeErrors.push(`${fullName}/${partition}@${offset}: ${(error as Error).message}`);
        continue;
      }
      this.#accept(topic, { partition, offset, value });
    }
  }

  #accept(topic: EventTopic, record: Collected<unknown>): void {
    switch (topic) {
      case 'reservation.confirmed': {
        const r = record as Collected<TopicValue<'reservation.confirmed'>>;
        this.confirmed.push(r);
        this.confirmedNumbers.add(r.value.confirmationNumber);
        this.handled.add(r.value.confirmationNumber);
        break;
      }
      case 'reservation.rejected': {
        const r = record as Collected<TopicValue<'reservation.rejected'>>;
        this.rejected.push(r);
        // A refused creation (sold out, invalid) is handled too: it never reaches payment.
        if (r.value.refusedAction === null) {
          this.handled.add(r.value.confirmationNumber);
          this.settled.add(r.value.confirmationNumber);
        }
        break;
      }
      case 'availability.updated':
        this.availability.push(record as Collected<TopicValue<'availability.updated'>>);
        break;
      case 'availability.overbooked':
        this.overbooked.push(record as Collected<TopicValue<'availability.overbooked'>>);
        break;
      case 'payment.authorized':
        this.settled.add((record.value as TopicValue<'payment.authorized'>).confirmationNumber);
        break;
      case 'payment.failed': {
        const r = record as Collected<TopicValue<'payment.failed'>>;
        this.paymentFailures.push(r);
        this.settled.add(r.value.confirmationNumber);
        break;
      }
    }
  }
}
