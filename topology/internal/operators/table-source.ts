/**
 * `builder.table/globalTable`: upserts each record into the table's store (a null value deletes) and,
 * for tables, forwards the change. Deleting a key that is not there forwards nothing.
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { Change } from './change.js';

/** Upserts into `storeName`; forwards changes when `forward` (tables), not for global tables. */
export function tableSourceSupplier<K, V>(
  storeName: string,
  forward: boolean,
): ProcessorSupplier<K, V | null, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>>;
    let store: KeyValueStore<K, V>;
    return {
      init(c) {
        context = c;
        store = c.getStateStore<KeyValueStore<K, V>>(storeName);
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
        if (forward) {
          context.forward({
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
