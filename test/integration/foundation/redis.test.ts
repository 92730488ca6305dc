import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../../support/index.js';

// Proves Redis is real: the API's rate limiter and idempotency keys will use these commands.
describe('Redis', () => {
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(endpoints().redisUrl, { lazyConnect: true });
    await redis.connect();
    const info = await redis.info('server');
    console.log(`Talking to Redis ${/redis_version:(\S+)/.exec(info)?.[1]} at ${endpoints().redisUrl}`);
  });

  afterAll(async () => {
    redis?.disconnect();
  });

  it('counts with INCR under an expiry and sets a key only once with SET NX', async () => {
    const counter = uniqueName('foundation:counter');
    const once = uniqueName('foundation:once');
    try {
      expect(await redis.incr(counter)).toBe(1);
      expect(await redis.incr(counter)).toBe(2);
      await redis.expire(counter, 60);
      const ttl = await redis.ttl(counter);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60);

      expect(await redis.set(once, 'first', 'EX', 60, 'NX')).toBe('OK');
      expect(await redis.set(once, 'second', 'EX', 60, 'NX')).toBeNull();
      expect(await redis.get(once)).toBe('first');
    } finally {
      await redis.del(counter, once);
    }
  });
});
