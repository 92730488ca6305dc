/**
 * What every store builder shares: the name and persistence of its supplier, and the logging and caching
 * options (Kafka Streams' defaults for Processor API stores: logging on, caching off; the DSL turns caching
 * on for the stores it materializes), set fluently.
 */
import { StateStoreError } from '../errors.js';
import type { KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import { CachingKeyValueStore, DEFAULT_CACHE_MAX_BYTES } from '../layers/caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from '../layers/change-logging-key-value-store.js';
import type { ChangelogConfig, StateStore, StoreBuilder } from '../store.js';

/** The bytes stack a builder assembles, and its caching layer if there is one. */
export interface BytesStack {
  readonly store: KeyValueBytesStore;
  readonly cache?: CachingKeyValueStore;
}

/** Base of the key-value, window and session store builders. */
export abstract class AbstractStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  abstract readonly kind: 'keyValue' | 'window' | 'session';
  private logging = true;
  private topicConfig: ChangelogConfig = {};
  private caching = false;
  private cacheBytes = DEFAULT_CACHE_MAX_BYTES;

  constructor(
    readonly name: string,
    readonly persistent: boolean,
  ) {}

  get loggingEnabled(): boolean {
    return this.logging;
  }

  /** Topic configs for the changelog topic the runtime creates (the store kind may add defaults). */
  get changelogConfig(): ChangelogConfig {
    return this.topicConfig;
  }

  get cachingEnabled(): boolean {
    return this.caching;
  }

  /** The budget of a store opened without a task cache (see {@link withCachingEnabled}). */
  get cacheMaxBytes(): number {
    return this.cacheBytes;
  }

  /**
   * Turns the record cache on. Under the runtime and the TopologyTestDriver the store shares its task's
   * share of the instance-wide budget (`StreamsConfig.cacheMaxBytes`); `maxBytes` (default 10 MiB) is
   * the budget of a cache of its own, only for a store opened without one (a unit test, a tool).
   */
  withCachingEnabled(maxBytes: number = DEFAULT_CACHE_MAX_BYTES): this {
    if (!Number.isFinite(maxBytes) || maxBytes <= 0) {
      throw new StateStoreError(
        'STRM_ERR_STORE_INVALID_ARGUMENT',
        `State store "${this.name}": cache size must be a positive number of bytes, got ${maxBytes}`,
      );
    }
    this.caching = true;
    this.cacheBytes = maxBytes;
    return this;
  }

  withCachingDisabled(): this {
    this.caching = false;
    return this;
  }

  /** Turns change-logging on, with configs for the changelog topic (e.g. `min.insync.replicas`). */
  withLoggingEnabled(config: ChangelogConfig = {}): this {
    this.logging = true;
    this.topicConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.logging = false;
    this.topicConfig = {};
    return this;
  }

  abstract build(): S;

  /** Wraps an inner byte store in the change-logging and caching layers the options ask for. */
  protected stack(inner: KeyValueBytesStore): BytesStack {
    let store = inner;
    if (this.logging) store = new ChangeLoggingKeyValueStore(store);
    if (!this.caching) return { store };
    const cache = new CachingKeyValueStore(store, this.cacheBytes);
    return { store: cache, cache };
  }
}
