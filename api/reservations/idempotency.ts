/**
 * Idempotency-Key handling. The first request with a key claims it (`SET NX` with a short TTL, so a
 * crashed request frees it), does its work and stores its answer under the key for the retention TTL; a
 * retry with the same key and the same request gets that answer back and produces nothing, a retry
 * while the first is still running gets 409, and the same key with a different request gets 422.
 * Keys are scoped per API key, so two clients can never see each other's answers.
 */
import type { Redis } from 'ioredis';
import { UnavailableError } from '../errors.js';

/** An answer kept for retries. */
export interface StoredAnswer {
  readonly statusCode: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a claim found. */
export type ClaimResult =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'replay'; readonly answer: StoredAnswer };

/** Where answers are kept. */
export interface IdempotencyStore {
  /** Claims `key` for a request with `fingerprint`, or reports what an earlier request left. */
  claim(key: string, fingerprint: string): Promise<ClaimResult>;
  /** Stores the answer of the claimed request. */
  complete(key: string, fingerprint: string, answer: StoredAnswer): Promise<void>;
  /** Frees a claim whose request failed without an answer worth keeping (a 5xx), so a retry runs again. */
  release(key: string): Promise<void>;
}

interface Entry {
  readonly fingerprint: string;
  readonly answer: StoredAnswer | null;
}

const PENDING_TTL_SECONDS = 60;

/** Redis-backed store (production). */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, keyPrefix: string, ttlSeconds: number) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}idem:`;
    this.#ttlSeconds = ttlSeconds;
  }

  async claim(key: string, fingerprint: string): Promise<ClaimResult> {
    const pending: Entry = { fingerprint, answer: null };
    try {
      const set = await this.#redis.set(
        this.#prefix + key,
        JSON.stringify(pending),
        'EX',
        PENDING_TTL_SECONDS,
        'NX',
      );
      if (set === 'OK') return { kind: 'claimed' };
      const existing = await this.#redis.get(this.#prefix + key);
      // Expired between the two calls: the earlier request gave up, so claim it again.
      if (existing === null) return this.claim(key, fingerprint);
      return judge(JSON.parse(existing) as Entry, fingerprint);
    } catch (error) {
      throw new UnavailableError('Redis (idempotency keys)', error);
    }
  }

  async complete(key: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    const entry: Entry = { fingerprint, answer };
    await this.#redis.set(this.#prefix + key, JSON.stringify(entry), 'EX', this.#ttlSeconds);
  }

  async release(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }
}

/** In-memory store without expiry, for unit tests. */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();

  async claim(key: string, fingerprint: string): Promise<ClaimResult> {
    const existing = this.#entries.get(key);
    if (existing === undefined) {
      this.#entries.set(key, { fingerprint, answer: null });
      return { kind: 'claimed' };
    }
    return judge(existing, fingerprint);
  }

  async complete(key: string, fingerprint: string, answer: StoredAnswer): Promise<void> {
    this.#entries.set(key, { fingerprint, answer });
  }

  async release(key: string): Promise<void> {
    this.#entries.delete(key);
  }
}

function judge(entry: Entry, fingerprint: string): ClaimResult {
  if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (entry.answer === null) return { kind: 'in-progress' };
  return { kind: 'replay', answer: entry.answer };
}
