import type { Serde } from '../../schemas/serde.js';
import { SerdeError } from '../../schemas/serde.js';
import { describeSlot } from './string-serde.js';

/**
 * JSON text in UTF-8. The type parameter is trusted, not checked: decode validates syntax only, so pair
 * it with a schema check (or Avro) where the producer is not under your control. `null` is a tombstone.
 */
export function jsonSerde<T>(): Serde<T> {
  return {
    name: 'json',
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      let text: string | undefined;
      try {
        text = JSON.stringify(value);
      } catch (cause) {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `json serde cannot encode ${describeSlot(context)}: ${(cause as Error).message}; remove cycles and BigInts or use another serde`,
          { cause },
        );
      }
      if (text === undefined) {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `json serde cannot encode a ${typeof value} for ${describeSlot(context)}; only JSON values can be encoded`,
        );
      }
      return Buffer.from(text, 'utf8');
    },
    deserialize(data, context) {
      if (data === null) return null as T;
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (cause) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `json serde cannot decode ${describeSlot(context)} (${data.length} bytes): ${(cause as Error).message}; check the producer writes JSON or configure the matching serde`,
          { cause },
        );
      }
    },
  };
}
