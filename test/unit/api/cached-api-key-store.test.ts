import { describe, expect, it } from 'vitest';
import { hashApiKey, InMemoryApiKeyStore, type Principal } from '../../../api/auth/api-keys.js';
import { CachedApiKeyStore } from '../../../api/auth/cached-api-key-store.js';

describe('CachedApiKeyStore', () => {
  it('asks the store once per hash per TTL, for known and unknown keys, and forgets the oldest when full', async () => {
    const inner = new InMemoryApiKeyStore();
    const key = inner.add('site', 'booking');
    const asked: string[] = [];
    const counting = {
      find: async (hash: string): Promise<Principal | undefined> => {
        asked.push(hash);
        return inner.find(hash);
      },
    };
    let now = 0;
    const cache = new CachedApiKeyStore(counting, { ttlMs: 1_000, maxEntries: 2, now: () => now });
    const known = hashApiKey(key);
    const unknown = hashApiKey('sk_nope');
    expect((await cache.find(known))?.name).toBe('site');
    expect((await cache.find(known))?.role).toBe('booking');
    expect(await cache.find(unknown)).toBeUndefined();
    expect(await cache.find(unknown)).toBeUndefined();
    expect(asked).toEqual([known, unknown]);
    now = 1_000; // expired
    await cache.find(known);
    expect(asked).toEqual([known, unknown, known]);
    await cache.find(hashApiKey('sk_third')); // evicts the oldest entry (unknown)
    await cache.find(unknown);
    expect(asked.filter((h) => h === unknown)).toHaveLength(2);
  });
});
