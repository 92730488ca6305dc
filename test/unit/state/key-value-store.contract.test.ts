import { describe, expect, it } from 'vitest';
import type { Serde } from '../../../schemas/serde.js';
import { type KeyValueStore, StateStoreError, Stores } from '../../../state/index.js';
import { compositeSerde, int32Serde, jsonSerde, stringSerde } from './support/serdes.js';
import { type StoreSetup, storeHarness, storeSetups } from './support/stores.js';

describe.each(storeSetups)('key-value store contract: $label', (setup: StoreSetup) => {
  const stores = storeHarness(setup);

  function open<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>, name = 'kv'): Promise<KeyValueStore<K, V>> {
    const supplier = setup.persistent
      ? Stores.persistentKeyValueStore(name)
      : Stores.inMemoryKeyValueStore(name);
    return stores.open(Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde));
  }

  it('gets, puts, overwrites and deletes', async () => {
    const store = await open(stringSerde, jsonSerde<{ n: number }>());
    expect(store.get('a')).toBeUndefined();
    store.put('a', { n: 1 });
    expect(store.get('a')).toEqual({ n: 1 });
    store.put('a', { n: 2 });
    expect(store.get('a')).toEqual({ n: 2 });
    expect(store.delete('a')).toEqual({ n: 2 });
    expect(store.get('a')).toBeUndefined();
    expect(store.delete('a')).toBeUndefined();
  });

  it('putIfAbsent writes only absent keys and returns the existing value', async () => {
    const store = await open(stringSerde, stringSerde);
    expect(store.putIfAbsent('k', 'first')).toBeUndefined();
    expect(store.putIfAbsent('k', 'second')).toBe('first');
    expect(store.get('k')).toBe('first');
  });

  it('putAll writes every entry', async () => {
    const store = await open(int32Serde, stringSerde);
    store.putAll([
      { key: 3, value: 'c' },
      { key: 1, value: 'a' },
      { key: 2, value: 'b' },
    ]);
    expect([1, 2, 3].map((k) => store.get(k))).toEqual(['a', 'b', 'c']);
  });

  it('scans ranges of signed integers in numeric order, bounds inclusive', async () => {
    const store = await open(int32Serde, int32Serde);
    const keys = [7, -3, 0, 2147483647, -2147483648, 5, -1, 1, 42, -100];
    for (const key of keys) store.put(key, key >> 1);
    const sorted = [...keys].sort((a, b) => a - b);
    expect([...store.all()].map((kv) => kv.key)).toEqual(sorted);
    expect([...store.range(-3, 5)].map((kv) => kv.key)).toEqual([-3, -1, 0, 1, 5]);
    expect([...store.range(undefined, -1)].map((kv) => kv.key)).toEqual([-2147483648, -100, -3, -1]);
    expect([...store.range(8)].map((kv) => kv.value)).toEqual([21, 1073741823]);
    expect([...store.range(3, 4)]).toEqual([]);
  });

  it('scans composite (tenant, timestamp) keys in tenant then time order, negatives first', async () => {
    const store = await open(compositeSerde, stringSerde);
    const times = [1_700_000_000_000, -5, 0, 86_400_000, 1];
    for (const t of times) {
      store.put(['hotel-b', t], `b@${t}`);
      store.put(['hotel-a', t], `a@${t}`);
    }
    const a = [...store.range(['hotel-a', -10], ['hotel-a', 86_400_000])].map((kv) => kv.key[1]);
    expect(a).toEqual([-5, 0, 1, 86_400_000]);
    const all = [...store.all()].map((kv) => `${kv.key[0]}:${kv.key[1]}`);
    expect(all.slice(0, 5)).toEqual([-5, 0, 1, 86_400_000, 1_700_000_000_000].map((t) => `hotel-a:${t}`));
    expect(all.slice(5)).toHaveLength(5);
  });

  it('prefix-scans keys by their encoded prefix', async () => {
    const store = await open(stringSerde, stringSerde);
    for (const key of ['b', 'abc', 'a', 'ab', 'ac', 'a\u00ff', 'ba']) store.put(key, key.toUpperCase());
    expect([...store.prefixScan('ab')].map((kv) => kv.key)).toEqual(['ab', 'abc']);
    expect([...store.prefixScan('a')].map((kv) => kv.key)).toEqual(['a', 'ab', 'abc', 'ac', 'a\u00ff']);
    expect([...store.prefixScan('z')]).toEqual([]);
  });

  it('reads its own writes in gets and scans before any flush', async () => {
    const store = await open(stringSerde, stringSerde);
    store.put('a', '1');
    store.put('b', '2');
    await store.flush();
    store.put('c', '3');
    store.put('a', '1b');
    store.delete('b');
    expect(store.get('a')).toBe('1b');
    expect(store.get('b')).toBeUndefined();
    expect([...store.all()].map((kv) => `${kv.key}=${kv.value}`)).toEqual(['a=1b', 'c=3']);
    await store.flush();
    expect([...store.all()].map((kv) => `${kv.key}=${kv.value}`)).toEqual(['a=1b', 'c=3']);
  });

  it('peeks the next key without advancing', async () => {
    const store = await open(stringSerde, stringSerde);
    store.put('x', '1');
    store.put('y', '2');
    const iterator = store.all();
    expect(iterator.peekNextKey()).toBe('x');
    expect(iterator.next().value).toEqual({ key: 'x', value: '1' });
    expect(iterator.peekNextKey()).toBe('y');
    iterator.close();
  });

  it('reports an iterator left open when the store closes, naming the store', async () => {
    const store = await open(stringSerde, stringSerde, 'leaky-store');
    store.put('a', '1');
    store.put('b', '2');
    const iterator = store.all();
    iterator.next();
    await expect(store.close()).rejects.toMatchObject({
      code: 'STRM_ERR_STORE_ITERATOR_LEAK',
      message: expect.stringContaining('"leaky-store"'),
    });
    expect(store.isOpen()).toBe(false);
    expect(() => iterator.next()).toThrow(StateStoreError);
  });

  it('does not count closed, exhausted or early-exited iterators as leaks', async () => {
    const store = await open(stringSerde, stringSerde);
    for (const key of ['a', 'b', 'c']) store.put(key, key);
    store.range('a', 'b').close();
    expect([...store.prefixScan('b')]).toHaveLength(1);
    for (const entry of store.all()) {
      if (entry.key === 'b') break;
    }
    {
      using iterator = store.all();
      iterator.next();
    }
    await expect(store.close()).resolves.toBeUndefined();
  });

  it('rejects use after close with a coded error', async () => {
    const store = await open(stringSerde, stringSerde);
    await store.close();
    expect(() => store.get('a')).toThrow(expect.objectContaining({ code: 'STRM_ERR_STORE_NOT_OPEN' }));
  });

  it('restores changelog records without logging them', async () => {
    const store = await open(stringSerde, stringSerde);
    store.restoreBatch([
      { key: Buffer.from('a'), value: Buffer.from('1'), offset: 0, timestamp: 10 },
      { key: Buffer.from('b'), value: Buffer.from('2'), offset: 1, timestamp: 11 },
      { key: Buffer.from('a'), value: null, offset: 2, timestamp: 12 },
    ]);
    await store.flush();
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBe('2');
    expect(stores.context.sent).toEqual([]);
  });

  it('counts entries approximately and reports statistics', async () => {
    const store = await open(int32Serde, stringSerde);
    for (let i = 0; i < 50; i++) store.put(i, 'v'.repeat(100));
    store.get(1);
    await store.flush();
    expect(store.approximateNumEntries()).toBeGreaterThan(0);
    const stats = (
      store as unknown as { statistics(): import('../../../state/index.js').StoreStatistics }
    ).statistics();
    expect(stats.operations.put?.count).toBe(50);
    expect(stats.operations.get?.count).toBe(1);
    expect(stats.storeName).toBe('kv');
    expect(stats.persistent).toBe(setup.persistent);
    expect(stats.cache !== undefined).toBe(setup.caching);
  });

  it.runIf(setup.logging)('logs writes to the changelog (once per key per flush when cached)', async () => {
    const store = await open(stringSerde, stringSerde, 'logged');
    stores.context.timestamp = 1000;
    for (let i = 0; i < 10; i++) store.put('hot', `v${i}`);
    store.put('cold', 'c');
    store.delete('cold');
    await store.flush();
    const sent = stores.context.sent.map((r) => `${r.store}:${r.key}=${r.value === null ? 'null' : r.value}`);
    if (setup.caching) {
      expect(sent).toEqual(['logged:hot=v9']);
    } else {
      expect(sent).toEqual([
        ...Array.from({ length: 10 }, (_, i) => `logged:hot=v${i}`),
        'logged:cold=c',
        'logged:cold=null',
      ]);
    }
    expect(stores.context.sent.every((r) => r.timestamp === 1000)).toBe(true);
  });

  it.runIf(!setup.logging)('sends nothing to the changelog when logging is off', async () => {
    const store = await open(stringSerde, stringSerde);
    store.put('a', '1');
    await store.flush();
    expect(stores.context.sent).toEqual([]);
  });

  it.runIf(setup.persistent && !setup.caching)(
    'applies buffered writes when closed without a flush',
    async () => {
      const store = await open(int32Serde, int32Serde, 'buffered');
      for (let i = 0; i < 2_500; i++) store.put(i, -i);
      store.delete(7);
      await store.close();
      const again = await open(int32Serde, int32Serde, 'buffered');
      expect(again.get(2_499)).toBe(-2_499);
      expect(again.get(7)).toBeUndefined();
      expect([...again.all()]).toHaveLength(2_499);
    },
  );

  it.runIf(setup.persistent)('keeps its data across close and reopen', async () => {
    const store = await open(stringSerde, stringSerde, 'durable');
    store.put('a', '1');
    await store.flush();
    await store.close();
    const again = await open(stringSerde, stringSerde, 'durable');
    expect(again.get('a')).toBe('1');
  });
});
