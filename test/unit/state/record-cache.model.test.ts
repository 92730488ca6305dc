/**
 * The instance-wide record cache against plain maps: several tasks, each with key-value (in memory and on
 * RocksDB) and window stores, share a budget small enough that every task evicts all the time, while a
 * task joins midway and shrinks everyone's share. Reads must always agree with the model, every task must
 * stay within its share, evictions may only write a task's own entries through its own context, and what
 * the flush listeners forwarded (and the changelogs hold) must end as the model.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskCache } from '../../../state/cache/task-cache.js';
import {
  type KeyValueStore,
  type MeteredKeyValueStore,
  type MeteredWindowStore,
  Stores,
  ThreadCache,
  type WindowStore,
} from '../../../state/index.js';
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

const BUDGET = 6_000;
const KEY_STORES = ['counts', 'totals'] as const;

/** One task: its cache share, context, stores, the model of each store and what each forwarded. */
interface ModelTask {
  readonly id: string;
  readonly cache: TaskCache;
  readonly context: TestContext;
  readonly kv: Record<(typeof KEY_STORES)[number], KeyValueStore<number, string>>;
  readonly windows: WindowStore<number, string>;
  readonly model: Map<string, Map<string, string>>;
  readonly forwarded: Map<string, Map<string, string | undefined>>;
}

describe('record cache shared by several tasks and stores, against plain maps', () => {
  let cleanup: () => Promise<void>;
  let dir: string;
  let threadCache: ThreadCache;
  const tasks: ModelTask[] = [];

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    dir = temp.dir;
    threadCache = new ThreadCache(BUDGET);
  });

  afterEach(async () => {
    for (const task of tasks.splice(0)) {
      for (const store of [task.kv.counts, task.kv.totals, task.windows]) await store.close();
      threadCache.removeTask(task.cache);
    }
    await cleanup();
  });

  async function openTask(id: string): Promise<ModelTask> {
    const cache = threadCache.addTask(id);
    const context = testContext(dir, id, cache);
    const counts = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore('counts'),
      int32Serde,
      stringSerde,
    )
      .withCachingEnabled()
      .build();
    const totals = Stores.keyValueStoreBuilder(
      Stores.persistentKeyValueStore('totals'),
      int32Serde,
      stringSerde,
    )
      .withCachingEnabled()
      .build();
    const windows = Stores.windowStoreBuilder(
      Stores.inMemoryWindowStore('windows', 1_000_000, 10, false),
      int32Serde,
      stringSerde,
    )
      .withCachingEnabled()
      .build();
    const model = new Map<string, Map<string, string>>();
    const forwarded = new Map<string, Map<string, string | undefined>>();
    for (const name of [...KEY_STORES, 'windows']) {
      model.set(name, new Map());
      forwarded.set(name, new Map());
    }
    const listen = (
      name: string,
      key: string,
      newValue: string | undefined,
      oldValue: string | undefined,
    ) => {
      const seen = forwarded.get(name)!;
      // The old value is what the store held below, i.e. what downstream saw last for the key.
      expect(oldValue).toBe(seen.get(key));
      seen.set(key, newValue);
    };
    for (const store of [counts, totals]) {
      await store.init(context);
      expect(
        (store as MeteredKeyValueStore<number, string>).setFlushListener((key, newValue, oldValue) =>
          listen(store.name, String(key), newValue, oldValue),
        ),
      ).toBe(true);
    }
    await windows.init(context);
    (windows as MeteredWindowStore<number, string>).setFlushListener((key, newValue, oldValue) =>
      listen('windows', `${key.key}@${key.window.start}`, newValue, oldValue),
    );
    const task = { id, cache, context, kv: { counts, totals }, windows, model, forwarded };
    tasks.push(task);
    return task;
  }

  /** The runtime's commit: the task's cache first (forwarding), then its stores. */
  async function commit(task: ModelTask): Promise<void> {
    task.cache.flush();
    for (const store of [task.kv.counts, task.kv.totals, task.windows]) await store.flush();
  }

  it('agrees on every read, keeps every task within its share, and forwards and logs the model', async () => {
    const random = generator(17);
    await openTask('0_0');
    await openTask('0_1');
    for (let step = 0; step < 4_000; step++) {
      if (step === 1_500) {
        await openTask('0_2');
        for (const task of tasks) expect(task.cache.maxBytes).toBe(Math.floor(BUDGET / 3));
      }
      const task = tasks[Math.floor(random() * tasks.length)]!;
      task.context.timestamp = step;
      const key = Math.floor(random() * 60);
      const value = `v${step}-${'x'.repeat(Math.floor(random() * 40))}`;
      const dice = random();
      const wrote = dice < 0.38 || (dice >= 0.5 && dice < 0.8);
      if (dice < 0.5) {
        const name = KEY_STORES[Math.floor(random() * KEY_STORES.length)]!;
        const store = task.kv[name];
        const model = task.model.get(name)!;
        if (dice < 0.3) {
          store.put(key, value);
          model.set(String(key), value);
        } else if (dice < 0.38) {
          expect(store.delete(key)).toBe(model.get(String(key)));
          model.delete(String(key));
        } else if (dice < 0.46) {
          expect(store.get(key)).toBe(model.get(String(key)));
        } else {
          const expected = [...model.entries()]
            .map(([k, v]) => [Number(k), v] as const)
            .filter(([k]) => k >= key && k <= key + 10)
            .sort(([a], [b]) => a - b);
          expect([...store.range(key, key + 10)].map((kv) => [kv.key, kv.value])).toEqual(expected);
        }
      } else if (dice < 0.95) {
        const start = Math.floor(random() * 20) * 10;
        const model = task.model.get('windows')!;
        if (dice < 0.8) {
          task.windows.put(key, value, start);
          model.set(`${key}@${start}`, value);
        } else {
          expect(task.windows.fetch(key, start)).toBe(model.get(`${key}@${start}`));
        }
      } else {
        await commit(task);
      }
      // A write makes its own task evict, down to the task's (possibly just shrunk) share.
      if (wrote) expect(task.cache.sizeBytes).toBeLessThanOrEqual(task.cache.maxBytes);
    }
    for (const task of tasks) await commit(task);

    const stats = threadCache.statistics();
    expect(stats.tasks).toBe(3);
    expect(stats.evictions).toBeGreaterThan(500);
    expect(stats.hits).toBeGreaterThan(0);
    expect(stats.sizeBytes).toBeLessThanOrEqual(BUDGET);
    for (const task of tasks) {
      for (const [name, model] of task.model) {
        // Downstream saw the model's final state: the last value forwarded per key, nothing for deleted keys.
        const seen = [...task.forwarded.get(name)!].filter(([, v]) => v !== undefined);
        expect(new Map(seen), `${task.id}/${name}`).toEqual(model);
      }
      // Each task's changelog holds its own stores' writes only, and replays to its own model.
      for (const name of KEY_STORES) {
        const replica = Stores.keyValueStoreBuilder(
          Stores.inMemoryKeyValueStore(`replica-${name}`),
          int32Serde,
          stringSerde,
        )
          .withLoggingDisabled()
          .build();
        await replica.init(testContext(dir, task.id));
        replica.restoreBatch(
          task.context.sent
            .filter((r) => r.store === name)
            .map((r, offset) => ({ key: r.key, value: r.value, offset, timestamp: r.timestamp })),
        );
        expect(new Map([...replica.all()].map((kv) => [String(kv.key), kv.value]))).toEqual(
          task.model.get(name),
        );
        await replica.close();
      }
      expect(new Set(task.context.sent.map((r) => r.store))).toEqual(new Set([...KEY_STORES, 'windows']));
    }
  });
});
