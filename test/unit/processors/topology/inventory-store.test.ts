import { describe, expect, it } from 'vitest';
import {
  monthKey,
  rateOn,
  soldOn,
  soldPerDaySerde,
  storedNights,
  writeNights,
} from '../../../../processors/topology/inventory-store.js';
import type { KeyValue, KeyValueStore } from '../../../../state/store.js';

/** A map-backed store with the reads and writes the layout uses, counting the writes. */
function mapStore() {
  const entries = new Map<string, Int32Array>();
  let writes = 0;
  const store = {
    get: (key: string) => entries.get(key),
    put: (key: string, value: Int32Array) => {
      writes++;
      entries.set(key, value);
    },
    putAll: (all: KeyValue<string, Int32Array>[]) => {
      for (const { key, value } of all) store.put(key, value);
    },
  } as unknown as KeyValueStore<string, Int32Array>;
  return { store, entries, writes: () => writes };
}

describe('the inventory store layout (one entry per room type and month)', () => {
  it('keeps the nights of a month in one entry and a stay across months in two', () => {
    const { store, entries, writes } = mapStore();
    writeNights(store, 'P', [
      { roomTypeCode: 'STD', night: '2026-08-30', value: 2 },
      { roomTypeCode: 'STD', night: '2026-08-31', value: 3 },
      { roomTypeCode: 'STD', night: '2026-09-01', value: 1 },
    ]);
    expect(writes()).toBe(2);
    expect([...entries.keys()].sort()).toEqual(['P|STD|2026-08', 'P|STD|2026-09']);
    expect(soldOn(store, 'P', 'STD', '2026-08-31')).toBe(3);
    expect(soldOn(store, 'P', 'STD', '2026-09-01')).toBe(1);
    expect(soldOn(store, 'P', 'STD', '2026-09-02')).toBe(0);
    expect(soldOn(store, 'P', 'STE', '2026-08-31')).toBe(0);
    const before = entries.get(monthKey('P', 'STD', '2026-08-01'))!;
    writeNights(store, 'P', [{ roomTypeCode: 'STD', night: '2026-08-30', value: 0 }]);
    expect(before[29]).toBe(2); // a stored value is never changed in place
    expect(soldOn(store, 'P', 'STD', '2026-08-30')).toBe(0);
    expect(soldOn(store, 'P', 'STD', '2026-08-31')).toBe(3);
  });

  it('lists every night of the stored months by night key, empty nights and real dates only', () => {
    const february = new Int32Array(31);
    february[27] = 4;
    const nights = storedNights([{ key: 'P|STD|2027-02', value: february }]);
    expect(nights.size).toBe(28);
    expect(nights.get('P|STD|2027-02-28')).toBe(4);
    expect(nights.get('P|STD|2027-02-01')).toBe(0);
  });

  it('serializes 4 bytes per day up to the last day sold, and reads back 31 days', () => {
    const serde = soldPerDaySerde();
    const context = { topic: 't', isKey: false };
    const days = new Int32Array(31);
    days[0] = 1;
    days[2] = 70_000;
    const bytes = serde.serialize(days, context)!;
    expect(bytes.length).toBe(12);
    expect([...serde.deserialize(bytes, context)]).toEqual([...days]);
    expect(serde.serialize(new Int32Array(31), context)!.length).toBe(4);
    expect([...serde.deserialize(serde.serialize(new Int32Array(31), context), context)]).toEqual(
      Array(31).fill(0),
    );
  });

  it('reads a rate of the month layout, undefined where none was set (the base rate applies)', () => {
    const { store } = mapStore();
    writeNights(store, 'P', [{ roomTypeCode: 'STD', night: '2026-08-10', value: 15_480 }]);
    expect(rateOn(store, 'P', 'STD', '2026-08-10')).toBe(15_480);
    expect(rateOn(store, 'P', 'STD', '2026-08-11')).toBeUndefined();
    expect(rateOn(store, 'P', 'STD', '2026-09-10')).toBeUndefined();
  });
});
