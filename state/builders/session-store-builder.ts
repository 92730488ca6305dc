/** Builds typed session stores: metered over segmented sessions over caching / change-logging / inner store. */
import type { Serde } from '../../schemas/serde.js';
import { MeteredSessionStore } from '../session/metered-session-store.js';
import { SegmentedSessionStore } from '../session/segmented-session-store.js';
import type { ChangelogConfig, SessionStore } from '../store.js';
import { AbstractStoreBuilder } from './abstract-store-builder.js';
import { type SessionBytesStoreSupplier, windowChangelogDefaults } from './suppliers.js';

/** A `StoreBuilder` of session stores; its changelog defaults to `compact,delete` like a window store's. */
export class SessionStoreBuilder<K, V> extends AbstractStoreBuilder<SessionStore<K, V>> {
  readonly kind = 'session' as const;

  constructor(
    private readonly supplier: SessionBytesStoreSupplier,
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
