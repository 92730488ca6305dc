/**
 * Several {@link RecordSender}s, each with its own idempotent producer, so that more than one produce
 * request is in flight while every partition still has exactly one (its order is kept): a record goes to
 * the lane of its partition (the task collector gives keyed records theirs); the rest use lane 0.
 */
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { RecordProducer, RecordProducerOptions } from '../internal/kafka/producer.js';
import type { StreamsEventEmitter } from './events.js';
import { type PendingRecord, RecordSender, type SendFailureHandler } from './record-sender.js';

export class SenderLanes {
  readonly #lanes: ReadonlyArray<{ producer: RecordProducer; sender: RecordSender }>;

  constructor(
    kafka: KafkaClient,
    options: {
      lanes: number;
      chunkSize: number;
      onAcknowledged: NonNullable<RecordProducerOptions['onAcknowledged']>;
      onFailure: SendFailureHandler;
      onFatal: (error: Error) => void;
      events: StreamsEventEmitter;
    },
  ) {
    this.#lanes = Array.from({ length: Math.max(1, options.lanes) }, () => {
      const producer = kafka.producer({
        chunkSize: options.chunkSize,
        onAcknowledged: options.onAcknowledged,
      });
      const sender = new RecordSender(producer, {
        chunkSize: options.chunkSize,
        onFailure: options.onFailure,
        onFatal: options.onFatal,
        events: options.events,
      });
      return { producer, sender };
    });
  }

  async connect(): Promise<void> {
    await Promise.all(this.#lanes.map((lane) => lane.producer.connect()));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.#lanes.map((lane) => lane.producer.disconnect()));
  }

  /** Queues a record on the lane of its partition (lane 0 when it has none). */
  add(record: PendingRecord): void {
    const lane = this.#lanes.length === 1 ? 0 : (record.partition ?? 0) % this.#lanes.length;
    this.#lanes[lane]!.sender.add(record);
  }

  /** Records queued or in flight on every lane. */
  get buffered(): number {
    let total = 0;
    for (const lane of this.#lanes) total += lane.sender.buffered;
    return total;
  }

  dispatch(): void {
    for (const lane of this.#lanes) lane.sender.dispatch();
  }

  async flush(): Promise<void> {
    await Promise.all(this.#lanes.map((lane) => lane.sender.flush()));
  }

  async waitUntilBelow(limit: number): Promise<void> {
    const perLane = Math.max(1, Math.floor(limit / this.#lanes.length));
    await Promise.all(this.#lanes.map((lane) => lane.sender.waitUntilBelow(perLane)));
  }

  discard(taskId?: string): void {
    for (const lane of this.#lanes) lane.sender.discard(taskId);
  }
}
