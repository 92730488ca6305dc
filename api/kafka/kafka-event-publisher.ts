/**
 * The Kafka {@link EventPublisher}: one idempotent kafkajs producer (`acks=all`) and the pipeline's Avro
 * serdes against the schema registry. Requests are coalesced: while one produce request is in flight,
 * the events of other HTTP requests queue up and go out together in the next `sendBatch`. One request in
 * flight keeps kafkajs' idempotent producer safe (concurrent sends on one have been reported to lose
 * records, kafkajs issue 1005) and batching keeps that from capping the API at one round trip per booking.
 */
import { CompressionTypes, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import { UnavailableError } from '../errors.js';
import type { EventPublisher, RawRecord } from './event-publisher.js';
import type { TopicNamer } from './topics.js';

/** Most messages per `sendBatch` (kafkajs' batch grouping grows with the square of its size). */
const MAX_BATCH = 1_000;

interface Queued {
  readonly topic: string;
  readonly message: Message;
  /** Raw records go alone, so their offset is known exactly. */
  readonly alone: boolean;
  resolve(meta: RecordMetadata | undefined): void;
  reject(error: unknown): void;
}

/** Produces the API's events to Kafka. Call {@link connect} before the first publish. */
export class KafkaEventPublisher implements EventPublisher {
  readonly #producer: Producer;
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;
  readonly #names: TopicNamer;
  readonly #prepared = new Set<string>();
  readonly #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;

  constructor(kafka: Kafka, registry: SchemaRegistryClient, names: TopicNamer) {
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    this.#serdes = avroReservationSerdes(registry);
    this.#names = names;
  }

  /** Connects the producer. */
  async connect(): Promise<void> {
    await this.#producer.connect();
  }

  async publish<T extends TopicName>(
    topic: T,
    key: string,
    value: TopicValue<T>,
    timestamp: number,
  ): Promise<void> {
    const name = this.#names(topic);
    const serde = this.#serdes.value(topic);
    const context = { topic: name, isKey: false } as const;
    if (!this.#prepared.has(name)) {
      try {
        await serde.prepare?.(context);
      } catch (error) {
        throw new UnavailableError(`the schema registry (preparing ${name})`, error);
      }
      this.#prepared.add(name);
    }
    // Encoding errors are programming errors (the routes build complete events): let them surface as 500.
    const bytes = serde.serialize(value, context);
    await this.#enqueue(name, { key, value: bytes, timestamp: String(timestamp) }, false);
  }

  async publishRaw(record: RawRecord): Promise<{ partition: number; offset: string }> {
    const meta = await this.#enqueue(
      record.topic,
      {
        key: record.key,
        value: record.value,
        timestamp: String(record.timestamp),
        headers: { ...record.headers },
      },
      true,
    );
    return { partition: meta?.partition ?? 0, offset: meta?.baseOffset ?? meta?.offset ?? '0' };
  }

  async close(): Promise<void> {
    await this.#flushing;
    await this.#producer.disconnect();
  }

  #enqueue(topic: string, message: Message, alone: boolean): Promise<RecordMetadata | undefined> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ topic, message, alone, resolve, reject });
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
    });
  }

  /** Sends what is queued, one request at a time, until the queue is empty. */
  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const first = this.#queue[0]!;
      const batch = first.alone ? this.#queue.splice(0, 1) : this.#takeBatch();
      try {
        if (first.alone) {
          const [meta] = await this.#producer.send({
            topic: first.topic,
            acks: -1,
            compression: CompressionTypes.None,
            messages: [first.message],
          });
          first.resolve(meta);
        } else {
          const byTopic = new Map<string, Message[]>();
          for (const item of batch)
            byTopic.set(item.topic, [...(byTopic.get(item.topic) ?? []), item.message]);
          await this.#producer.sendBatch({
            acks: -1,
            compression: CompressionTypes.None,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
          for (const item of batch) item.resolve(undefined);
        }
      } catch (error) {
        const topics = [...new Set(batch.map((item) => item.topic))].join(', ');
        for (const item of batch) item.reject(new UnavailableError(`Kafka (producing to ${topics})`, error));
      }
    }
  }

  /** The leading run of non-raw records, at most {@link MAX_BATCH}. */
  #takeBatch(): Queued[] {
    let end = 0;
    while (end < this.#queue.length && end < MAX_BATCH && !this.#queue[end]!.alone) end++;
    return this.#queue.splice(0, end);
  }
}
