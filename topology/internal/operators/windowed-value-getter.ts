/**
 * Value getters of windowed tables (see `table-value-getter.ts`): a windowed key is looked up in the
 * window or session store behind the aggregation, so windowed tables can be joined and suppressed.
 */
import type { SessionStore, Windowed, WindowStore } from '../../../state/store.js';
import type { TableValueGetterSupplier } from './table-value-getter.js';

/** Reads a time-windowed table: the window of the key starting at the windowed key's start. */
export function windowStoreValueGetter<K, V>(storeName: string): TableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: [storeName],
    bind(context) {
      const store = context.getStateStore<WindowStore<K, V>>(storeName);
      return (windowed) => store.fetch(windowed.key, windowed.window.start);
    },
  };
}

/** Reads a session-windowed table: the session with exactly the windowed key's bounds. */
export function sessionStoreValueGetter<K, V>(storeName: string): TableValueGetterSupplier<Windowed<K>, V> {
  return {
    storeNames: [storeName],
    bind(context) {
      const store = context.getStateStore<SessionStore<K, V>>(storeName);
      return (windowed) => store.fetchSession(windowed.key, windowed.window.start, windowed.window.end);
    },
  };
}
