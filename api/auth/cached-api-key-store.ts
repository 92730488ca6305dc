/**
 * Caches key look-ups for a short time, known and unknown keys alike, so that a request costs no
 * database round trip and a flood of made-up keys cannot turn into a flood of queries. A revoked key
 * stops working within the TTL (30 s by default).
 */
import type { ApiKeyStore, Principal } from './api-keys.js';

/** Wraps a store with a TTL cache of at most `maxEntries` hashes. */
export class CachedApiKeyStore implements ApiKeyStore {
  readonly #inner: ApiKeyStore;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { principal: Principal | undefined; expires: number }>();

  constructor(inner: ApiKeyStore, options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  async find(keyHash: string): Promise<Principal | undefined> {
    const now = this.#now();
    const cached = this.#entries.get(keyHash);
    if (cached !== undefined && cached.expires > now) return cached.principal;
    const principal = await this.#inner.find(keyHash);
    // Insertion order is age order: drop the oldest when full.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.delete(keyHash);
    this.#entries.set(keyHash, { principal, expires: now + this.#ttlMs });
    return principal;
  }
}
