import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisIdempotencyStore } from '../../../api/reservations/idempotency.js';
import { endpoints, uniqueName } from '../../support/index.js';
import { idempotencyStoreContract } from '../../unit/api/idempotency-contract.js';

// The Redis store's claim and binding are Lua scripts: only a real Redis shows they keep the contract.
describe('RedisIdempotencyStore on the real Redis', () => {
  let redis: Redis;
  const prefixes: string[] = [];

  beforeAll(async () => {
    redis = new Redis(endpoints().redisUrl);
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    redis?.disconnect();
  });

  idempotencyStoreContract(async () => {
    const prefix = `${uniqueName('idem')}:`;
    prefixes.push(prefix);
    return {
      // A 1 s lease, so the contract can outlive it.
      store: new RedisIdempotencyStore(redis, prefix, 60, 1),
      outliveLease: () => new Promise((resolve) => setTimeout(resolve, 1_100)),
    };
  });

  it('keeps the binding for the retention TTL, not the lease', async () => {
    const prefix = `${uniqueName('idem')}:`;
    prefixes.push(prefix);
    const store = new RedisIdempotencyStore(redis, prefix, 120, 1);
    await store.claim('k', 'f', { eventId: 'e', at: 1 });
    const ttl = await redis.ttl(`${prefix}idempotency:k`);
    expect(ttl).toBeGreaterThan(60);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});
