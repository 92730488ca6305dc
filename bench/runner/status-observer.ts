/**
 * Watches the pipeline's final-status topics (`reservation.confirmed`, `reservation.rejected`) like a
 * client waiting for its booking's outcome would, and records for each reservation the driver created
 * the end-to-end latency: from acceptance (its input record's timestamp) to the moment its first final
 * status is read here. Later statuses of the same reservation (a refused cancellation) are not counted.
 */
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { GroupConsumer } from '../../topology/internal/kafka/consumer.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';

const STATUS_TOPICS = ['reservation.confirmed', 'reservation.rejected'] as const;

/** One decided reservation. */
export interface Decision {
  /** Milliseconds since the run's origin when the decision was read. */
  readonly at: number;
  readonly latencyMs: number;
  readonly outcome: 'confirmed' | 'rejected';
}

/** Reads final statuses and matches them with acceptance times. */
export class StatusObserver {
  readonly #consumer: GroupConsumer;
  readonly #serdes;
  readonly #acceptedAt: ReadonlyMap<string, number>;
  readonly #decided = new Set<string>();
  readonly decisions: Decision[] = [];
  #origin = 0;

  constructor(options: {
    kafka: KafkaClient;
    registry: SchemaRegistryClient;
    groupId: string;
    acceptedAt: ReadonlyMap<string, number>;
  }) {
    // A short fetch wait: the observer must see a status as soon as it is written, not a batch later.
    this.#consumer = options.kafka.groupConsumer({ groupId: options.groupId, maxWaitTimeMs: 50 });
    this.#serdes = avroReservationSerdes(options.registry);
    this.#acceptedAt = options.acceptedAt;
  }

  /** Joins, starts reading from the beginning of the (fresh) status topics; resolves once assigned. */
  async start(origin: number): Promise<void> {
    this.#origin = origin;
    await this.#consumer.connect();
    const joined = new Promise<void>((resolve) => {
      this.#consumer.on('assigned', () => resolve());
    });
    // A fresh group starts at the beginning of every partition; the observer commits nothing.
    await this.#consumer.run(STATUS_TOPICS, async (batch, control) => {
      const readAt = Date.now();
      const topic = batch.topic as (typeof STATUS_TOPICS)[number];
      const serde = this.#serdes.value(topic);
      const context = { topic, isKey: false } as const;
      const payloads = batch.records.flatMap((m) => (m.value === null ? [] : [m.value]));
      await serde.prepareBatch?.(payloads, context);
      for (const payload of payloads) {
        const { confirmationNumber } = serde.deserialize(payload, context) as {
          confirmationNumber: string;
        };
        const accepted = this.#acceptedAt.get(confirmationNumber);
        if (accepted === undefined || this.#decided.has(confirmationNumber)) continue;
        this.#decided.add(confirmationNumber);
        this.decisions.push({
          at: readAt - this.#origin,
          latencyMs: readAt - accepted,
          outcome: topic === 'reservation.confirmed' ? 'confirmed' : 'rejected',
        });
      }
      // The next fetch starts after the batch (the consumer moves its position only on resolved offsets).
      const last = batch.records.at(-1);
      if (last !== undefined) control.resolveOffset(last.offset);
    });
    await joined;
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }
}
