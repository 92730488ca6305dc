import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SessionStore, Stores, type Windowed } from '../../../state/index.js';
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

const GAP = 50;
const RETENTION = 3_000;
const KEYS = ['a', 'ab', 'b'];

interface Session {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly count: number;
}

const setups = [false, true].flatMap((persistent) =>
  [false, true].map((caching) => ({
    label: `${persistent ? 'rocksdb' : 'in-memory'}${caching ? ' + cache' : ''}`,
    persistent,
    caching,
  })),
);

describe.each(setups)('session store against a reference model: $label', ({ persistent, caching }) => {
  let cleanup: () => Promise<void>;
  let context: TestContext;
  let store: SessionStore<string, number>;

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    context = testContext(temp.dir);
    const supplier = persistent
      ? Stores.persistentSessionStore('model-sessions', RETENTION, 500)
      : Stores.inMemorySessionStore('model-sessions', RETENTION, 500);
    const builder = Stores.sessionStoreBuilder(supplier, stringSerde, int32Serde);
    store = (caching ? builder.withCachingEnabled(1_500) : builder).build();
    await store.init(context);
  });

  afterEach(async () => {
    await store.close();
    await cleanup();
  });

  it('merges sessions like a session-windowed count, with expiry, and agrees with the model', async () => {
    const random = generator(persistent ? 13 : 17);
    let model: Session[] = [];
    let observed = Number.NEGATIVE_INFINITY;
    const live = (s: Session) => s.end > observed - RETENTION;
    for (let step = 0; step < 1_500; step++) {
      const key = KEYS[Math.floor(random() * KEYS.length)] as string;
      const time = Math.max(0, step * 7 - Math.floor(random() < 0.1 ? random() * 1_000 : random() * 60));

      // The store: find overlapping sessions, remove them, put the merged one.
      let start = time;
      let end = time;
      let count = 1;
      for (const { key: found, value } of [...store.findSessions(key, time - GAP, time + GAP)]) {
        start = Math.min(start, found.window.start);
        end = Math.max(end, found.window.end);
        count += value;
        store.remove(found);
      }
      const merged: Windowed<string> = { key, window: { start, end } };
      store.put(merged, count);

      // The model: the same merge over its own list.
      const overlapping = model.filter(
        (s) => s.key === key && live(s) && s.end >= time - GAP && s.start <= time + GAP,
      );
      const mStart = Math.min(time, ...overlapping.map((s) => s.start));
      const mEnd = Math.max(time, ...overlapping.map((s) => s.end));
      const mCount = 1 + overlapping.reduce((sum, s) => sum + s.count, 0);
      model = model.filter((s) => !overlapping.includes(s));
      observed = Math.max(observed, mEnd);
      if (live({ key, start: mStart, end: mEnd, count: mCount }))
        model.push({ key, start: mStart, end: mEnd, count: mCount });

      if (step % 100 === 99) await store.flush();
      if (step % 50 === 0) {
        for (const k of KEYS) {
          const expected = model
            .filter((s) => s.key === k && live(s))
            .sort((a, b) => a.end - b.end || a.start - b.start)
            .map((s) => `${s.start}-${s.end}=${s.count}`);
          const actual = [...store.fetch(k)].map(
            (kv) => `${kv.key.window.start}-${kv.key.window.end}=${kv.value}`,
          );
          expect(actual).toEqual(expected);
        }
      }
    }
  });
});
