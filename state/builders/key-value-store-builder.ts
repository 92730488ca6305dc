/**
 * Builds typed key-value stores from a byte-store supplier and two serdes, stacking the layers the options
 * ask for: metered (always) over caching (optional) over change-logging (optional) over the inner store.
 */
import type { Serde } from '../../schemas/serde.js';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from '../internal/key-value-bytes-store.js';
import { CachingKeyValueStore, DEFAULT_CACHE_MAX_BYTES } from '../layers/caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from '../layers/change-logging-key-value-store.js';
import { MeteredKeyValueStore } from '../layers/metered-key-value-store.js';
import type { ChangelogConfig, KeyValueStore, StoreBuilder } from '../store.js';
import { StoreOptions } from './store-options.js';

/**
 * A {@link StoreBuilder} of key-value stores. Logging is on and caching off by default, as in Kafka
 * Streams' `Stores.keyValueStoreBuilder`; the options methods return the builder for chaining.
 *
 * @example
 * const counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), stringSerde, numberSerde)
 *   .withCachingEnabled()
 *   .withLoggingEnabled({ 'min.insync.replicas': '2' });
 */
export class KeyValueStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
  readonly kind = 'keyValue' as const;
  private readonly options = new StoreOptions();

  constructor(
    private readonly supplier: KeyValueBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {}

  get name(): string {
    return this.supplier.name;
  }

  get persistent(): boolean {
    return this.supplier.persistent;
  }

  get loggingEnabled(): boolean {
    return this.options.loggingEnabled;
  }

  get changelogConfig(): ChangelogConfig {
    return this.options.changelogConfig;
  }

  get cachingEnabled(): boolean {
    return this.options.cachingEnabled;
  }

  /** The record cache size in bytes, when caching is on. */
  get cacheMaxBytes(): number {
    return this.options.cacheMaxBytes;
  }

  /** Turns the record cache on (`maxBytes` defaults to 10 MiB). */
  withCachingEnabled(maxBytes: number = DEFAULT_CACHE_MAX_BYTES): this {
    this.options.enableCaching(this.name, maxBytes);
    return this;
  }

  withCachingDisabled(): this {
    this.options.cachingEnabled = false;
    return this;
  }

  /** Turns change-logging on, with topic configs for the changelog topic the runtime creates. */
  withLoggingEnabled(config: ChangelogConfig = {}): this {
    this.options.loggingEnabled = true;
    this.options.changelogConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.options.loggingEnabled = false;
    this.options.changelogConfig = {};
    return this;
  }

  /** A new store for one task. */
  build(): MeteredKeyValueStore<K, V> {
    let stack: KeyValueBytesStore = this.supplier.get();
    if (this.options.loggingEnabled) stack = new ChangeLoggingKeyValueStore(stack);
    let cache: CachingKeyValueStore | undefined;
    if (this.options.cachingEnabled) {
      cache = new CachingKeyValueStore(stack, this.options.cacheMaxBytes);
      stack = cache;
    }
    return new MeteredKeyValueStore(stack, this.keySerde, this.valueSerde, cache);
  }
}
