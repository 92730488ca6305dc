import type { Serde } from '../../schemas/serde.js';
import { SerdeError } from '../../schemas/serde.js';
import { describeSlot } from './string-serde.js';

const SIGN_BIT = 0x80;

/**
 * Any JavaScript number as 8 bytes whose unsigned byte order equals numeric order: the IEEE 754
 * big-endian double with the sign bit flipped for non-negative numbers and every bit flipped for negative
 * ones. That makes RocksDB range scans over number keys (timestamps, ids) come out in numeric order.
 * `-0` encodes as `0`; `NaN` is refused because it has no place in an order.
 */
export function numberSerde(): Serde<number> {
  return {
    name: 'number',
    orderPreserving: true,
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'number' || Number.isNaN(value)) {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `number serde cannot encode ${String(value)} for ${describeSlot(context)}; pass a number that is not NaN`,
        );
      }
      const out = Buffer.allocUnsafe(8);
      out.writeDoubleBE(value === 0 ? 0 : value, 0);
      if ((out[0]! & SIGN_BIT) === 0) {
        out[0]! |= SIGN_BIT;
      } else {
        for (let i = 0; i < 8; i++) out[i] = ~out[i]! & 0xff;
      }
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as number;
      if (data.length !== 8) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `number serde expects 8 bytes for ${describeSlot(context)} but got ${data.length}; was it written with Serdes.sortableNumber()?`,
        );
      }
      const copy = Buffer.from(data);
      if ((copy[0]! & SIGN_BIT) !== 0) {
        copy[0]! &= ~SIGN_BIT & 0xff;
      } else {
        for (let i = 0; i < 8; i++) copy[i] = ~copy[i]! & 0xff;
      }
      return copy.readDoubleBE(0);
    },
  };
}

/**
 * 32-bit signed integers as 4 bytes in order-preserving form (big-endian with the sign bit flipped):
 * compact keys for counters and ids known to fit.
 */
export function int32Serde(): Serde<number> {
  return {
    name: 'int32',
    orderPreserving: true,
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
        throw new SerdeError(
          'STRM_ERR_SERDE_ENCODE',
          `int32 serde cannot encode ${String(value)} for ${describeSlot(context)}; use Serdes.sortableNumber() for values outside 32-bit integers`,
        );
      }
      const out = Buffer.allocUnsafe(4);
      out.writeUInt32BE((value ^ 0x80000000) >>> 0, 0);
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as number;
      if (data.length !== 4) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `int32 serde expects 4 bytes for ${describeSlot(context)} but got ${data.length}; was it written with Serdes.sortableInt32()?`,
        );
      }
      return (data.readUInt32BE(0) ^ 0x80000000) | 0;
    },
  };
}
