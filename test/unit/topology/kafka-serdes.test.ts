import { describe, expect, it } from 'vitest';
import { type Serde, SerdeError } from '../../../schemas/serde.js';
import { Serdes } from '../../../topology/serdes/index.js';

const ctx = { topic: 'testTopic', isKey: false };

// The values are those of Kafka's own serializer test (clients/.../serialization/SerializationTest.java);
// the bytes are what Kafka's serializers write for them (big-endian two's complement, IEEE 754 big-endian,
// UTF-8), worked out with Python's `struct` module rather than with the code under test.
// test/integration/serdes/kafka-java-serdes.test.ts checks the same against Kafka's Java classes.
const VECTORS: ReadonlyArray<[string, () => Serde<unknown>, unknown, string]> = [
  ['Short', Serdes.Short, 32767, '7fff'],
  ['Short', Serdes.Short, -32768, '8000'],
  ['Integer', Serdes.Integer, 423412424, '193cc2c8'],
  ['Integer', Serdes.Integer, -41243432, 'fd8aacd8'],
  ['Long', Serdes.Long, 2 ** 53 - 1, '001fffffffffffff'],
  ['Long', Serdes.Long, -1, 'ffffffffffffffff'],
  ['LongAsBigInt', Serdes.LongAsBigInt, 922337203685477580n, '0ccccccccccccccc'],
  ['LongAsBigInt', Serdes.LongAsBigInt, -922337203685477581n, 'f333333333333333'],
  // Java's 5678567.12312f is 5678567.0 in single precision.
  ['Float', Serdes.Float, 5678567, '4aad4bce'],
  ['Float', Serdes.Float, -5678567, 'caad4bce'],
  ['Double', Serdes.Double, 5678567.12312, '4155a979c7e132b5'],
  ['Double', Serdes.Double, -5678567.12341, 'c155a979c7e5f30e'],
  ['String', Serdes.String, 'my string', '6d7920737472696e67'],
  ['ByteArray', Serdes.ByteArray, Buffer.from('my string'), '6d7920737472696e67'],
  [
    'UUID',
    Serdes.UUID,
    '123e4567-e89b-12d3-a456-426614174000',
    Buffer.from('123e4567-e89b-12d3-a456-426614174000').toString('hex'),
  ],
];

describe("Kafka's serdes", () => {
  it.each(VECTORS)(
    '%s writes and reads the bytes of Kafka’s serializer for %s',
    (_name, make, value, hex) => {
      const serde = make();
      expect(serde.serialize(value, ctx)?.toString('hex')).toBe(hex);
      expect(serde.deserialize(Buffer.from(hex, 'hex'), ctx)).toEqual(value);
    },
  );

  it('keeps null as null both ways, as every Kafka serde does', () => {
    for (const make of [...new Set(VECTORS.map(([, make]) => make)), Serdes.Void]) {
      const serde = make() as Serde<unknown>;
      expect(serde.serialize(null, ctx)).toBeNull();
      expect(serde.deserialize(null, ctx)).toBeNull();
    }
  });

  it('refuses payloads of the wrong size with a decode error, as Kafka’s deserializers do', () => {
    const sizes: Array<[() => Serde<unknown>, number]> = [
      [Serdes.Short, 2],
      [Serdes.Integer, 4],
      [Serdes.Long, 8],
      [Serdes.LongAsBigInt, 8],
      [Serdes.Float, 4],
      [Serdes.Double, 8],
    ];
    for (const [make, size] of sizes) {
      for (const wrong of [0, size - 1, size + 1]) {
        const decode = () => make().deserialize(Buffer.alloc(wrong), ctx);
        expect(decode).toThrow(SerdeError);
        expect(decode).toThrow(`expects ${size} bytes`);
      }
    }
  });

  it('refuses values the layout cannot hold instead of wrapping or rounding them', () => {
    const encode = (serde: Serde<unknown>, value: unknown) => () => serde.serialize(value, ctx);
    expect(encode(Serdes.Short(), 32768)).toThrow(SerdeError);
    expect(encode(Serdes.Integer(), 2 ** 31)).toThrow(SerdeError);
    expect(encode(Serdes.Integer(), 1.5)).toThrow(SerdeError);
    expect(encode(Serdes.Long(), 2 ** 53)).toThrow('Serdes.LongAsBigInt()');
    expect(encode(Serdes.LongAsBigInt(), 2n ** 63n)).toThrow(SerdeError);
    expect(encode(Serdes.UUID(), 'not-a-uuid')).toThrow(SerdeError);
    // A Long beyond 2^53 - 1 from a Java producer is refused as a number, read exactly as a bigint.
    const big = Buffer.from('0ccccccccccccccc', 'hex');
    expect(() => Serdes.Long().deserialize(big, ctx)).toThrow('Serdes.LongAsBigInt()');
    expect(Serdes.LongAsBigInt().deserialize(big, ctx)).toBe(922337203685477580n);
  });

  it('writes UUIDs in the lower case of Java’s UUID.toString()', () => {
    const bytes = Serdes.UUID().serialize('123E4567-E89B-12D3-A456-426614174000', ctx);
    expect(bytes?.toString('utf8')).toBe('123e4567-e89b-12d3-a456-426614174000');
    expect(() => Serdes.UUID().deserialize(Buffer.from('123e4567'), ctx)).toThrow(SerdeError);
  });

  it('keeps NaN and the infinities through Double and Float', () => {
    for (const make of [Serdes.Double, Serdes.Float]) {
      const serde = make();
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(serde.deserialize(serde.serialize(value, ctx), ctx)).toBe(value);
      }
    }
    // Java's Double.doubleToLongBits(NaN): the canonical quiet NaN.
    expect(Serdes.Double().serialize(Number.NaN, ctx)?.toString('hex')).toBe('7ff8000000000000');
  });

  it('keeps the sortable serdes under their old names too', () => {
    expect(Serdes.number().serialize(1, ctx)).toEqual(Serdes.sortableNumber().serialize(1, ctx));
    expect(Serdes.int32().serialize(-1, ctx)).toEqual(Serdes.sortableInt32().serialize(-1, ctx));
    // The sortable layout is not Kafka's: -1 as an Integer is ffffffff, as a sortable int32 7fffffff.
    expect(Serdes.sortableInt32().serialize(-1, ctx)?.toString('hex')).toBe('7fffffff');
    expect(Serdes.Integer().serialize(-1, ctx)?.toString('hex')).toBe('ffffffff');
  });
});
