/**
 * Each instance reads the topology's decisions (`reservation.confirmed`, `reservation.rejected`) once and
 * hands them to its {@link DecisionWaiters}: the shared notification that lets a request wait on any
 * instance, whichever instance owns the property, without polling anything.
 *
 * The consumer group is the instance's own (a random id): every instance must see every decision, and
 * only decisions from its start onwards matter (earlier ones are found by the waiter's one look-up). It
 * commits no offsets, so the broker forgets the group as soon as the instance leaves it. The instance
 * starts the feed before it serves requests, so no decision a waiter needs falls before the feed's start.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import type { ReservationConfirmed, ReservationRejected } from '../../schemas/generated/types.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { BatchControl, GroupConsumer, RecordBatch } from '../../topology/internal/kafka/consumer.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { sideConsumer } from '../kafka/side-consumer.js';
import type { TopicNamer } from '../kafka/topics.js';
import type { Decision, DecisionWaiters } from './decision-waiters.js';

/** What the feed needs. */
export interface DecisionFeedOptions {
  readonly kafka: KafkaClient;
  readonly registry: SchemaRegistryClient;
  readonly names: TopicNamer;
  readonly applicationId: string;
  readonly waiters: DecisionWaiters;
  readonly logger: Logger;
}

const DECISION_TOPICS = ['reservation.confirmed', 'reservation.rejected'] as const;

/** The decision a `reservation.confirmed|rejected` value carries, if it decides a reservation. */
export function decisionOf(
  topic: (typeof DECISION_TOPICS)[number],
  value: ReservationConfirmed | ReservationRejected,
): Decision | undefined {
  if (topic === 'reservation.confirmed') return { status: 'CONFIRMED', detail: null };
  const rejected = value as ReservationRejected;
  // A refused command leaves the reservation's status; only a refused reservation is a decision.
  if (rejected.currentStatus === null || rejected.currentStatus === 'PENDING') return undefined;
  if (rejected.refusedAction !== null) return undefined;
  const detail = `${rejected.reason}${rejected.detail === null ? '' : `: ${rejected.detail}`}`;
  return { status: rejected.currentStatus, detail };
}

/** Feeds {@link DecisionWaiters} from the decision topics. */
export class DecisionFeed {
  readonly #options: DecisionFeedOptions;
  readonly #consumer: GroupConsumer;
  readonly #byName = new Map<string, (typeof DECISION_TOPICS)[number]>();
  readonly #serdes: ReturnType<typeof avroReservationSerdes>;

  constructor(options: DecisionFeedOptions) {
    this.#options = options;
    this.#consumer = sideConsumer(options.kafka, `${options.applicationId}-decisions-${randomUUID()}`);
    this.#serdes = avroReservationSerdes(options.registry);
    for (const topic of DECISION_TOPICS) this.#byName.set(options.names(topic), topic);
  }

  /** Joins the instance's own group at the topics' ends and starts handing decisions over. */
  async start(): Promise<void> {
    await this.#consumer.connect();
    const topics = [...this.#byName.keys()];
    // run() returns once the member joined and synced: decisions from here on reach the waiters. Nothing
    // is committed (the group's default); a new member starts at the topics' ends.
    await this.#consumer.run(topics, (batch, control) => this.#decide(batch, control), new Set(topics));
  }

  /** Leaves the group. */
  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #decide(batch: RecordBatch, control: BatchControl): Promise<void> {
    await this.#decideBatch(batch);
    // Once handled, the fetch position moves past the batch (a plain consumer's auto-resolve); a batch
    // whose handling threw is fetched again.
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined) control.resolveOffset(last.offset);
  }

  async #decideBatch(batch: RecordBatch): Promise<void> {
    const topic = this.#byName.get(batch.topic);
    if (topic === undefined || batch.records.length === 0) return;
    const serde = this.#serdes.value(topic);
    const context = { topic: batch.topic, isKey: false } as const;
    await serde.prepareBatch?.(
      batch.records.map((m) => m.value),
      context,
    );
    for (const message of batch.records) {
      let value: ReservationConfirmed | ReservationRejected | null;
      try {
        value = serde.deserialize(message.value, context) as typeof value;
      } catch (error) {
        // The sink reports undecodable output; a waiter on it times out as undecided.
        this.#options.logger.debug(
          { err: error, topic: batch.topic, partition: batch.partition, offset: message.offset },
          'decision feed skipped a record it cannot decode',
        );
        continue;
      }
      if (value === null) continue;
      const decision = decisionOf(topic, value);
      if (decision !== undefined) this.#options.waiters.decide(value.confirmationNumber, decision);
    }
  }
}
