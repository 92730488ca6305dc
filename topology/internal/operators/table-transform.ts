/**
 * `KTable.filter/filterNot/mapValues`: applies a value transformation to both sides of each change
 * (`null` when filtered out), optionally keeps the result in a store, and forwards it unless nothing
 * changed for downstream (both sides null).
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';

/** Maps a present value to its new value, or to null to drop it from the derived table. */
export type TableValueTransform<K, V, V2> = (key: K, value: V) => V2 | null;

/** Transforms both sides of each change, optionally materializing the result in `storeName`. */
export function tableTransformSupplier<K, V, V2>(
  transform: TableValueTransform<K, V, V2>,
  storeName: string | undefined,
): ProcessorSupplier<K, Change<V>, K, Change<V2>> {
  return () => {
    let context: ProcessorContext<K, Change<V2>>;
    let store: KeyValueStore<K, V2> | undefined;
    let forwarder: CacheForwarder<K, V2> | undefined;
    return {
      init(c) {
        context = c;
        if (storeName === undefined) return;
        store = c.getStateStore<KeyValueStore<K, V2>>(storeName);
        forwarder = new CacheForwarder(store, c);
      },
      process(record) {
        const { key, value } = record;
        const newValue = value.newValue === null ? null : transform(key, value.newValue);
        const oldValue = value.oldValue === null ? null : transform(key, value.oldValue);
        if (newValue === null && oldValue === null) return;
        if (store !== undefined) {
          if (newValue === null) store.delete(key);
          else store.put(key, newValue);
        }
        const change = {
          key,
          value: { newValue, oldValue },
          timestamp: record.timestamp,
          headers: record.headers,
        };
        if (forwarder === undefined) context.forward(change);
        else forwarder.maybeForward(change);
      },
    };
  };
}
