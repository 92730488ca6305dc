import { describe, expect, it } from 'vitest';
import { fetchRolledUp, Stores, validateRollUp } from '../../../state/index.js';
import { int32Serde, stringSerde } from './support/serdes.js';
import { type StoreSetup, storeHarness, storeSetups } from './support/stores.js';

const PART = 5;
const sum = (total: number | undefined, part: number) => (total ?? 0) + part;

describe.each(storeSetups)('fetchRolledUp: $label', (setup: StoreSetup) => {
  const stores = storeHarness(setup);

  async function parts(entries: ReadonlyArray<readonly [string, number, number]>) {
    const supplier = setup.persistent
      ? Stores.persistentWindowStore('parts', 1_000, PART, false, 100)
      : Stores.inMemoryWindowStore('parts', 1_000, PART, false, 100);
    const store = await stores.open(Stores.windowStoreBuilder(supplier, stringSerde, int32Serde));
    for (const [key, start, value] of entries) store.put(key, value, start);
    return store;
  }

  it('sums the parts of each hopping window, the same as aggregating every hopping window', async () => {
    // Parts of 5 ms; windows of 20 ms advancing by 10 ms.
    const store = await parts([
      ['a', 0, 1],
      ['a', 10, 2],
      ['a', 15, 4],
      ['a', 30, 8],
      ['b', 10, 100],
    ]);
    const windows = fetchRolledUp(store, 'a', { partSizeMs: PART, sizeMs: 20, advanceMs: 10 }, 0, 40, sum);
    // [0,20): 1+2+4, [10,30): 2+4, [20,40): 8, [30,50): 8, [40,60): nothing.
    expect(windows).toEqual([
      { key: 0, value: 7 },
      { key: 10, value: 6 },
      { key: 20, value: 8 },
      { key: 30, value: 8 },
    ]);
  });

  it('starts at the first window start in the range and leaves out windows with no part', async () => {
    const store = await parts([
      ['a', 0, 1],
      ['a', 25, 2],
    ]);
    const rollUp = { partSizeMs: PART, sizeMs: 10, advanceMs: 10 };
    expect(fetchRolledUp(store, 'a', rollUp, 1, 30, sum)).toEqual([{ key: 20, value: 2 }]);
    expect(fetchRolledUp(store, 'a', rollUp, 11, 19, sum)).toEqual([]);
    expect(fetchRolledUp(store, 'c', rollUp, 0, 100, sum)).toEqual([]);
  });
});

describe('validateRollUp', () => {
  it('accepts parts that tile the windows and refuses the others, naming the shapes', () => {
    expect(validateRollUp({ partSizeMs: 300_000, sizeMs: 3_600_000, advanceMs: 300_000 }).sizeMs).toBe(
      3_600_000,
    );
    expect(() => validateRollUp({ partSizeMs: 7, sizeMs: 20, advanceMs: 10 })).toThrow(
      /windows of 20 ms advancing by 10 ms cannot be rolled up from tumbling windows of 7 ms/,
    );
    expect(() => validateRollUp({ partSizeMs: 5, sizeMs: 10, advanceMs: 20 })).toThrow(RangeError);
    expect(() => validateRollUp({ partSizeMs: 0, sizeMs: 10, advanceMs: 10 })).toThrow(RangeError);
  });
});
