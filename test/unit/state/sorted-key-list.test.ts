import { describe, expect, it } from 'vitest';
import { SortedKeyList } from '../../../state/memory/sorted-key-list.js';

/** A small deterministic generator, so a failure reproduces. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('SortedKeyList', () => {
  it('matches a sorted reference through many inserts, removals and range reads across chunk splits', () => {
    const random = generator(42);
    const list = new SortedKeyList();
    const reference = new Set<string>();
    for (let step = 0; step < 20_000; step++) {
      const key = String(Math.floor(random() * 8_000)).padStart(5, '0');
      if (random() < 0.7) {
        if (!reference.has(key)) {
          list.insert(key);
          reference.add(key);
        }
      } else {
        list.remove(key);
        reference.delete(key);
      }
    }
    const sorted = [...reference].sort();
    expect(list.size).toBe(sorted.length);
    expect(list.range()).toEqual(sorted);
    expect(list.range('01000', '02000')).toEqual(sorted.filter((k) => k >= '01000' && k <= '02000'));
    expect(list.range('01000', '02000', true)).toEqual(sorted.filter((k) => k >= '01000' && k < '02000'));
    expect(list.range('99999')).toEqual([]);
    expect(list.range(undefined, '00100')).toEqual(sorted.filter((k) => k <= '00100'));
  });

  it('ignores removal of absent keys and empties cleanly', () => {
    const list = new SortedKeyList();
    list.remove('x');
    list.insert('b');
    list.insert('a');
    list.remove('c');
    expect(list.range()).toEqual(['a', 'b']);
    list.remove('a');
    list.remove('b');
    expect(list.size).toBe(0);
    expect(list.range()).toEqual([]);
    list.insert('z');
    expect(list.range()).toEqual(['z']);
  });
});
