import { describe, expect, it } from 'vitest';
import {
  compareBytes,
  prefixUpperBound,
  readOrderedInt64,
  readTerminated,
  terminatedLength,
  writeOrderedInt64,
  writeTerminated,
} from '../../../state/internal/bytes.js';

describe('key encoding helpers', () => {
  it('orders int64 encodings numerically, negatives first', () => {
    const values = [0, -1, 1, -(2 ** 53) + 1, 2 ** 53 - 1, 1_700_000_000_000, -86_400_000];
    const encoded = values.map((value) => {
      const bytes = Buffer.alloc(8);
      writeOrderedInt64(bytes, value, 0);
      return { value, bytes };
    });
    encoded.sort((a, b) => compareBytes(a.bytes, b.bytes));
    expect(encoded.map((e) => e.value)).toEqual([...values].sort((a, b) => a - b));
    for (const { value, bytes } of encoded) expect(readOrderedInt64(bytes, 0)).toBe(value);
  });

  it('computes the exclusive upper bound of a prefix', () => {
    expect(prefixUpperBound(Buffer.from([1, 2, 3]))).toEqual(Buffer.from([1, 2, 4]));
    expect(prefixUpperBound(Buffer.from([1, 0xff, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixUpperBound(Buffer.from([0xff]))).toBeUndefined();
    expect(prefixUpperBound(Buffer.alloc(0))).toBeUndefined();
  });

  it('escapes and terminates keys so a prefix key sorts before its extensions and round-trips', () => {
    const keys = [
      Buffer.from('b'),
      Buffer.from('a'),
      Buffer.from([0x61, 0x00]),
      Buffer.from('ab'),
      Buffer.alloc(0),
    ];
    const encoded = keys.map((key) => {
      const bytes = Buffer.alloc(terminatedLength(key) + 1, 0x80); // a suffix byte after the terminator
      const end = writeTerminated(bytes, key, 0);
      expect(readTerminated(bytes, 0, end - 1)).toEqual(key);
      return { key, bytes };
    });
    encoded.sort((a, b) => compareBytes(a.bytes, b.bytes));
    expect(encoded.map((e) => [...e.key])).toEqual([[], [0x61], [0x61, 0x00], [0x61, 0x62], [0x62]]);
  });
});
