import type { Serde, SerdeContext } from '../../schemas/serde.js';
import { SerdeError } from '../../schemas/serde.js';
import { describeSlot } from './string-serde.js';

// The byte layouts of Kafka's own serializers (org.apache.kafka.common.serialization), so that a Java
// producer or consumer reads what these write and the other way round: fixed-width big-endian two's
// complement integers, IEEE 754 big-endian floating point, UUIDs as their 36-character string form. Unlike
// the sortable serdes, negative numbers sort after positive ones in byte order: use these on topics that
// other clients share, the sortable ones for keys that a store scans by range.

function encodeFailure(kind: string, value: unknown, context: SerdeContext, hint: string): SerdeError {
  return new SerdeError(
    'STRM_ERR_SERDE_ENCODE',
    `${kind} serde cannot encode ${String(value)} for ${describeSlot(context)}; ${hint}`,
  );
}

function checkSize(kind: string, size: number, data: Buffer, context: SerdeContext): void {
  if (data.length !== size) {
    throw new SerdeError(
      'STRM_ERR_SERDE_DECODE',
      `${kind} serde expects ${size} bytes for ${describeSlot(context)} but got ${data.length}, as Kafka's ${kind}Deserializer would refuse them; was it written by another serde?`,
    );
  }
}

/** A fixed-width integer serde: `size` bytes, big-endian two's complement, within `[min, max]`. */
function fixedInteger(
  kind: 'Short' | 'Integer',
  size: 2 | 4,
  write: (out: Buffer, value: number) => void,
  read: (data: Buffer) => number,
): Serde<number> {
  const max = 2 ** (size * 8 - 1) - 1;
  const min = -(2 ** (size * 8 - 1));
  return {
    name: kind,
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (!Number.isInteger(value) || value < min || value > max) {
        throw encodeFailure(kind, value, context, `pass an integer in [${min}, ${max}]`);
      }
      const out = Buffer.allocUnsafe(size);
      write(out, value);
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as number;
      checkSize(kind, size, data, context);
      return read(data);
    },
  };
}

/** Kafka's `Serdes.Short()`: 16-bit signed integers, 2 bytes big-endian. */
export function kafkaShortSerde(): Serde<number> {
  return fixedInteger(
    'Short',
    2,
    (out, value) => out.writeInt16BE(value, 0),
    (data) => data.readInt16BE(0),
  );
}

/** Kafka's `Serdes.Integer()`: 32-bit signed integers, 4 bytes big-endian. */
export function kafkaIntegerSerde(): Serde<number> {
  return fixedInteger(
    'Integer',
    4,
    (out, value) => out.writeInt32BE(value, 0),
    (data) => data.readInt32BE(0),
  );
}

/**
 * Kafka's `Serdes.Long()` as JavaScript numbers: 64-bit signed integers, 8 bytes big-endian. A number
 * holds integers exactly only up to 2^53 - 1, so larger values are refused both ways (never rounded);
 * use {@link kafkaLongBigIntSerde} for the whole range.
 */
export function kafkaLongSerde(): Serde<number> {
  return {
    name: 'Long',
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (!Number.isSafeInteger(value)) {
        throw encodeFailure(
          'Long',
          value,
          context,
          'pass a safe integer, or use Serdes.LongAsBigInt() for bigint',
        );
      }
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(BigInt(value), 0);
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as number;
      checkSize('Long', 8, data, context);
      const value = data.readBigInt64BE(0);
      if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `Long serde read ${value} for ${describeSlot(context)}, beyond the integers a number holds exactly; read it with Serdes.LongAsBigInt()`,
        );
      }
      return Number(value);
    },
  };
}

/** Kafka's `Serdes.Long()` as bigint: the whole 64-bit signed range, 8 bytes big-endian. */
export function kafkaLongBigIntSerde(): Serde<bigint> {
  return {
    name: 'Long',
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'bigint' || value !== BigInt.asIntN(64, value)) {
        throw encodeFailure('Long', value, context, 'pass a bigint within the signed 64-bit range');
      }
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(value, 0);
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as bigint;
      checkSize('Long', 8, data, context);
      return data.readBigInt64BE(0);
    },
  };
}

/** Kafka's `Serdes.Double()`: IEEE 754 double precision, 8 bytes big-endian. */
export function kafkaDoubleSerde(): Serde<number> {
  return {
    name: 'Double',
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'number') throw encodeFailure('Double', value, context, 'pass a number');
      const out = Buffer.allocUnsafe(8);
      out.writeDoubleBE(value, 0);
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as number;
      checkSize('Double', 8, data, context);
      return data.readDoubleBE(0);
    },
  };
}

/**
 * Kafka's `Serdes.Float()`: IEEE 754 single precision, 4 bytes big-endian. A number is rounded to the
 * nearest single-precision value, as Java's `(float)` cast does.
 */
export function kafkaFloatSerde(): Serde<number> {
  return {
    name: 'Float',
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'number') throw encodeFailure('Float', value, context, 'pass a number');
      const out = Buffer.allocUnsafe(4);
      out.writeFloatBE(value, 0);
      return out;
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as number;
      checkSize('Float', 4, data, context);
      return data.readFloatBE(0);
    },
  };
}

const UUID_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Kafka's `Serdes.UUID()`: a UUID as the UTF-8 bytes of its 36-character string form (what
 * `UUID.toString()` gives, lower case). Values are strings; anything not in that form is refused.
 */
export function kafkaUuidSerde(): Serde<string> {
  return {
    name: 'UUID',
    serialize(value, context) {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'string' || !UUID_FORM.test(value)) {
        throw encodeFailure('UUID', value, context, 'pass a UUID string such as crypto.randomUUID() returns');
      }
      return Buffer.from(value.toLowerCase(), 'utf8');
    },
    deserialize(data, context) {
      if (data === null) return null as unknown as string;
      const text = data.toString('utf8');
      if (!UUID_FORM.test(text)) {
        throw new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `UUID serde expects the 36-character string form of a UUID for ${describeSlot(context)}; was it written by another serde?`,
        );
      }
      return text.toLowerCase();
    },
  };
}
