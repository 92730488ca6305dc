/**
 * The record that flows between processors: a typed key and value, an event-time timestamp, and headers.
 * Records are treated as immutable: to change one, forward a copy (`{ ...record, value: next }`).
 */

/** Kafka record headers; a string or the raw bytes of each header. */
export type Headers = Readonly<{ [name: string]: Buffer | string | undefined }>;

/**
 * A record inside a topology (Kafka Streams' `Record<K, V>`). Named `StreamRecord` so that it does not
 * shadow TypeScript's built-in `Record` utility type; `index.ts` also exports it as `Record`.
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in epoch milliseconds. */
  readonly timestamp: number;
  readonly headers: Headers;
}

/** Where a record was read from; `undefined` for records forwarded by a punctuator. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** An empty, frozen header set, shared so that records without headers allocate nothing. */
export const NO_HEADERS: Headers = Object.freeze({});

/** Builds a record; `headers` default to none. */
export function record<K, V>(
  key: K,
  value: V,
  timestamp: number,
  headers: Headers = NO_HEADERS,
): StreamRecord<K, V> {
  return { key, value, timestamp, headers };
}

/**
 * A copy of `record` with another key, of another type if need be (Kafka Streams' `Record.withKey`).
 *
 * @example
 * context.forward(withKey(record, record.value.customerId));
 */
export function withKey<K, V, K2>(record: StreamRecord<K, V>, key: K2): StreamRecord<K2, V> {
  return { key, value: record.value, timestamp: record.timestamp, headers: record.headers };
}

/** A copy of `record` with another value, of another type if need be (Kafka Streams' `Record.withValue`). */
export function withValue<K, V, V2>(record: StreamRecord<K, V>, value: V2): StreamRecord<K, V2> {
  return { key: record.key, value, timestamp: record.timestamp, headers: record.headers };
}

/** A copy of `record` with another event time in epoch milliseconds (Kafka Streams' `Record.withTimestamp`). */
export function withTimestamp<K, V>(record: StreamRecord<K, V>, timestamp: number): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp, headers: record.headers };
}

/**
 * A copy of `record` with other headers (Kafka Streams' `Record.withHeaders`); spread the old ones to add
 * to them: `withHeaders(record, { ...record.headers, source: 'web' })`.
 */
export function withHeaders<K, V>(record: StreamRecord<K, V>, headers: Headers): StreamRecord<K, V> {
  return { key: record.key, value: record.value, timestamp: record.timestamp, headers };
}
