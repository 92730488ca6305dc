/**
 * What the window and session store builders share: a supplier that knows the store's retention, the two
 * serdes, and a changelog that defaults to `compact,delete` with a retention of the store's plus a day
 * (Kafka Streams' default), so expired windows and sessions leave the topic too.
 */
import type { Serde } from '../../schemas/serde.js';
import type { KeyValueBytesStoreSupplier } from '../internal/key-value-bytes-store.js';
import type { ChangelogConfig, StateStore } from '../store.js';
import { AbstractStoreBuilder } from './abstract-store-builder.js';
import { windowChangelogDefaults } from './suppliers.js';

/** A byte-store supplier of a store that keeps its data for a retention period. */
export interface RetainingBytesStoreSupplier extends KeyValueBytesStoreSupplier {
  readonly retentionMs: number;
}

/** Base of the window and session store builders. */
export abstract class AbstractRetainingStoreBuilder<
  S extends StateStore,
  K,
  V,
  P extends RetainingBytesStoreSupplier,
> extends AbstractStoreBuilder<S> {
  constructor(
    protected readonly supplier: P,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    super(supplier.name, supplier.persistent);
  }

  get retentionMs(): number {
    return this.supplier.retentionMs;
  }

  /** The kind's defaults, overridden by any config given to `withLoggingEnabled`. */
  override get changelogConfig(): ChangelogConfig {
    return { ...windowChangelogDefaults(this.supplier.retentionMs), ...super.changelogConfig };
  }
}
