/** Builds typed window stores: metered over segmented windows over caching / change-logging / inner store. */
import type { WindowStore } from '../store.js';
import { MeteredWindowStore } from '../window/metered-window-store.js';
import { SegmentedWindowStore } from '../window/segmented-window-store.js';
import { AbstractRetainingStoreBuilder } from './retaining-store-builder.js';
import type { WindowBytesStoreSupplier } from './suppliers.js';

/**
 * A `StoreBuilder` of window stores. Its changelog defaults to `compact,delete` with a retention of the
 * store's retention plus a day (Kafka Streams' default), so expired windows leave the topic too.
 *
 * @example
 * const occupancy = Stores.windowStoreBuilder(
 *   Stores.persistentWindowStore('occupancy', 7 * DAY, DAY, false), stringSerde, jsonSerde(),
 * ).withCachingEnabled();
 */
export class WindowStoreBuilder<K, V> extends AbstractRetainingStoreBuilder<
  WindowStore<K, V>,
  K,
  V,
  WindowBytesStoreSupplier
> {
  readonly kind = 'window' as const;

  /** A new store for one task. */
  build(): MeteredWindowStore<K, V> {
    const { store, cache } = this.stack(this.supplier.get());
    const windows = new SegmentedWindowStore(store, this.supplier, cache);
    return new MeteredWindowStore(windows, this.keySerde, this.valueSerde);
  }
}
