/**
 * Producing the API's events. {@link EventPublisher} is what the routes see; the Kafka implementation
 * (`kafka-event-publisher.ts`) sends with an idempotent producer (`acks=all`) and the Avro serdes, and
 * {@link RecordingPublisher} keeps records in memory for unit tests of the routes.
 */
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';

/** A record as it was handed to a publisher. */
export interface PublishedEvent {
  readonly topic: string;
  readonly key: string;
  readonly value: unknown;
  readonly timestamp: number;
}

/** A record copied byte for byte (a dead-letter replay). */
export interface RawRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, Buffer | string>>;
}

/** Produces events; resolves once the cluster acknowledged them (all in-sync replicas). */
export interface EventPublisher {
  /** Encodes `value` with the topic's Avro schema and produces it keyed by `key` (the property id). */
  publish<T extends TopicName>(topic: T, key: string, value: TopicValue<T>, timestamp: number): Promise<void>;
  /** Produces bytes unchanged, to the topic named as is (no prefix): for replays. Resolves with the offset. */
  publishRaw(record: RawRecord): Promise<{ partition: number; offset: string }>;
  close(): Promise<void>;
}

/** Keeps what it is given, in order; for unit tests (nothing leaves the process). */
export class RecordingPublisher implements EventPublisher {
  readonly events: PublishedEvent[] = [];
  readonly raw: RawRecord[] = [];
  /** When set, the next publish fails with it (to test that a failure is reported, not swallowed). */
  failNext: Error | undefined;
  /**
   * When set, the next publish records its event and then never resolves: the broker has the event but
   * the process died before it could answer (to test what a retry of that request does).
   */
  dieAfterNext = false;

  async publish<T extends TopicName>(
    topic: T,
    key: string,
    value: TopicValue<T>,
    timestamp: number,
  ): Promise<void> {
    this.#maybeFail();
    this.events.push({ topic, key, value, timestamp });
    if (this.dieAfterNext) {
      this.dieAfterNext = false;
      await new Promise<never>(() => undefined);
    }
  }

  async publishRaw(record: RawRecord): Promise<{ partition: number; offset: string }> {
    this.#maybeFail();
    this.raw.push(record);
    return { partition: 0, offset: String(this.raw.length - 1) };
  }

  async close(): Promise<void> {}

  #maybeFail(): void {
    const error = this.failNext;
    if (error !== undefined) {
      this.failNext = undefined;
      throw error;
    }
  }
}
