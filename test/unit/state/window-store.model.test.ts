import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Stores, type WindowStore } from '../../../state/index.js';
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

const RETENTION = 5_000;
const KEYS = ['', 'a', 'ab', 'a\u0000', 'b'];

const setups = [false, true].flatMap((persistent) =>
  [false, true].map((caching) => ({
    label: `${persistent ? 'rocksdb' : 'in-memory'}${caching ? ' + cache' : ''}`,
    persistent,
    caching,
  })),
);

describe.each(setups)('window store against a reference model: $label', ({ persistent, caching }) => {
  let cleanup: () => Promise<void>;
  let context: TestContext;
  let store: WindowStore<string, number>;

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    context = testContext(temp.dir);
    const supplier = persistent
      ? Stores.persistentWindowStore('model-windows', RETENTION, 100, false, 1_000)
      : Stores.inMemoryWindowStore('model-windows', RETENTION, 100, false, 1_000);
    const builder = Stores.windowStoreBuilder(supplier, stringSerde, int32Serde);
    store = (caching ? builder.withCachingEnabled(2_000) : builder).build();
    await store.init(context);
  });

  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('agrees on fetches while stream time advances and windows expire', async () => {
    const random = generator(persistent ? 3 : 5);
    const reference = new Map<string, { key: string; start: number; value: number }>();
    let observed = Number.NEGATIVE_INFINITY;
    const live = () => [...reference.values()].filter((w) => w.start > observed - RETENTION);
    for (let step = 0; step < 2_000; step++) {
      const dice = random();
      // Time mostly moves forward, with late records up to 6 s behind.
      const start = Math.max(0, Math.floor(step * 10 - random() * 6_000 * (random() < 0.2 ? 1 : 0)));
      const key = KEYS[Math.floor(random() * KEYS.length)] as string;
      if (dice < 0.6) {
        const value = step;
        store.put(key, value, start);
        observed = Math.max(observed, start);
        if (start > observed - RETENTION) reference.set(`${key}|${start}`, { key, start, value });
      } else if (dice < 0.7) {
        store.put(key, null, start);
        observed = Math.max(observed, start);
        reference.delete(`${key}|${start}`);
      } else if (dice < 0.85) {
        const from = start - 3_000;
        const expected = live()
          .filter((w) => w.key === key && w.start >= from && w.start <= start)
          .sort((a, b) => a.start - b.start)
          .map((w) => [w.start, w.value]);
        expect([...store.fetchRange(key, from, start)].map((kv) => [kv.key, kv.value])).toEqual(expected);
      } else if (dice < 0.97) {
        const from = start - 2_000;
        const expected = live()
          .filter((w) => w.start >= from && w.start <= start)
          .map((w) => `${w.key}|${w.start}=${w.value}`)
          .sort();
        const actual = [...store.fetchAll(from, start)].map(
          (kv) => `${kv.key.key}|${kv.key.window.start}=${kv.value}`,
        );
        expect(actual.sort()).toEqual(expected);
      } else {
        await store.flush();
      }
    }
  });
});
