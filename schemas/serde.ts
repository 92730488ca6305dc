/**
 * The serialization contract shared by the topology library, the state stores and the Avro serdes.
 *
 * `serialize` and `deserialize` are synchronous on purpose: they run once per record on the hot path,
 * where an `await` per record would cost more than the work itself. A serde that needs I/O (a schema
 * registry lookup) does it ahead of time in `prepare`/`prepareBatch`, which the runtime awaits outside the
 * per-record loop, and caches what it learnt so the hot path never makes a network call.
 */

/** Where a serde is being used: the topic (or store changelog) and whether the bytes are a key. */
export interface SerdeContext {
  readonly topic: string;
  readonly isKey: boolean;
  readonly headers?: Readonly<Record<string, Buffer | string | undefined>>;
}

export interface Serializer<T> {
  /** Encodes a value; `null` stays `null` (a tombstone). Throws a {@link SerdeError} on failure. */
  serialize(value: T, context: SerdeContext): Buffer | null;
}

export interface Deserializer<T> {
  /** Decodes bytes; a `null` payload (tombstone) may decode to `null`. Throws a {@link SerdeError}. */
  deserialize(data: Buffer | null, context: SerdeContext): T;
}

export interface Serde<T> extends Serializer<T>, Deserializer<T> {
  /** A short name for describe() output and error messages, e.g. `string`, `json`, `avro(Reservation)`. */
  readonly name: string;
  /**
   * True when the byte order of encoded values follows the natural order of the values, so that a
   * RocksDB range scan over encoded keys returns keys in order (numbers, timestamps, composite keys).
   */
  readonly orderPreserving?: boolean;
  /**
   * Optional asynchronous warm-up for a topic, awaited by the runtime before the serde is used for that
   * topic (e.g. register or look up the writer schema and cache its id).
   */
  prepare?(context: SerdeContext): Promise<void>;
  /**
   * Optional asynchronous look-ahead over a batch of raw payloads, awaited before they are deserialized
   * one by one (e.g. fetch the writer schemas of ids not seen before).
   */
  prepareBatch?(payloads: ReadonlyArray<Buffer | null>, context: SerdeContext): Promise<void>;
}

/** Why a payload could not be (de)serialized; a runtime handler decides whether it is dead-lettered. */
export type SerdeErrorCode =
  | 'STRM_ERR_SERDE_ENCODE'
  | 'STRM_ERR_SERDE_DECODE'
  | 'STRM_ERR_SERDE_WIRE_FORMAT'
  | 'STRM_ERR_SERDE_UNKNOWN_SCHEMA'
  | 'STRM_ERR_SERDE_NOT_PREPARED';

export class SerdeError extends Error {
  readonly code: SerdeErrorCode;
  /** True when retrying the same bytes may succeed (e.g. the registry was unreachable). */
  readonly retriable: boolean;

  constructor(code: SerdeErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SerdeError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
