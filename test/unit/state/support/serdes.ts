/**
 * Tiny serdes for the state-store tests only (the public ones live in `topology/serdes/`): UTF-8 strings,
 * order-preserving signed integers, and JSON values.
 */
import type { Serde } from '../../../../schemas/serde.js';

/** UTF-8 strings; byte order equals code point order, so it preserves order. */
export const stringSerde: Serde<string> = {
  name: 'test-string',
  orderPreserving: true,
  serialize: (value) => Buffer.from(value, 'utf8'),
  deserialize: (data) => (data === null ? (null as unknown as string) : data.toString('utf8')),
};

/** Signed 32-bit integers, big-endian with the sign bit flipped so negatives sort first. */
export const int32Serde: Serde<number> = {
  name: 'test-int32',
  orderPreserving: true,
  serialize(value) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE((value ^ 0x80000000) >>> 0);
    return bytes;
  },
  deserialize(data) {
    if (data === null) return null as unknown as number;
    return (data.readUInt32BE(0) ^ 0x80000000) | 0;
  },
};

/** Any JSON value; not order-preserving. */
export function jsonSerde<T>(): Serde<T> {
  return {
    name: 'test-json',
    serialize: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
    deserialize: (data) => (data === null ? (null as T) : (JSON.parse(data.toString('utf8')) as T)),
  };
}

/** `[tenant, timestamp]` composite keys: length-prefixed tenant, then an order-preserving int64. */
export const compositeSerde: Serde<readonly [string, number]> = {
  name: 'test-composite',
  orderPreserving: true,
  serialize([tenant, timestamp]) {
    const name = Buffer.from(tenant, 'utf8');
    const bytes = Buffer.alloc(2 + name.length + 8);
    bytes.writeUInt16BE(name.length, 0);
    name.copy(bytes, 2);
    bytes.writeBigInt64BE(BigInt(timestamp), 2 + name.length);
    bytes[2 + name.length] = (bytes[2 + name.length] as number) ^ 0x80;
    return bytes;
  },
  deserialize(data) {
    if (data === null) return null as unknown as readonly [string, number];
    const length = data.readUInt16BE(0);
    const tenant = data.subarray(2, 2 + length).toString('utf8');
    const time = Buffer.from(data.subarray(2 + length));
    time[0] = (time[0] as number) ^ 0x80;
    return [tenant, Number(time.readBigInt64BE(0))] as const;
  },
};
