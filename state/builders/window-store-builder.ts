/** Builds typed window stores: metered over segmented windows over caching / change-logging / inner store. */
import type { Serde } from '../../schemas/serde.js';
import type { ChangelogConfig, WindowStore } from '../store.js';
import { MeteredWindowStore } from '../window/metered-window-store.js';
import { SegmentedWindowStore } from '../window/segmented-window-store.js';
import { AbstractStoreBuilder } from './abstract-store-builder.js';
import { type WindowBytesStoreSupplier, windowChangelogDefaults } from './suppliers.js';

/**
 * A `StoreBuilder` of window stores. Its changelog defaults to `compact,delete` with a retention of the
 * store's retention plus a day (Kafka Streams' default), so expired windows leave the topic too.
 *
 * @example
 * const occupancy = Stores.windowStoreBuilder(
 *   Stores.persistentWindowStore('occupancy', 7 * DAY, DAY, false), stringSerde, jsonSerde(),
 * ).withCachingEnabled();
 */
export class WindowStoreBuilder<K, V> extends AbstractStoreBuilder<WindowStore<K, V>> {
  readonly kind = 'window' as const;

  constructor(
    private readonly supplier: WindowBytesStoreSupplier,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    super(supplier.name, supplier.persistent);
  }

  get retentionMs(): number {
    return this.supplier.retentionMs;
  }

  override get changelogConfig(): ChangelogConfig {
    return { ...windowChangelogDefaults(this.supplier.retentionMs), ...super.changelogConfig };
  }

  /** A new store for one task. */
  build(): MeteredWindowStore<K, V> {
    const { store, cache } = this.stack(this.supplier.get());
    const windows = new SegmentedWindowStore(store, this.supplier, cache);
    return new MeteredWindowStore(windows, this.keySerde, this.valueSerde);
  }
}
