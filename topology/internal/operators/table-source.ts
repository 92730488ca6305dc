/**
 * `builder.table/globalTable`: upserts each record into the table's store (a null value deletes) and,
 * for tables, forwards the change (through the store's record cache when it has one: the latest change per
 * key, at commit or eviction). Deleting a key that is not there forwards nothing.
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorSupplier } from '../../processor.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';

/** Upserts into `storeName`; forwards changes when `forward` (tables), not for global tables. */
export function tableSourceSupplier<K, V>(
  storeName: string,
  forward: boolean,
): ProcessorSupplier<K, V | null, K, Change<V>> {
  return () => {
    let store: KeyValueStore<K, V>;
    let forwarder: CacheForwarder<K, V> | undefined;
    return {
      init(c) {
        store = c.getStateStore<KeyValueStore<K, V>>(storeName);
        if (forward) forwarder = new CacheForwarder(store, c);
      },
      process(record) {
        if (record.key === null || record.key === undefined) return;
        const newValue = record.value ?? null;
        let oldValue: V | null;
        if (newValue === null) {
          oldValue = store.delete(record.key) ?? null;
          if (oldValue === null) return;
        } else {
          oldValue = store.get(record.key) ?? null;
          store.put(record.key, newValue);
        }
        if (forwarder !== undefined) {
          forwarder.maybeForward({
            key: record.key,
            value: { newValue, oldValue },
            timestamp: record.timestamp,
            headers: record.headers,
          });
        }
      },
    };
  };
}
