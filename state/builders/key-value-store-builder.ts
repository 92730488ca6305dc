/**
 * Builds typed key-value stores from a byte-store supplier and two serdes, stacking the layers the options
 * ask for: metered (always) over caching (optional) over change-logging (optional) over the inner store.
 */
import type { Serde } from '../../schemas/serde.js';
import type { KeyValueBytesStoreSupplier } from '../internal/key-value-bytes-store.js';
import { MeteredKeyValueStore } from '../layers/metered-key-value-store.js';
import type { KeyValueStore } from '../store.js';
import { AbstractStoreBuilder } from './abstract-store-builder.js';

/**
 * A `StoreBuilder` of key-value stores. Logging is on and caching off by default, as in Kafka Streams'
 * `Stores.keyValueStoreBuilder`; the options methods return the builder for chaining.
 *
 * @example
 * const counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), stringSerde, numberSerde)
 *   .withCachingEnabled()
 *   .withLoggingEnabled({ 'min.insync.replicas': '2' });
 */
export class KeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<KeyValueStore<K, V>> {
  readonly kind = 'keyValue' as const;

  constructor(
    private readonly supplier: KeyValueBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    super(supplier.name, supplier.persistent);
  }

  /** A new store for one task. */
  build(): MeteredKeyValueStore<K, V> {
    const { store, cache } = this.stack(this.supplier.get());
    return new MeteredKeyValueStore(store, this.keySerde, this.valueSerde, cache);
  }
}
