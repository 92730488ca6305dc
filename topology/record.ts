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
