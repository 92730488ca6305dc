/** Builds typed session stores: metered over segmented sessions over caching / change-logging / inner store. */
import { MeteredSessionStore } from '../session/metered-session-store.js';
import { SegmentedSessionStore } from '../session/segmented-session-store.js';
import type { SessionStore } from '../store.js';
import { AbstractRetainingStoreBuilder } from './retaining-store-builder.js';
import type { SessionBytesStoreSupplier } from './suppliers.js';

/** A `StoreBuilder` of session stores; its changelog defaults to `compact,delete` like a window store's. */
export class SessionStoreBuilder<K, V> extends AbstractRetainingStoreBuilder<
  SessionStore<K, V>,
  K,
  V,
  SessionBytesStoreSupplier
> {
  readonly kind = 'session' as const;

  /** A new store for one task. */
  build(): MeteredSessionStore<K, V> {
    const { store, cache } = this.stack(this.supplier.get());
    const sessions = new SegmentedSessionStore(
      store,
      this.supplier.retentionMs,
      this.supplier.segmentIntervalMs,
      cache,
    );
    return new MeteredSessionStore(sessions, this.keySerde, this.valueSerde);
  }
}
