/**
 * Caches key look-ups for a short time, known and unknown keys alike, so that a request costs no
 * database round trip and a flood of made-up keys cannot turn into a flood of queries. A revoked key
 * stops working within the TTL (30 s by default). Concurrent misses of one key share a single look-up:
 * under load every request in flight missed together when the entry expired, each queueing for a
 * Postgres connection (bench/RESULTS.md, bench:http profile).
 */
import type { ApiKeyStore, Principal } from './api-keys.js';

/** Wraps a store with a TTL cache of at most `maxEntries` hashes. */
export class CachedApiKeyStore implements ApiKeyStore {
  readonly #inner: ApiKeyStore;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { principal: Principal | undefined; expires: number }>();
  /** Look-ups under way: the requests that miss together share one (no query per request at expiry). */
  readonly #loading = new Map<string, Promise<Principal | undefined>>();

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
    let loading = this.#loading.get(keyHash);
    if (loading === undefined) {
      loading = this.#inner.find(keyHash).finally(() => this.#loading.delete(keyHash));
      this.#loading.set(keyHash, loading);
    }
    const principal = await loading;
    // Insertion order is age order: drop the oldest when full.
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.delete(keyHash);
    this.#entries.set(keyHash, { principal, expires: now + this.#ttlMs });
    return principal;
  }
}
