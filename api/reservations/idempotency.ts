/**
 * Idempotency-Key handling that survives a crash. The first request with a key claims it and, in the same
 * atomic step, binds the attempt: the event id and the request time its event will carry. A creation
 * also binds its confirmation number once ({@link IdempotencyStore.bindOnce}) before anything is
 * produced. A retry on any instance gets the same binding, so whatever it produces is the same event the
 * first attempt may already have produced, and the topology drops that duplicate (same confirmation
 * number, same event id): one key, one reservation, whatever died when.
 *
 * A claim holds a lease of {@link PENDING_LEASE_SECONDS}: while it runs, a retry gets 409 with
 * `Retry-After` (the first attempt may still be producing). Once the lease has run out (the first attempt
 * died, or failed with a server error, which ends the lease at once), a retry takes the claim over with the
 * same binding and finishes the work. The first answer is kept for the retention TTL and replayed; the same
 * key with a different request gets 422. Keys are scoped per API key, so two clients never meet.
 */
import type { Redis } from 'ioredis';
import { UnavailableError } from '../errors.js';

/** An answer kept for retries. */
export interface StoredAnswer {
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** What an attempt under a key is bound to: decided by the first attempt, reused by every retry. */
export interface AttemptBinding {
  /** The id of the event the attempt produces. */
  readonly eventId: string;
  /** The request time (epoch ms): the event's time and the clock its business rules were checked by. */
  readonly at: number;
}

/** What a claim found. */
export type ClaimResult =
  | {
      readonly kind: 'claimed';
      readonly binding: AttemptBinding;
      /** True when an earlier attempt's lease ran out and this one took its binding over. */
      readonly resumed: boolean;
    }
  | { readonly kind: 'in-progress'; readonly retryAfterSeconds: number }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'replay'; readonly answer: StoredAnswer };

/** Where claims, bindings and answers are kept. */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request with `fingerprint`, binding `proposal` when the key is new, or reports
   * what an earlier request left (its binding when its lease ran out).
   */
  claim(key: string, fingerprint: string, proposal: AttemptBinding): Promise<ClaimResult>;
  /**
   * The value bound under `name` for `key`: the first one bound, or the one `propose` makes when none is
   * yet (two racing attempts both propose; one value wins and both get it).
   */
  bindOnce(key: string, name: string, propose: () => Promise<string>): Promise<string>;
  /** Stores the answer of the claimed request. */
  complete(key: string, fingerprint: string, answer: StoredAnswer): Promise<void>;
  /**
   * Ends the lease of a request that failed without an answer worth keeping (a 5xx), so a retry runs at
   * once. The binding stays: the failed attempt may have produced its event before failing.
   */
  release(key: string): Promise<void>;
}

/**
 * How long a claim's lease lasts: a retry within it gets 409 and `Retry-After`. Longer than a healthy
 * attempt takes to produce (milliseconds; the producer's own retries give up within 30 s, which only makes
 * a takeover produce the same event twice, harmless); short so a client whose instance died waits little.
 */
export const PENDING_LEASE_SECONDS = 10;

// One Redis hash per key: f = fingerprint, b = binding (JSON), l = lease end (Redis server ms, so the
// clocks of the instances do not matter), a = answer (JSON, once complete), v:<name> = bound values.
const CLAIM = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local leaseEnd = string.format('%.0f', now + tonumber(ARGV[3]))
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'f', ARGV[1], 'b', ARGV[2], 'l', leaseEnd)
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
  return {'claimed', ARGV[2], '0'}
end
if redis.call('HGET', KEYS[1], 'f') ~= ARGV[1] then return {'mismatch'} end
local answer = redis.call('HGET', KEYS[1], 'a')
if answer then return {'replay', answer} end
local lease = tonumber(redis.call('HGET', KEYS[1], 'l') or '0')
if lease > now then return {'in-progress', tostring(lease - now)} end
redis.call('HSET', KEYS[1], 'l', leaseEnd)
return {'claimed', redis.call('HGET', KEYS[1], 'b'), '1'}
`;

// Binds a value once; the hash must exist (a claim made it), so an expired key is not recreated forever.
const BIND_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) end
return redis.call('HGET', KEYS[1], ARGV[1]) or ARGV[2]
`;

// Ends a lease, leaving the binding; a key that expired meanwhile is not recreated.
const END_LEASE = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'l', '0') end return 0`;

/** Redis-backed store (production): one hash per key, claimed and bound in one script. */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;
  readonly #leaseMs: number;

  /**
   * `ttlSeconds`: how long a key's binding and answer are kept (`IDEMPOTENCY_TTL_SECONDS`); `leaseSeconds`:
   * the pending claim's lease.
   */
  constructor(redis: Redis, keyPrefix: string, ttlSeconds: number, leaseSeconds = PENDING_LEASE_SECONDS) {
    this.#redis = redis;
    // Not the `idem:` strings of the earlier scheme: a hash under an old string key would be WRONGTYPE.
    this.#prefix = `${keyPrefix}idempotency:`;
    this.#ttlSeconds = ttlSeconds;
    this.#leaseMs = leaseSeconds * 1000;
  }

  async claim(key: string, fingerprint: string, proposal: AttemptBinding): Promise<ClaimResult> {
    let reply: string[];
    try {
      reply = (await this.#redis.eval(
        CLAIM,
        1,
        this.#prefix + key,
        fingerprint,
        JSON.stringify(proposal),
        this.#leaseMs,
        this.#ttlSeconds,
      )) as string[];
    } catch (error) {
      throw new UnavailableError('Redis (idempotency keys)', error);
    }
    const [kind, value, resumed] = reply;
    if (kind === 'claimed') {
      return { kind, binding: JSON.parse(value!) as AttemptBinding, resumed: resumed === '1' };
    }
    if (kind === 'in-progress') {
      return { kind, retryAfterSeconds: Math.max(1, Math.ceil(Number(value) / 1000)) };
    }
    if (kind === 'replay') return { kind, answer: JSON.parse(value!) as StoredAnswer };
    return { kind: 'mismatch' };
  }

  async bindOnce(key: string, name: string, propose: () => Promise<string>): Promise<string> {
    const field = `v:${name}`;
    try {
      const bound = await this.#redis.hget(this.#prefix + key, field);
      if (bound !== null) return bound;
    } catch (error) {
      throw new UnavailableError('Redis (idempotency keys)', error);
    }
    const proposed = await propose();
    try {
      return (await this.#redis.eval(BIND_ONCE, 1, this.#prefix + key, field, proposed)) as string;
    } catch (error) {
      throw new UnavailableError('Redis (idempotency keys)', error);
    }
  }

  async complete(key: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    // The answer is kept for the retention TTL from now (the binding with it).
    await this.#redis
      .multi()
      .hset(this.#prefix + key, 'f', fingerprint, 'a', JSON.stringify(answer))
      .expire(this.#prefix + key, this.#ttlSeconds)
      .exec();
  }

  async release(key: string): Promise<void> {
    await this.#redis.eval(END_LEASE, 1, this.#prefix + key);
  }
}

interface Entry {
  readonly fingerprint: string;
  readonly binding: AttemptBinding;
  leaseEnd: number;
  answer: StoredAnswer | null;
  readonly bound: Map<string, string>;
}

/** In-memory store without expiry, for unit tests; `now` is its clock (the leases' time). */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async claim(key: string, fingerprint: string, proposal: AttemptBinding): Promise<ClaimResult> {
    const now = this.#now();
    const existing = this.#entries.get(key);
    if (existing === undefined) {
      this.#entries.set(key, {
        fingerprint,
        binding: proposal,
        leaseEnd: now + PENDING_LEASE_SECONDS * 1000,
        answer: null,
        bound: new Map(),
      });
      return { kind: 'claimed', binding: proposal, resumed: false };
    }
    if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (existing.answer !== null) return { kind: 'replay', answer: existing.answer };
    if (existing.leaseEnd > now) {
      return {
        kind: 'in-progress',
        retryAfterSeconds: Math.max(1, Math.ceil((existing.leaseEnd - now) / 1000)),
      };
    }
    existing.leaseEnd = now + PENDING_LEASE_SECONDS * 1000;
    return { kind: 'claimed', binding: existing.binding, resumed: true };
  }

  async bindOnce(key: string, name: string, propose: () => Promise<string>): Promise<string> {
    const entry = this.#entries.get(key);
    const bound = entry?.bound.get(name);
    if (bound !== undefined) return bound;
    const proposed = await propose();
    const winner = entry?.bound.get(name) ?? proposed;
    entry?.bound.set(name, winner);
    return winner;
  }

  async complete(key: string, _fingerprint: string, answer: StoredAnswer): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) entry.answer = answer;
  }

  async release(key: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry !== undefined) entry.leaseEnd = 0;
  }
}
