import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachedStateStore,
  isCachedStateStore,
  isMeteredStore,
  type KeyValueStore,
  Stores,
  ThreadCache,
} from '../../../state/index.js';
import { type TestContext, tempStateDir, testContext } from './support/context.js';
import { int32Serde, stringSerde } from './support/serdes.js';

describe.each([false, true])('record cache (persistent: %s)', (persistent) => {
  let cleanup: () => Promise<void>;
  let context: TestContext;
  let store: KeyValueStore<string, number> & CachedStateStore<string, number>;
  let flushed: string[];

  async function open(cacheBytes?: number): Promise<void> {
    const supplier = persistent
      ? Stores.persistentKeyValueStore('cached')
      : Stores.inMemoryKeyValueStore('cached');
    store = Stores.keyValueStoreBuilder(supplier, stringSerde, int32Serde)
      .withCachingEnabled(cacheBytes)
      .build();
    await store.init(context);
    flushed = [];
    store.setFlushListener((key, newValue, oldValue, timestamp) =>
      flushed.push(`${key}:${oldValue}->${newValue}@${timestamp}`),
    );
  }

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    context = testContext(temp.dir);
  });

  afterEach(async () => {
    await store?.close().catch(() => undefined);
    await cleanup();
  });

  it('forwards the latest value per key once per flush, with the value it replaced', async () => {
    await open();
    for (let i = 1; i <= 100; i++) {
      context.timestamp = i;
      store.put('hot', i);
    }
    context.timestamp = 200;
    store.put('other', 7);
    expect(flushed).toEqual([]);
    expect(context.sent).toEqual([]);
    await store.flush();
    expect(flushed).toEqual(['hot:undefined->100@100', 'other:undefined->7@200']);
    expect(context.sent.map((r) => [r.key.toString(), r.timestamp])).toEqual([
      ['hot', 100],
      ['other', 200],
    ]);
    context.timestamp = 300;
    store.put('hot', 101);
    store.delete('other');
    await store.flush();
    expect(flushed.slice(2)).toEqual(['hot:100->101@300', 'other:7->undefined@300']);
    expect(context.sent.at(-1)?.value).toBeNull();
    await store.flush();
    expect(flushed).toHaveLength(4);
  });

  it('reports the stored value as old value across several read-modify-writes between flushes', async () => {
    await open();
    store.put('count', 1);
    await store.flush();
    for (let i = 0; i < 3; i++) store.put('count', (store.get('count') ?? 0) + 1);
    store.put('fresh', (store.get('fresh') ?? 0) + 1);
    await store.flush();
    expect(flushed.slice(1)).toEqual(['count:1->4@0', 'fresh:undefined->1@0']);
  });

  it('neither writes nor forwards a key created and deleted between flushes', async () => {
    await open();
    store.put('ephemeral', 1);
    store.delete('ephemeral');
    await store.flush();
    expect(flushed).toEqual([]);
    expect(context.sent).toEqual([]);
  });

  it('evicts least recently used dirty entries below when full, before the commit', async () => {
    await open(1_000); // about ten entries
    for (let i = 0; i < 50; i++) store.put(`key-${String(i).padStart(2, '0')}`, i);
    expect(flushed.length).toBeGreaterThan(30);
    expect(flushed[0]).toBe('key-00:undefined->0@0');
    for (let i = 0; i < 50; i++) expect(store.get(`key-${String(i).padStart(2, '0')}`)).toBe(i);
    await store.flush();
    expect(new Set(flushed.map((f) => f.split(':')[0])).size).toBe(50);
    const stats = isMeteredStore(store) ? store.statistics() : undefined;
    expect(stats?.cache?.evictions).toBeGreaterThan(0);
    expect(stats?.cache?.sizeBytes).toBeLessThanOrEqual(1_000);
  });

  it('never evicts on a read: a miss is cached only into free room (reads also come from interactive queries)', async () => {
    await open(1_000); // about ten entries
    for (let i = 0; i < 20; i++) store.put(`below-${String(i).padStart(2, '0')}`, i);
    await store.flush();
    flushed = [];
    context.sent.length = 0;
    // Fill the budget with dirty entries, then read every key below: nothing may be written or forwarded.
    let written = 0;
    while (flushed.length === 0 && written < 100) store.put(`dirty-${written++}`, 1);
    flushed = [];
    context.sent.length = 0;
    store.put(`dirty-${written}`, 1); // the cache is full now: a write evicts (and is allowed to)
    const evictedByWrite = flushed.length;
    for (let i = 0; i < 20; i++) expect(store.get(`below-${String(i).padStart(2, '0')}`)).toBe(i);
    expect(flushed).toHaveLength(evictedByWrite);
    expect(context.sent).toHaveLength(evictedByWrite);
  });

  it('counts hits and misses', async () => {
    await open();
    store.put('a', 1);
    await store.flush();
    store.get('a');
    store.get('a');
    store.get('nope');
    const stats = isMeteredStore(store) ? store.statistics() : undefined;
    expect(stats?.cache).toMatchObject({ hits: 2, misses: 1 });
  });

  it('discards unflushed writes on close (a dirty close must not write uncommitted state)', async () => {
    await open();
    store.put('committed', 1);
    await store.flush();
    store.put('uncommitted', 2);
    await store.close();
    context.sent.length = 0;
    await open();
    expect(store.get('committed')).toBe(persistent ? 1 : undefined);
    expect(store.get('uncommitted')).toBeUndefined();
  });
});

describe('flush listener without caching', () => {
  it('reports that caching is off so the caller forwards writes itself', () => {
    const store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore('plain'),
      stringSerde,
      int32Serde,
    ).build();
    expect(isCachedStateStore(store)).toBe(true);
    expect(store.setFlushListener(() => undefined)).toBe(false);
  });
});

describe('instance-wide record cache', () => {
  let cleanup: () => Promise<void>;
  let dir: string;
  const opened: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    dir = temp.dir;
  });

  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    await cleanup();
  });

  async function cachedStore(context: TestContext, name = 'shared') {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), stringSerde, int32Serde)
      .withCachingEnabled()
      .build();
    await store.init(context);
    opened.push(store);
    return store;
  }

  it('divides its budget evenly among the tasks and re-divides when one is added or removed', () => {
    const cache = new ThreadCache(9_000);
    const first = cache.addTask('0_0');
    expect(first.maxBytes).toBe(9_000);
    const second = cache.addTask('0_1');
    const third = cache.addTask('1_0');
    expect([first.maxBytes, second.maxBytes, third.maxBytes]).toEqual([3_000, 3_000, 3_000]);
    cache.removeTask(second);
    expect([first.maxBytes, third.maxBytes]).toEqual([4_500, 4_500]);
    expect(cache.statistics()).toMatchObject({ tasks: 2, maxBytes: 9_000 });
  });

  it('evicts across the stores of one task, least recently used first, and never another task', async () => {
    const cache = new ThreadCache(2_000);
    const a = testContext(dir, '0_0', cache.addTask('0_0'));
    const b = testContext(dir, '0_1', cache.addTask('0_1'));
    const left = await cachedStore(a, 'left');
    const right = await cachedStore(a, 'right');
    const other = await cachedStore(b, 'left');
    const flushed: string[] = [];
    left.setFlushListener((key) => flushed.push(`left:${key}`));
    right.setFlushListener((key) => flushed.push(`right:${key}`));
    other.setFlushListener((key) => flushed.push(`other:${key}`));
    other.put('b-key', 1);
    for (let i = 0; i < 10; i++) {
      left.put(`l${i}`, i);
      right.put(`r${i}`, i);
    }
    // Task 0_0's share is 1,000 bytes: its oldest entries of both stores went below, in write order.
    expect(flushed.slice(0, 4)).toEqual(['left:l0', 'right:r0', 'left:l1', 'right:r1']);
    expect(flushed).not.toContain('other:b-key');
    expect(b.sent).toEqual([]);
    expect(new Set(a.sent.map((r) => r.store))).toEqual(new Set(['left', 'right']));
    expect(cache.statistics().evictions).toBe(flushed.length);
  });

  it('writes and forwards every update at once with a budget of 0 (caching off)', async () => {
    const context = testContext(dir, '0_0', new ThreadCache(0).addTask('0_0'));
    const store = await cachedStore(context);
    const flushed: string[] = [];
    store.setFlushListener((key, newValue, oldValue) => flushed.push(`${key}:${oldValue}->${newValue}`));
    store.put('k', 1);
    store.put('k', 2);
    expect(flushed).toEqual(['k:undefined->1', 'k:1->2']);
    expect(context.sent).toHaveLength(2);
    expect(store.get('k')).toBe(2);
  });
});
