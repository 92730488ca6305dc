/**
 * `KGroupedStream.count/reduce/aggregate`: folds each record into the aggregate of its key, kept in a
 * key-value store, and forwards the table change (new and old aggregate): through the store's record
 * cache when it has one (the latest change per key, at commit or eviction), else at every record. Records with a null key or value
 * are skipped, as in Kafka Streams: they belong to no group.
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorSupplier } from '../../processor.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';

/** Folds one value into the previous aggregate (`undefined` for the first value of a key). */
export type Fold<K, V, VA> = (key: K, value: V, previous: VA | undefined) => VA;

/** The aggregation processor over the key-value store `storeName`. */
export function streamAggregateSupplier<K, V, VA>(
  storeName: string,
  fold: Fold<K, V, VA>,
): ProcessorSupplier<K, V, K, Change<VA>> {
  return () => {
    let store: KeyValueStore<K, VA>;
    let forwarder: CacheForwarder<K, VA>;
    return {
      init(c) {
        store = c.getStateStore<KeyValueStore<K, VA>>(storeName);
        forwarder = new CacheForwarder(store, c);
      },
      process(record) {
        if (
          record.key === null ||
          record.key === undefined ||
          record.value === null ||
          record.value === undefined
        ) {
          return;
        }
        const oldValue = store.get(record.key);
        const newValue = fold(record.key, record.value, oldValue);
        store.put(record.key, newValue);
        forwarder.maybeForward({
          key: record.key,
          value: { newValue, oldValue: oldValue ?? null },
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}
