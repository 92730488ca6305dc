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

  it('shares one look-up among concurrent misses of a key', async () => {
    const inner = new InMemoryApiKeyStore();
    const key = inner.add('site', 'booking');
    let asked = 0;
    let answer: (() => void) | undefined;
    const slow = {
      find: async (hash: string): Promise<Principal | undefined> => {
        asked++;
        await new Promise<void>((resolve) => {
          answer = resolve;
        });
        return inner.find(hash);
      },
    };
    const cache = new CachedApiKeyStore(slow);
    const finds = Array.from({ length: 50 }, () => cache.find(hashApiKey(key)));
    expect(asked).toBe(1);
    answer!();
    const principals = await Promise.all(finds);
    expect(principals.map((p) => p?.name)).toEqual(Array(50).fill('site'));
    expect(asked).toBe(1);
  });
});
