/**
 * `Stores`: the factory users (and the DSL's `Materialized` options) build state stores with, shaped
 * like Kafka Streams' `org.apache.kafka.streams.state.Stores`: a supplier picks where the bytes live
 * (memory or RocksDB) and the store's shape, a builder adds serdes, caching and change-logging.
 */
import type { Serde } from '../schemas/serde.js';
import { KeyValueStoreBuilder } from './builders/key-value-store-builder.js';
import { SessionStoreBuilder } from './builders/session-store-builder.js';
import {
  BytesStoreSupplier,
  SessionBytesStoreSupplier,
  WindowBytesStoreSupplier,
} from './builders/suppliers.js';
import { WindowStoreBuilder } from './builders/window-store-builder.js';
import type { KeyValueBytesStoreSupplier } from './internal/key-value-bytes-store.js';

/**
 * The shape arguments of the in-memory and persistent window store factories, named so that editors show
 * them as parameters.
 */
type WindowStoreShapeArguments = [
  retentionMs: number,
  windowSizeMs: number,
  retainDuplicates: boolean,
  segmentIntervalMs?: number,
];

/** The shape arguments of the in-memory and persistent session store factories. */
type SessionStoreShapeArguments = [retentionMs: number, segmentIntervalMs?: number];

/**
 * Factories of store suppliers and builders. Persistent stores live on RocksDB under
 * `stateDir/<applicationId>/<taskId>/<name>`; in-memory ones are rebuilt from their changelog.
 *
 * @example
 * const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('inventory'), keySerde, valueSerde)
 *   .withCachingEnabled();
 * const store = builder.build(); // one per task
 * await store.init(context);
 */
export const Stores = {
  /** A key-value store kept in memory. */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    return new BytesStoreSupplier(name, false);
  },

  /** A key-value store on RocksDB. */
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

  /**
   * A window store kept in memory. Windows older than stream time minus `retentionMs` are dropped,
   * segment by segment (`segmentIntervalMs`, default half the retention and at least a minute);
   * `retainDuplicates` keeps every value put for a window (stream-stream joins) instead of the last.
   */
  inMemoryWindowStore(name: string, ...shape: WindowStoreShapeArguments): WindowBytesStoreSupplier {
    return new WindowBytesStoreSupplier(name, false, ...shape);
  },

  /** A window store on RocksDB; arguments as for {@link Stores.inMemoryWindowStore}. */
  persistentWindowStore(name: string, ...shape: WindowStoreShapeArguments): WindowBytesStoreSupplier {
    return new WindowBytesStoreSupplier(name, true, ...shape);
  },

  /** A builder of typed window stores over `supplier`; logging on, caching off until enabled. */
  windowStoreBuilder<K, V>(
    supplier: WindowBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  },

  /** A session store kept in memory; sessions that ended before stream time minus `retentionMs` expire. */
  inMemorySessionStore(name: string, ...shape: SessionStoreShapeArguments): SessionBytesStoreSupplier {
    return new SessionBytesStoreSupplier(name, false, ...shape);
  },

  /** A session store on RocksDB; arguments as for {@link Stores.inMemorySessionStore}. */
  persistentSessionStore(name: string, ...shape: SessionStoreShapeArguments): SessionBytesStoreSupplier {
    return new SessionBytesStoreSupplier(name, true, ...shape);
  },

  /** A builder of typed session stores over `supplier`; logging on, caching off until enabled. */
  sessionStoreBuilder<K, V>(
    supplier: SessionBytesStoreSupplier,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): SessionStoreBuilder<K, V> {
    return new SessionStoreBuilder(supplier, keySerde, valueSerde);
  },
};
