/**
 * The Kafka {@link EventPublisher}: one idempotent producer of the client port (`acks=all`) and the
 * pipeline's Avro serdes against the schema registry. Requests are coalesced: while one produce request is
 * in flight, the events of other HTTP requests queue up and go out together in the next send. One request
 * in flight keeps kafkajs' idempotent producer safe (concurrent sends on one have been reported to lose
 * records, kafkajs issue 1005) and batching keeps that from capping the API at one round trip per booking.
 */
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { ProducedRecord, RecordProducer } from '../../topology/internal/kafka/producer.js';
import type { OutgoingRecord } from '../../topology/internal/kafka/types.js';
import { UnavailableError } from '../errors.js';
import type { EventPublisher, RawRecord } from './event-publisher.js';
import type { TopicNamer } from './topics.js';

/** Most records per send (kafkajs' batch grouping grows with the square of its size). */
const MAX_BATCH = 1_000;

interface Queued {
  readonly record: OutgoingRecord;
  /** Raw records go alone, so their offset is known exactly. */
  readonly alone: boolean;
  resolve(meta: ProducedRecord | undefined): void;
  reject(error: unknown): void;
}

/** Produces the API's events to Kafka. Call {@link connect} before the first publish. */
export class KafkaEventPublisher implements EventPublisher {
  readonly #producer: RecordProducer;
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;
  readonly #names: TopicNamer;
  readonly #prepared = new Set<string>();
  readonly #queue: Queued[] = [];
  #flushing: Promise<void> | undefined;

  constructor(kafka: KafkaClient, registry: SchemaRegistryClient, names: TopicNamer) {
    // Idempotent, acks=all, one request in flight, no topic auto-creation, no compression.
    this.#producer = kafka.producer({ chunkSize: MAX_BATCH });
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
    await this.#enqueue({ topic: name, key: Buffer.from(key, 'utf8'), value: bytes, timestamp }, false);
  }

  async publishRaw(record: RawRecord): Promise<{ partition: number; offset: string }> {
    const meta = await this.#enqueue(
      {
        topic: record.topic,
        key: record.key,
        value: record.value,
        timestamp: record.timestamp,
        headers: { ...record.headers },
      },
      true,
    );
    return { partition: meta?.partition ?? 0, offset: meta?.offset ?? '0' };
  }

  async close(): Promise<void> {
    await this.#flushing;
    await this.#producer.disconnect();
  }

  #enqueue(record: OutgoingRecord, alone: boolean): Promise<ProducedRecord | undefined> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ record, alone, resolve, reject });
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
          first.resolve(await this.#producer.sendOne(first.record));
        } else {
          // The records the broker refused come back one by one; the others were written.
          const failures = await this.#producer.send(batch.map((item) => item.record));
          const refused = new Map(failures.map((failure) => [failure.record, failure.error]));
          for (const item of batch) {
            const error = refused.get(item.record);
            if (error === undefined) item.resolve(undefined);
            else item.reject(new UnavailableError(`Kafka (producing to ${item.record.topic})`, error));
          }
        }
      } catch (error) {
        const topics = [...new Set(batch.map((item) => item.record.topic))].join(', ');
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
