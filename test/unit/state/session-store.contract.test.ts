import { describe, expect, it } from 'vitest';
import { type SessionStore, Stores, type Windowed } from '../../../state/index.js';
import { int32Serde, stringSerde } from './support/serdes.js';
import { type StoreSetup, storeHarness, storeSetups } from './support/stores.js';

const RETENTION = 10_000;
const GAP = 100;

function session(key: string, start: number, end: number): Windowed<string> {
  return { key, window: { start, end } };
}

function sessionsOf(entries: Iterable<{ key: Windowed<string>; value: number }>): string[] {
  return [...entries].map(({ key, value }) => `${key.key}[${key.window.start},${key.window.end}]=${value}`);
}

describe.each(storeSetups)('session store contract: $label', (setup: StoreSetup) => {
  const stores = storeHarness(setup);

  function open(name = 'sessions'): Promise<SessionStore<string, number>> {
    const supplier = setup.persistent
      ? Stores.persistentSessionStore(name, RETENTION, 2_000)
      : Stores.inMemorySessionStore(name, RETENTION, 2_000);
    return stores.open(Stores.sessionStoreBuilder(supplier, stringSerde, int32Serde));
  }

  /** What a session-windowed count does for a record of `key` at `time`: merge overlapping sessions. */
  function record(store: SessionStore<string, number>, key: string, time: number): void {
    let start = time;
    let end = time;
    let count = 1;
    const overlapping = [...store.findSessions(key, time - GAP, time + GAP)];
    for (const { key: existing, value } of overlapping) {
      start = Math.min(start, existing.window.start);
      end = Math.max(end, existing.window.end);
      count += value;
      store.remove(existing);
    }
    store.put(session(key, start, end), count);
  }

  it('puts, fetches and removes sessions', async () => {
    const store = await open();
    store.put(session('a', 10, 20), 1);
    expect(store.fetchSession('a', 10, 20)).toBe(1);
    expect(store.fetchSession('a', 10, 21)).toBeUndefined();
    store.remove(session('a', 10, 20));
    expect(store.fetchSession('a', 10, 20)).toBeUndefined();
  });

  it('finds sessions by end and start bounds, ordered by end', async () => {
    const store = await open();
    store.put(session('a', 0, 50), 1);
    store.put(session('a', 100, 300), 2);
    store.put(session('a', 2_500, 2_600), 3);
    store.put(session('ab', 100, 300), 9);
    expect(sessionsOf(store.findSessions('a', 60, 2_500))).toEqual(['a[100,300]=2', 'a[2500,2600]=3']);
    expect(sessionsOf(store.findSessions('a', 0, 99))).toEqual(['a[0,50]=1']);
    expect(sessionsOf(store.fetch('a'))).toHaveLength(3);
    expect(sessionsOf(store.fetch('ab'))).toEqual(['ab[100,300]=9']);
  });

  it('merges sessions the way a session-windowed aggregation does', async () => {
    const store = await open();
    for (const time of [0, 50, 500, 120, 560, 300]) record(store, 'guest', time);
    // 0,50,120 merge (gaps <= 100); 300 alone; 500,560 merge.
    expect(sessionsOf(store.fetch('guest'))).toEqual([
      'guest[0,120]=3',
      'guest[300,300]=1',
      'guest[500,560]=2',
    ]);
    record(store, 'guest', 210); // bridges [0,120] and [300,300]
    expect(sessionsOf(store.fetch('guest'))).toEqual(['guest[0,300]=5', 'guest[500,560]=2']);
    await store.flush();
    expect(sessionsOf(store.fetch('guest'))).toEqual(['guest[0,300]=5', 'guest[500,560]=2']);
  });

  it('expires sessions that ended before stream time minus retention', async () => {
    const store = await open();
    store.put(session('a', 0, 1_000), 1);
    store.put(session('a', 5_000, 6_000), 2);
    store.put(session('a', 15_000, 15_500), 3);
    expect(sessionsOf(store.fetch('a'))).toEqual(['a[5000,6000]=2', 'a[15000,15500]=3']);
    store.put(session('a', 0, 10), 4);
    expect(store.fetchSession('a', 0, 10)).toBeUndefined();
  });

  it('reports an open iterator when closed', async () => {
    const store = await open();
    store.put(session('a', 0, 1), 1);
    store.put(session('a', 5, 6), 1);
    store.findSessions('a', 0, 10).next();
    await expect(store.close()).rejects.toMatchObject({ code: 'STRM_ERR_STORE_ITERATOR_LEAK' });
  });

  it.runIf(setup.logging)('restores the logged sessions into another store', async () => {
    const store = await open('src');
    for (const time of [0, 50, 500]) record(store, 'k', time);
    await store.flush();
    const target = await open('dst');
    target.restoreBatch(
      stores.context.sent.map((r, offset) => ({
        key: r.key,
        value: r.value,
        offset,
        timestamp: r.timestamp,
      })),
    );
    expect(sessionsOf(target.fetch('k'))).toEqual(['k[0,50]=2', 'k[500,500]=1']);
  });
});
