import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KeyValueStore, Stores } from '../../../state/index.js';
import { type TestContext, tempStateDir, testContext } from './support/context.js';
import { int32Serde, stringSerde } from './support/serdes.js';

/** A small deterministic generator, so a failure reproduces. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const setups = [false, true].flatMap((persistent) =>
  [undefined, 600].map((cacheBytes) => ({
    label: `${persistent ? 'rocksdb' : 'in-memory'}${cacheBytes === undefined ? '' : ` + ${cacheBytes}-byte cache`}`,
    persistent,
    cacheBytes,
  })),
);

describe.each(setups)('key-value store against a reference map: $label', ({ persistent, cacheBytes }) => {
  let cleanup: () => Promise<void>;
  let context: TestContext;
  let store: KeyValueStore<number, string>;

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    context = testContext(temp.dir);
    const supplier = persistent
      ? Stores.persistentKeyValueStore('model')
      : Stores.inMemoryKeyValueStore('model');
    const builder = Stores.keyValueStoreBuilder(supplier, int32Serde, stringSerde);
    store = (cacheBytes === undefined ? builder : builder.withCachingEnabled(cacheBytes)).build();
    await store.init(context);
  });

  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('agrees on every read through random writes, deletes, batches, scans and flushes', async () => {
    const random = generator(persistent ? 7 : 11);
    const reference = new Map<number, string>();
    const key = () => Math.floor(random() * 200) - 100;
    const expectedRange = (from: number, to: number) =>
      [...reference.entries()].filter(([k]) => k >= from && k <= to).sort(([a], [b]) => a - b);
    for (let step = 0; step < 3_000; step++) {
      const dice = random();
      if (dice < 0.4) {
        const k = key();
        const v = `v${step}`;
        store.put(k, v);
        reference.set(k, v);
      } else if (dice < 0.55) {
        const k = key();
        expect(store.delete(k)).toBe(reference.get(k));
        reference.delete(k);
      } else if (dice < 0.6) {
        const entries = Array.from({ length: 5 }, (_, i) => ({ key: key(), value: `b${step}.${i}` }));
        store.putAll(entries);
        for (const { key: k, value } of entries) reference.set(k, value);
      } else if (dice < 0.65) {
        const k = key();
        const existing = reference.get(k);
        expect(store.putIfAbsent(k, `p${step}`)).toBe(existing);
        if (existing === undefined) reference.set(k, `p${step}`);
      } else if (dice < 0.85) {
        const k = key();
        expect(store.get(k)).toBe(reference.get(k));
      } else if (dice < 0.97) {
        const a = key();
        const b = key();
        const [from, to] = a <= b ? [a, b] : [b, a];
        expect([...store.range(from, to)].map((kv) => [kv.key, kv.value])).toEqual(expectedRange(from, to));
      } else {
        await store.flush();
      }
    }
    expect([...store.all()].map((kv) => [kv.key, kv.value])).toEqual(expectedRange(-1000, 1000));

    // Replaying the changelog into an empty store rebuilds exactly the same state.
    await store.flush();
    const replica = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore('replica'),
      int32Serde,
      stringSerde,
    )
      .withLoggingDisabled()
      .build();
    await replica.init(context);
    replica.restoreBatch(
      context.sent.map((r, offset) => ({ key: r.key, value: r.value, offset, timestamp: r.timestamp })),
    );
    expect([...replica.all()].map((kv) => [kv.key, kv.value])).toEqual(expectedRange(-1000, 1000));
    await replica.close();
  });
});
