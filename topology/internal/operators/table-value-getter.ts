/**
 * How a processor reads a table's current value for a key (Kafka Streams' `KTableValueGetter`), whether
 * the table is materialized (read its store) or derived without a store (read the parent's value and
 * apply the derivation again). Joins against tables use this, so any table can be joined.
 */
import type { KeyValueStore } from '../../../state/store.js';
import type { ProcessorContext } from '../../processor.js';

/** Looks up the current value of a key, `undefined` when the table has no row for it. */
export type TableValueGetter<K, V> = (key: K) => V | undefined;

/** A table lookup a processor can bind in `init`. */
export interface TableValueGetterSupplier<K, V> {
  /** Stores the reading processor must be connected to. */
  readonly storeNames: readonly string[];
  /** Binds the getter to a processor's context; call from the processor's `init`. */
  bind(context: ProcessorContext<unknown, unknown>): TableValueGetter<K, V>;
}

/** The getter of a materialized table: a store lookup. */
export function storeValueGetter<K, V>(storeName: string): TableValueGetterSupplier<K, V> {
  return {
    storeNames: [storeName],
    bind(context) {
      const store = context.getStateStore<KeyValueStore<K, V>>(storeName);
      return (key) => store.get(key);
    },
  };
}

/** The getter of a table derived without a store: the parent's value, transformed (null drops the row). */
export function derivedValueGetter<K, V, V2>(
  parent: TableValueGetterSupplier<K, V>,
  transform: (key: K, value: V) => V2 | null,
): TableValueGetterSupplier<K, V2> {
  return {
    storeNames: parent.storeNames,
    bind(context) {
      const get = parent.bind(context);
      return (key) => {
        const value = get(key);
        if (value === undefined || value === null) return undefined;
        return transform(key, value) ?? undefined;
      };
    },
  };
}
