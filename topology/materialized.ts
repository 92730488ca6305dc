/** Where and how the DSL keeps the state of a table or an aggregation. */
import type { Serde } from '../schemas/serde.js';
import type { ChangelogConfig } from '../state/store.js';

/** The kinds of key-value store a DSL step can be backed by. */
export type StoreType = 'rocksdb' | 'in_memory';

/**
 * Names, serdes and options of the store behind a table or an aggregation. A named store can be read
 * by interactive queries and by `TopologyTestDriver.getKeyValueStore(name)`.
 *
 * The type parameters default to `any` when nothing pins them (e.g. `Materialized.as('counts')` on its
 * own): the step that receives it fixes the real key and value types.
 *
 * @example
 * grouped.count(Materialized.as('orders-per-region').withStoreType('in_memory').withCachingDisabled());
 */
// biome-ignore lint/suspicious/noExplicitAny: an unpinned Materialized must fit whichever step receives it.
export class Materialized<K = any, V = any> {
  private constructor(
    readonly storeName: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly loggingEnabled: boolean,
    readonly changelogConfig: ChangelogConfig,
    readonly cachingEnabled: boolean,
    readonly storeType: StoreType | undefined,
    /** For windowed steps: how long windows are kept (default: window size plus grace period). */
    readonly retentionMs: number | undefined = undefined,
  ) {}

  /** A store with this name (also the base of its changelog topic, `<applicationId>-<name>-changelog`). */
  // biome-ignore lint/suspicious/noExplicitAny: see the class comment.
  static as<K = any, V = any>(storeName: string): Materialized<K, V> {
    return new Materialized<K, V>(storeName, undefined, undefined, true, {}, true, undefined);
  }

  /** An unnamed store with these serdes (the DSL generates its name). */
  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Materialized<K, V> {
    return new Materialized(undefined, keySerde, valueSerde, true, {}, true, undefined);
  }

  withKeySerde(keySerde: Serde<K>): Materialized<K, V> {
    return this.copy({ keySerde });
  }

  withValueSerde(valueSerde: Serde<V>): Materialized<K, V> {
    return this.copy({ valueSerde });
  }

  /** No changelog topic: the store is lost with the instance (only for state that can be rebuilt). */
  withLoggingDisabled(): Materialized<K, V> {
    return this.copy({ loggingEnabled: false, changelogConfig: {} });
  }

  withLoggingEnabled(config: ChangelogConfig = {}): Materialized<K, V> {
    return this.copy({ loggingEnabled: true, changelogConfig: { ...config } });
  }

  /**
   * Buffers writes in the record cache (the default, as in Kafka Streams): the store, its changelog and
   * the step's downstream see the latest value per key once per commit (or when the task's share of
   * `StreamsConfig.cacheMaxBytes` is full and evicts it), instead of every update.
   */
  withCachingEnabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: true });
  }

  /** Writes and forwards every update as it happens (no record cache). */
  withCachingDisabled(): Materialized<K, V> {
    return this.copy({ cachingEnabled: false });
  }

  /**
   * For windowed aggregations: keep windows this long (by stream time) for interactive queries, instead
   * of the default window size plus grace period; at least that long.
   */
  withRetention(retentionMs: number): Materialized<K, V> {
    return this.copy({ retentionMs });
  }

  /** RocksDB (the default, unless the builder says otherwise) or memory. */
  withStoreType(storeType: StoreType): Materialized<K, V> {
    return this.copy({ storeType });
  }

  private copy(
    changes: Partial<
      Pick<
        Materialized<K, V>,
        | 'keySerde'
        | 'valueSerde'
        | 'loggingEnabled'
        | 'changelogConfig'
        | 'cachingEnabled'
        | 'storeType'
        | 'retentionMs'
      >
    >,
  ): Materialized<K, V> {
    const next = { ...this, ...changes };
    return new Materialized(
      next.storeName,
      next.keySerde,
      next.valueSerde,
      next.loggingEnabled,
      next.changelogConfig,
      next.cachingEnabled,
      next.storeType,
      next.retentionMs,
    );
  }
}
