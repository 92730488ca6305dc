/**
 * `Stores`: the factory users (and the DSL's `Materialized` options) build state stores with, shaped
 * like Kafka Streams' `org.apache.kafka.streams.state.Stores`: a supplier picks where the bytes live
 * (memory or RocksDB), a builder adds serdes, caching and change-logging.
 */
import type { Serde } from '../schemas/serde.js';
import { KeyValueStoreBuilder } from './builders/key-value-store-builder.js';
import { BytesStoreSupplier } from './builders/suppliers.js';
import type { KeyValueBytesStoreSupplier } from './internal/key-value-bytes-store.js';

/**
 * Factories of store suppliers and builders.
 *
 * @example
 * const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('inventory'), keySerde, valueSerde)
 *   .withCachingEnabled();
 * const store = builder.build(); // one per task
 * await store.init(context);
 */
export const Stores = {
  /** A key-value store kept in memory (restored from its changelog after a restart). */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new BytesStoreSupplier(name, false);
  },

  /** A key-value store on RocksDB under `stateDir/<applicationId>/<taskId>/<name>`. */
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new BytesStoreSupplier(name, true);
  },

  /** A builder of typed key-value stores over `supplier`; logging on, caching off until enabled. */
  keyValueStoreBuilder<K, V>(
    supplier: KeyValueBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },
};
