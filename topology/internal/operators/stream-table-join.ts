/**
 * `KStream.join/leftJoin(table)` and `KStream.join/leftJoin(globalTable, keySelector)`: each stream record
 * looks up the table's current value for its key (or for the key the selector computes) and forwards the
 * joined value; only stream records trigger output, table updates do not (Kafka Streams' `KStreamKTableJoin`).
 * An inner join drops a record with no table row; a left join joins it with `null`. Records with a null
 * value are dropped; a record with a null key is dropped by an inner join and joined with `null` by a left
 * join.
 */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { TableValueGetter, TableValueGetterSupplier } from './table-value-getter.js';

/** How the join finds the table value for a stream record. */
export interface TableLookup<K, V, KT, VT> {
  readonly getter: TableValueGetterSupplier<KT, VT>;
  /** The table key of a record: its own key for co-partitioned tables, a selector's for global tables. */
  readonly keyOf: (key: K, value: V) => KT;
}

export function streamTableJoinSupplier<K, V, KT, VT, VR>(
  lookup: TableLookup<K, V, KT, VT>,
  joiner: (value: V, tableValue: VT | null) => VR,
  left: boolean,
): ProcessorSupplier<K, V, K, VR> {
  return () => {
    let context: ProcessorContext<K, VR>;
    let get: TableValueGetter<KT, VT>;
    return {
      init(c) {
        context = c;
        get = lookup.getter.bind(c as unknown as ProcessorContext<unknown, unknown>);
      },
      process(record) {
        if (record.value === null || record.value === undefined) return;
        const tableKey =
          record.key === null || record.key === undefined ? null : lookup.keyOf(record.key, record.value);
        const tableValue = tableKey === null || tableKey === undefined ? undefined : get(tableKey);
        if ((tableValue === undefined || tableValue === null) && !left) return;
        context.forward({
          key: record.key,
          value: joiner(record.value, tableValue ?? null),
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}
