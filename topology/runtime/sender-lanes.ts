/**
 * Several {@link RecordSender}s, each with its own idempotent producer, so that more than one produce
 * request is in flight while every partition still has exactly one (its order is kept): a record goes to
 * the lane of its partition. Records without a partition get one here, from the murmur2 hash of their key
 * (Kafka's default partitioner) when the topic's partition count is known; the rest use lane 0.
 */
import type { Kafka } from 'kafkajs';
import { RecordProducer, type RecordProducerOptions } from '../internal/kafka/producer.js';
import { defaultPartition } from '../internal/murmur2.js';
import type { StreamsEventEmitter } from './events.js';
import { type PendingRecord, RecordSender, type SendFailureHandler } from './record-sender.js';

export class SenderLanes {
  readonly #lanes: ReadonlyArray<{ producer: RecordProducer; sender: RecordSender }>;
  readonly #partitionCounts: ReadonlyMap<string, number>;

  constructor(
    kafka: Kafka,
    options: {
      lanes: number;
      chunkSize: number;
      partitionCounts: ReadonlyMap<string, number>;
      onAcknowledged: NonNullable<RecordProducerOptions['onAcknowledged']>;
      onFailure: SendFailureHandler;
      onFatal: (error: Error) => void;
      events: StreamsEventEmitter;
    },
  ) {
    this.#partitionCounts = options.partitionCounts;
    this.#lanes = Array.from({ length: Math.max(1, options.lanes) }, () => {
      const producer = new RecordProducer(kafka, {
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

  /** Queues a record on the lane of its partition. */
  add(record: PendingRecord): void {
    let routed = record;
    if (routed.partition === undefined && routed.key !== null) {
      const count = this.#partitionCounts.get(routed.topic);
      if (count !== undefined) routed = { ...routed, partition: defaultPartition(routed.key, count) };
    }
    const lane = this.#lanes.length === 1 ? 0 : (routed.partition ?? 0) % this.#lanes.length;
    this.#lanes[lane]!.sender.add(routed);
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
