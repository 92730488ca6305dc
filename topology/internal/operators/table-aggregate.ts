/**
 * `KGroupedTable.count/reduce/aggregate`: subtracts a change's old value from its group's aggregate and
 * adds its new value, keeps the aggregate in a store, and forwards the change of the aggregate.
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
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
    let context: ProcessorContext<K, Change<VA>>;
    let store: KeyValueStore<K, VA>;
    return {
      init(c) {
        context = c;
        store = c.getStateStore<KeyValueStore<K, VA>>(storeName);
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
        context.forward({
          key,
          value: { newValue: aggregate, oldValue: oldAggregate ?? null },
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}
