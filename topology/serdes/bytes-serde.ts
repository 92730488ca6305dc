import type { Serde } from '../../schemas/serde.js';
import { SerdeError } from '../../schemas/serde.js';
import { describeSlot } from './string-serde.js';

/** Raw bytes, passed through untouched (unsigned byte order, as RocksDB compares them). */
export function bytesSerde(): Serde<Buffer> {
  return {
    name: 'bytes',
    orderPreserving: true,
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (!Buffer.isBuffer(value)) {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `bytes serde expects a Buffer for ${describeSlot(context)}; wrap it with Buffer.from() or use another serde`,
        );
      }
      return value;
    },
    deserialize(data) {
      return data as Buffer;
    },
  };
}

/** For keys or values that are always absent (`null`), e.g. topics with no keys. */
export function voidSerde(): Serde<null> {
  return {
    name: 'void',
    orderPreserving: true,
    serialize(value, context) {
      if (value !== null && value !== undefined) {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `void serde can only encode null for ${describeSlot(context)}; configure a serde for the actual type`,
        );
      }
      return null;
    },
    deserialize(data, context) {
      if (data !== null) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `void serde expects no payload for ${describeSlot(context)} but got ${data.length} bytes; configure a serde for the actual type`,
        );
      }
      return null;
    },
  };
}
