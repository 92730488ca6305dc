import { describe, expect, it } from 'vitest';
import { Stores, type Windowed, type WindowStore } from '../../../state/index.js';
import { int32Serde, stringSerde } from './support/serdes.js';
import { type StoreSetup, storeHarness, storeSetups } from './support/stores.js';

const SIZE = 1_000;
const RETENTION = 10_000;
const SEGMENT = 2_000;

function windowsOf<K, V>(entries: Iterable<{ key: Windowed<K>; value: V }>): string[] {
  return [...entries].map(
    ({ key, value }) => `${String(key.key)}@${key.window.start}-${key.window.end}=${String(value)}`,
  );
}

describe.each(storeSetups)('window store contract: $label', (setup: StoreSetup) => {
  const stores = storeHarness(setup);

  function open<K, V>(
    keySerde: import('../../../schemas/serde.js').Serde<K>,
    valueSerde: import('../../../schemas/serde.js').Serde<V>,
    options: { name?: string; retainDuplicates?: boolean } = {},
  ): Promise<WindowStore<K, V>> {
    const name = options.name ?? 'windows';
    const duplicates = options.retainDuplicates ?? false;
    const supplier = setup.persistent
      ? Stores.persistentWindowStore(name, RETENTION, SIZE, duplicates, SEGMENT)
      : Stores.inMemoryWindowStore(name, RETENTION, SIZE, duplicates, SEGMENT);
    return stores.open(Stores.windowStoreBuilder(supplier, keySerde, valueSerde));
  }

  it('puts, fetches, overwrites and deletes a window', async () => {
    const store = await open(stringSerde, int32Serde);
    store.put('a', 1, 0);
    store.put('a', 2, 0);
    store.put('a', 3, 1_000);
    expect(store.fetch('a', 0)).toBe(2);
    expect(store.fetch('a', 1_000)).toBe(3);
    expect(store.fetch('b', 0)).toBeUndefined();
    store.put('a', null, 0);
    expect(store.fetch('a', 0)).toBeUndefined();
  });

  it('fetches the windows of one key by start time, oldest first, across segments', async () => {
    const store = await open(stringSerde, int32Serde);
    for (const start of [5_000, 0, 3_000, 1_000, 7_000]) {
      store.put('a', start, start);
      store.put('ab', -start | 0, start);
      store.put('a\u0000', 7, start);
      store.put('', 1, start);
    }
    const starts = [...store.fetchRange('a', 1_000, 5_000)].map((kv) => kv.key);
    expect(starts).toEqual([1_000, 3_000, 5_000]);
    expect([...store.fetchRange('ab', 0, 99_999)].map((kv) => kv.value)).toEqual([
      0, -1_000, -3_000, -5_000, -7_000,
    ]);
    expect([...store.fetchRange('a', 8_000, 9_000)]).toEqual([]);
    expect([...store.fetchRange('a\u0000', 7_000, 7_000)].map((kv) => kv.value)).toEqual([7]);
    // A key that is a prefix of another sorts first; a zero byte inside a key keeps its place.
    const keys = [...store.fetchKeyRange('', 'ab', 7_000, 7_000)].map((kv) => kv.key.key);
    expect(keys).toEqual(['', 'a', 'a\u0000', 'ab']);
  });

  it('fetches windows of a key range and all windows in a time range', async () => {
    const store = await open(stringSerde, int32Serde);
    for (const key of ['d', 'b', 'a', 'c', 'bb']) store.put(key, 1, 2_000);
    store.put('b', 2, 3_000);
    expect(windowsOf(store.fetchKeyRange('b', 'c', 0, 5_000))).toEqual([
      'b@2000-3000=1',
      'b@3000-4000=2',
      'bb@2000-3000=1',
      'c@2000-3000=1',
    ]);
    expect(windowsOf(store.fetchAll(3_000, 3_000))).toEqual(['b@3000-4000=2']);
    expect(windowsOf(store.all())).toHaveLength(6);
  });

  it('orders windows with negative keys and timestamps numerically', async () => {
    const store = await open(int32Serde, stringSerde);
    for (const key of [3, -7, 0, -1]) store.put(key, `k${key}`, 100);
    expect(windowsOf(store.fetchKeyRange(-7, 0, 0, 200)).map((w) => w.split('@')[0])).toEqual([
      '-7',
      '-1',
      '0',
    ]);
  });

  it('drops windows that fall out of retention as stream time advances', async () => {
    const store = await open(stringSerde, int32Serde);
    store.put('a', 1, 0);
    store.put('a', 2, 4_000);
    store.put('a', 3, 9_000);
    expect([...store.fetchRange('a', 0, 20_000)].map((kv) => kv.key)).toEqual([0, 4_000, 9_000]);
    store.put('a', 4, 14_000); // stream time 14s: windows at or before 4s have expired
    expect([...store.fetchRange('a', 0, 20_000)].map((kv) => kv.key)).toEqual([9_000, 14_000]);
    expect(store.fetch('a', 0)).toBeUndefined();
    store.put('a', 5, 1_000); // too late: dropped
    expect(store.fetch('a', 1_000)).toBeUndefined();
    await store.flush();
    expect(windowsOf(store.all())).toEqual(['a@9000-10000=3', 'a@14000-15000=4']);
    const stats = (
      store as unknown as { statistics(): import('../../../state/index.js').StoreStatistics }
    ).statistics();
    expect(stats.droppedExpiredRecords).toBe(1);
  });

  it('retains duplicates when asked to', async () => {
    const store = await open(stringSerde, int32Serde, { retainDuplicates: true });
    store.put('a', 1, 500);
    store.put('a', 2, 500);
    store.put('a', 3, 600);
    expect([...store.fetchRange('a', 0, 1_000)].map((kv) => `${kv.key}=${kv.value}`)).toEqual([
      '500=1',
      '500=2',
      '600=3',
    ]);
  });

  it('reports an open iterator when closed', async () => {
    const store = await open(stringSerde, int32Serde, { name: 'leaky-windows' });
    store.put('a', 1, 0);
    store.put('a', 2, 1_000);
    const iterator = store.fetchRange('a', 0, 5_000);
    iterator.next();
    await expect(store.close()).rejects.toMatchObject({ code: 'STRM_ERR_STORE_ITERATOR_LEAK' });
  });

  it('restores from changelog records, dropping expired ones', async () => {
    const source = await open(stringSerde, int32Serde, { name: 'src' });
    stores.context.timestamp = 42;
    source.put('a', 1, 0);
    source.put('a', 2, 12_000);
    source.put('b', 3, 12_000);
    await source.flush();
    if (!setup.logging) return;
    const records = stores.context.sent.map((r, offset) => ({
      key: r.key,
      value: r.value,
      offset,
      timestamp: r.timestamp,
    }));
    const target = await open(stringSerde, int32Serde, { name: 'dst' });
    target.restoreBatch(records);
    expect(windowsOf(target.all())).toEqual(['a@12000-13000=2', 'b@12000-13000=3']);
  });

  it.runIf(setup.logging && setup.caching)(
    'flushes one changelog record and one listener call per window',
    async () => {
      const store = await open(stringSerde, int32Serde);
      const flushed: string[] = [];
      expect(
        (
          store as unknown as import('../../../state/index.js').CachedStateStore<Windowed<string>, number>
        ).setFlushListener((key, newValue, oldValue) =>
          flushed.push(`${key.key}@${key.window.start}:${oldValue}->${newValue}`),
        ),
      ).toBe(true);
      for (let i = 1; i <= 5; i++) store.put('hot', i, 1_000);
      store.put('cold', 9, 2_000);
      expect(stores.context.sent).toHaveLength(0);
      await store.flush();
      expect(stores.context.sent).toHaveLength(2);
      expect(flushed).toEqual(['hot@1000:undefined->5', 'cold@2000:undefined->9']);
      store.put('hot', 6, 1_000);
      await store.flush();
      expect(flushed.at(-1)).toBe('hot@1000:5->6');
    },
  );

  it.runIf(setup.persistent)('recovers its stream time and data after a reopen', async () => {
    const store = await open(stringSerde, int32Serde, { name: 'durable-windows' });
    store.put('a', 1, 2_000);
    store.put('a', 2, 30_000);
    await store.flush();
    await store.close();
    const again = await open(stringSerde, int32Serde, { name: 'durable-windows' });
    expect(again.fetch('a', 30_000)).toBe(2);
    // Stream time 30s was recovered: the window at 2s is expired even though nothing new was written.
    expect(again.fetch('a', 2_000)).toBeUndefined();
  });
});
