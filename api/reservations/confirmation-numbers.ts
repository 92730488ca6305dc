/**
 * Confirmation numbers `RSV-<year>-<sequence>`, unique across every API instance: the sequence of a
 * year is one Redis counter (`INCR <prefix>rsv:seq:<year>`), atomic on the server, so two instances never
 * get the same number. The year is the booking year in UTC.
 */
import type { Redis } from 'ioredis';
import { formatConfirmationNumber } from '../../processors/domain/confirmation-number.js';
import { UnavailableError } from '../errors.js';

/** Hands out confirmation numbers. */
export interface ConfirmationNumberAllocator {
  /** The next number for a booking made at `now` (epoch ms). */
  next(now: number): Promise<string>;
}

/** The Redis allocator used in production. */
export class RedisConfirmationNumbers implements ConfirmationNumberAllocator {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  async next(now: number): Promise<string> {
    const year = new Date(now).getUTCFullYear();
    let sequence: number;
    try {
      sequence = await this.#redis.incr(`${this.#prefix}rsv:seq:${year}`);
    } catch (error) {
      throw new UnavailableError('Redis (confirmation numbers)', error);
    }
    return formatConfirmationNumber(year, sequence);
  }
}

/** A counter in memory, for unit tests of one process. */
export class InMemoryConfirmationNumbers implements ConfirmationNumberAllocator {
  readonly #counters = new Map<number, number>();

  async next(now: number): Promise<string> {
    const year = new Date(now).getUTCFullYear();
    const sequence = (this.#counters.get(year) ?? 0) + 1;
    this.#counters.set(year, sequence);
    return formatConfirmationNumber(year, sequence);
  }
}
