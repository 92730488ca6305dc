/**
 * The input and output topics of a {@link TopologyTestDriver}: typed ends that serialize what a test pipes
 * in and deserialize what the topology wrote, so tests work with values, not bytes.
 */
import type { Serde } from '../schemas/serde.js';
import { TestDriverError } from './errors.js';
import type { RawRecord } from './internal/task/task-io.js';
import type { Headers } from './record.js';

/** A record read from (or piped into) a test topic. */
export interface TestRecord<K, V> {
  readonly key: K;
  readonly value: V;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** A key and value, as `readKeyValue()` returns them. */
export interface KeyValuePair<K, V> {
  readonly key: K;
  readonly value: V;
}

/** What an input topic needs from the driver. */
export interface InputSink {
  pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void;
}

/** What an output topic needs from the driver. */
export interface OutputSource {
  /** Removes and returns the oldest unread record of `topic`, or undefined. */
  take(topic: string): RawRecord | undefined;
  queueSize(topic: string): number;
}

/**
 * Pipes typed records into one topic. Records without a timestamp get the topic's current time, which
 * starts at `startTimestampMs` and moves by `autoAdvanceMs` after each record (and by `advanceTime`).
 */
export class TestInputTopic<K, V> {
  private currentTimeMs: number;

  constructor(
    private readonly driver: InputSink,
    /** The topic name. */
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    startTimestampMs: number,
    private readonly autoAdvanceMs: number,
  ) {
    this.currentTimeMs = startTimestampMs;
  }

  /** Pipes one record; the topology processes it (and everything it causes) before this returns. */
  pipeInput(key: K, value: V, timestampMs?: number, headers: Headers = {}): void {
    const timestamp = timestampMs ?? this.nextTimestamp();
    const keyBytes = this.keySerde.serialize(key, { topic: this.name, isKey: true, headers });
    const valueBytes = this.valueSerde.serialize(value, { topic: this.name, isKey: false, headers });
    this.driver.pipe(this.name, keyBytes, valueBytes, timestamp, headers);
  }

  /** Pipes records in order. */
  pipeRecordList(records: ReadonlyArray<{ key: K; value: V; timestamp?: number; headers?: Headers }>): void {
    for (const r of records) this.pipeInput(r.key, r.value, r.timestamp, r.headers);
  }

  /** Pipes key-value pairs in order, with the topic's running timestamps. */
  pipeKeyValueList(pairs: ReadonlyArray<KeyValuePair<K, V>>): void {
    for (const p of pairs) this.pipeInput(p.key, p.value);
  }

  /** Moves the topic's current time (used for records piped without a timestamp). */
  advanceTime(ms: number): void {
    this.currentTimeMs += ms;
  }

  private nextTimestamp(): number {
    const t = this.currentTimeMs;
    this.currentTimeMs += this.autoAdvanceMs;
    return t;
  }
}

/** Reads, in order, what the topology wrote to one topic. Each record is read once. */
export class TestOutputTopic<K, V> {
  constructor(
    private readonly driver: OutputSource,
    /** The topic name (the real name: internal topics carry the application id). */
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  /** Reads the next record with its timestamp and headers; throws when there is none. */
  readRecord(): TestRecord<K, V> {
    const raw = this.driver.take(this.name);
    if (raw === undefined) {
      throw new TestDriverError(
        'STRM_ERR_TEST_DRIVER_EMPTY_TOPIC',
        `output topic "${this.name}" has no unread record; check isEmpty() first, or check that the topology writes to this topic (driver.producedTopicNames())`,
      );
    }
    return {
      key: this.keySerde.deserialize(raw.key, { topic: this.name, isKey: true, headers: raw.headers }),
      value: this.valueSerde.deserialize(raw.value, { topic: this.name, isKey: false, headers: raw.headers }),
      timestamp: raw.timestamp,
      headers: raw.headers,
    };
  }

  /** Reads the next key and value. */
  readKeyValue(): KeyValuePair<K, V> {
    const { key, value } = this.readRecord();
    return { key, value };
  }

  /** Reads the next value. */
  readValue(): V {
    return this.readRecord().value;
  }

  /** Reads every unread record. */
  readRecordsToList(): TestRecord<K, V>[] {
    const out: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  /** Reads every unread key and value, in order. */
  readKeyValuesToList(): KeyValuePair<K, V>[] {
    return this.readRecordsToList().map(({ key, value }) => ({ key, value }));
  }

  /** Reads every unread value, in order. */
  readValuesToList(): V[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  /** Reads every unread record into a map: the latest value per key wins, as in a compacted topic. */
  readKeyValuesToMap(): Map<K, V> {
    const out = new Map<K, V>();
    for (const { key, value } of this.readRecordsToList()) out.set(key, value);
    return out;
  }

  /** How many records are unread. */
  getQueueSize(): number {
    return this.driver.queueSize(this.name);
  }

  isEmpty(): boolean {
    return this.getQueueSize() === 0;
  }
}
