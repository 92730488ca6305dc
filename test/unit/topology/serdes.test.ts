import { describe, expect, it } from 'vitest';
import { SerdeError } from '../../../schemas/serde.js';
import { Serdes } from '../../../topology/serdes/index.js';

const ctx = { topic: 't', isKey: true };

/** Sorts buffers by unsigned byte order, as RocksDB compares keys. */
function byteOrder(buffers: Buffer[]): Buffer[] {
  return [...buffers].sort(Buffer.compare);
}

describe('Serdes', () => {
  it('round-trips strings, JSON, numbers, int32 and bytes, and keeps null as a tombstone', () => {
    const cases: Array<[ReturnType<typeof Serdes.string | typeof Serdes.json>, unknown]> = [
      [Serdes.string(), 'héllo wörld'],
      [Serdes.json(), { a: [1, 'x', null], b: { c: true } }],
    ];
    for (const [serde, value] of cases) {
      const bytes = serde.serialize(value as never, ctx);
      expect(serde.deserialize(bytes, ctx)).toEqual(value);
      expect(serde.serialize(null as never, ctx)).toBeNull();
      expect(serde.deserialize(null, ctx)).toBeNull();
    }
    for (const n of [0, -0, 1, -1, 3.5, -1e300, Number.MAX_VALUE, -Infinity, Infinity, Number.MIN_VALUE]) {
      const number = Serdes.number();
      expect(number.deserialize(number.serialize(n, ctx), ctx)).toBe(n === 0 ? 0 : n);
    }
    for (const n of [0, 1, -1, 2147483647, -2147483648]) {
      const int32 = Serdes.int32();
      expect(int32.deserialize(int32.serialize(n, ctx), ctx)).toBe(n);
    }
    const buf = Buffer.from([0, 255, 7]);
    expect(Serdes.bytes().deserialize(Serdes.bytes().serialize(buf, ctx), ctx)).toEqual(buf);
    expect(Serdes.void().serialize(null, ctx)).toBeNull();
  });

  it('encodes numbers so that byte order equals numeric order', () => {
    const serde = Serdes.number();
    const values = [
      -Infinity,
      -1e20,
      -3.25,
      -1,
      -Number.MIN_VALUE,
      0,
      Number.MIN_VALUE,
      0.5,
      1,
      2,
      1e15,
      Infinity,
    ];
    const shuffled = [...values].reverse();
    const sorted = byteOrder(shuffled.map((v) => serde.serialize(v, ctx)!)).map((b) =>
      serde.deserialize(b, ctx),
    );
    expect(sorted).toEqual(values);
    expect(serde.orderPreserving).toBe(true);
  });

  it('encodes int32 so that byte order equals numeric order', () => {
    const serde = Serdes.int32();
    const values = [-2147483648, -65536, -1, 0, 1, 255, 256, 2147483647];
    const sorted = byteOrder([...values].reverse().map((v) => serde.serialize(v, ctx)!)).map((b) =>
      serde.deserialize(b, ctx),
    );
    expect(sorted).toEqual(values);
  });

  it('throws coded SerdeErrors that name the topic and the fix', () => {
    const json = Serdes.json<{ a: number }>();
    const bad = () => json.deserialize(Buffer.from('{not json'), { topic: 'orders', isKey: false });
    expect(bad).toThrow(SerdeError);
    expect(bad).toThrow(/value of topic "orders"/);
    try {
      bad();
    } catch (error) {
      expect((error as SerdeError).code).toBe('STRM_ERR_SERDE_DECODE');
      expect((error as SerdeError).retriable).toBe(false);
    }
    expect(() => Serdes.number().serialize(Number.NaN, ctx)).toThrow(/NaN/);
    expect(() => Serdes.int32().serialize(2 ** 31, ctx)).toThrow(/Serdes.sortableNumber/);
    expect(() => Serdes.number().deserialize(Buffer.alloc(3), ctx)).toThrow(/8 bytes/);
    expect(() => Serdes.string().serialize(5 as never, ctx)).toThrow(SerdeError);
    expect(() => Serdes.json().serialize(10n as never, ctx)).toThrow(/cannot encode/);
    expect(() => Serdes.bytes().serialize('x' as never, ctx)).toThrow(/Buffer/);
  });
});
