/**
 * `KGroupedTable.count/reduce/aggregate`: subtracts a change's old value from its group's aggregate and
 * adds its new value, keeps the aggregate in a store, and forwards the change of the aggregate (through the
 * store's record cache when it has one).
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorSupplier } from '../../processor.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';

/** How a table aggregation adds and subtracts values. */
export interface TableAggregation<K, V, VA> {
  /** Adds a value; `aggregate` is undefined for a group's first value. */
  readonly add: (key: K, value: V, aggregate: VA | undefined) => VA;
  readonly subtract: (key: K, value: V, aggregate: VA) => VA;
}

/** The table aggregation processor over the key-value store `storeName`. */
export function tableAggregateSupplier<K, V, VA>(
  storeName: string,
  aggregation: TableAggregation<K, V, VA>,
): ProcessorSupplier<K, Change<V>, K, Change<VA>> {
  return () => {
    let store: KeyValueStore<K, VA>;
    let forwarder: CacheForwarder<K, VA>;
    return {
      init(c) {
        store = c.getStateStore<KeyValueStore<K, VA>>(storeName);
        forwarder = new CacheForwarder(store, c);
      },
      process(record) {
        const key = record.key;
        if (key === null || key === undefined) return;
        const oldAggregate = store.get(key);
        let aggregate = oldAggregate;
        if (record.value.oldValue !== null && aggregate !== undefined) {
          aggregate = aggregation.subtract(key, record.value.oldValue, aggregate);
        }
        if (record.value.newValue !== null) {
          aggregate = aggregation.add(key, record.value.newValue, aggregate);
        }
        if (aggregate === undefined) return;
        store.put(key, aggregate);
        forwarder.maybeForward({
          key,
          value: { newValue: aggregate, oldValue: oldAggregate ?? null },
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}
