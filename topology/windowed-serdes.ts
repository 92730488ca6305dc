/**
 * Serdes of windowed keys (`Windowed<K>`), for the outputs of windowed aggregations: the inner key's
 * bytes followed by the window's bounds, as Kafka Streams lays them out, so Java consumers can read them.
 */
import type { Serde, SerdeContext } from '../schemas/serde.js';
import { SerdeError } from '../schemas/serde.js';
import type { Windowed } from '../state/store.js';
import { checkDuration } from './internal/windows/durations.js';

const TIME_BYTES = 8;

function tooShort(name: string, data: Buffer | null, needed: number, context: SerdeContext): SerdeError {
  return new SerdeError(
    'STRM_ERR_SERDE_DECODE',
    `${name} needs at least ${needed} bytes for a windowed key on topic "${context.topic}" but got ${data === null ? 'null' : data.length}; read the topic with the serde that wrote it`,
  );
}

function innerBytes<K>(inner: Serde<K>, key: K, context: SerdeContext): Buffer {
  const bytes = inner.serialize(key, context);
  if (bytes === null) {
    throw new SerdeError(
      'STRM_ERR_SERDE_ENCODE',
      `windowed key serde: the inner serde ${inner.name} encoded key ${String(key)} as null on topic "${context.topic}"; windowed keys need a non-null key`,
    );
  }
  return bytes;
}

/** Serdes for the keys of windowed tables. */
export const WindowedSerdes = {
  /**
   * Keys of time-windowed tables (tumbling, hopping and sliding windows): `[key][window start: 8]`. The
   * end is not written: it is the start plus `windowSizeMs` (for sliding windows, the time difference).
   */
  timeWindowed<K>(inner: Serde<K>, windowSizeMs: number): Serde<Windowed<K>> {
    const size = checkDuration('WindowedSerdes.timeWindowed', 'the window size', windowSizeMs, 1);
    const name = `timeWindowed(${inner.name}, ${size})`;
    return {
      name,
      serialize(windowed, context) {
        if (windowed === null || windowed === undefined) return null;
        const key = innerBytes(inner, windowed.key, context);
        const out = Buffer.allocUnsafe(key.length + TIME_BYTES);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(windowed.window.start), key.length);
        return out;
      },
      deserialize(data, context) {
        if (data === null || data.length < TIME_BYTES) throw tooShort(name, data, TIME_BYTES, context);
        const at = data.length - TIME_BYTES;
        const start = Number(data.readBigInt64BE(at));
        return {
          key: inner.deserialize(data.subarray(0, at), context),
          window: { start, end: start + size },
        };
      },
    };
  },

  /** Keys of session-windowed tables: `[key][session end: 8][session start: 8]`. */
  sessionWindowed<K>(inner: Serde<K>): Serde<Windowed<K>> {
    const name = `sessionWindowed(${inner.name})`;
    return {
      name,
      serialize(windowed, context) {
        if (windowed === null || windowed === undefined) return null;
        const key = innerBytes(inner, windowed.key, context);
        const out = Buffer.allocUnsafe(key.length + 2 * TIME_BYTES);
        key.copy(out, 0);
        out.writeBigInt64BE(BigInt(windowed.window.end), key.length);
        out.writeBigInt64BE(BigInt(windowed.window.start), key.length + TIME_BYTES);
        return out;
      },
      deserialize(data, context) {
        if (data === null || data.length < 2 * TIME_BYTES)
          throw tooShort(name, data, 2 * TIME_BYTES, context);
        const at = data.length - 2 * TIME_BYTES;
        const end = Number(data.readBigInt64BE(at));
        const start = Number(data.readBigInt64BE(at + TIME_BYTES));
        return { key: inner.deserialize(data.subarray(0, at), context), window: { start, end } };
      },
    };
  },
} as const;
