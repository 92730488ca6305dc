/**
 * The Kafka {@link EventPublisher}: one idempotent kafkajs producer (`acks=all`, one request in flight)
 * and the pipeline's Avro serdes against the schema registry. Sends are queued one after another:
 * concurrent sends on one idempotent kafkajs producer have been reported to lose records (kafkajs issue
 * 1005), and a booking API's rate is far below what one in-flight request carries.
 */
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import { UnavailableError } from '../errors.js';
import type { EventPublisher, RawRecord } from './event-publisher.js';
import type { TopicNamer } from './topics.js';

/** Produces the API's events to Kafka. Call {@link connect} before the first publish. */
export class KafkaEventPublisher implements EventPublisher {
  readonly #producer: Producer;
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;
  readonly #names: TopicNamer;
  readonly #prepared = new Set<string>();
  #queue: Promise<unknown> = Promise.resolve();

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
    await this.#send(name, [{ key, value: bytes, timestamp: String(timestamp) }]);
  }

  async publishRaw(record: RawRecord): Promise<{ partition: number; offset: string }> {
    const [meta] = await this.#send(record.topic, [
      {
        key: record.key,
        value: record.value,
        timestamp: String(record.timestamp),
        headers: { ...record.headers },
      },
    ]);
    return { partition: meta?.partition ?? 0, offset: meta?.baseOffset ?? meta?.offset ?? '0' };
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    await this.#producer.disconnect();
  }

  #send(topic: string, messages: Parameters<Producer['send']>[0]['messages']) {
    const run = () =>
      this.#producer
        .send({ topic, acks: -1, compression: CompressionTypes.None, messages })
        .catch((error) => {
          throw new UnavailableError(`Kafka (producing to ${topic})`, error);
        });
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
