/**
 * `KTable.join/leftJoin/outerJoin(table)` (Kafka Streams' `KTableKTableJoin`): a change on either side
 * reads the other side's current value through its value getter and forwards the change of the joined
 * row, old and new. Inner joins have a row when both sides do, left joins when the left side does, outer
 * joins when either does; the absent side is `null`.
 */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { Change } from './change.js';
import type { TableValueGetter, TableValueGetterSupplier } from './table-value-getter.js';

/** Which rows a table-table join has. */
export type TableJoinKind = 'inner' | 'left' | 'outer';

/** The joined row of a left and a right value (`null` when absent), or `null` when the join has none. */
export function joinedRow<V1, V2, VR>(
  kind: TableJoinKind,
  joiner: (left: V1 | null, right: V2 | null) => VR,
  left: V1 | null,
  right: V2 | null,
): VR | null {
  const has =
    kind === 'inner'
      ? left !== null && right !== null
      : kind === 'left'
        ? left !== null
        : left !== null || right !== null;
  return has ? joiner(left, right) : null;
}

/** The join node fed by one side's changes; `otherGetter` reads the other side. */
export function tableTableJoinSupplier<K, V1, V2, VR>(
  side: 'left' | 'right',
  kind: TableJoinKind,
  joiner: (left: V1 | null, right: V2 | null) => VR,
  otherGetter: TableValueGetterSupplier<K, unknown>,
): ProcessorSupplier<K, Change<unknown>, K, Change<VR>> {
  return () => {
    let context: ProcessorContext<K, Change<VR>>;
    let getOther: TableValueGetter<K, unknown>;
    const row = (value: unknown, other: unknown): VR | null =>
      side === 'left'
        ? joinedRow(kind, joiner, value as V1 | null, other as V2 | null)
        : joinedRow(kind, joiner, other as V1 | null, value as V2 | null);
    return {
      init(c) {
        context = c;
        getOther = otherGetter.bind(c as unknown as ProcessorContext<unknown, unknown>);
      },
      process(record) {
        if (record.key === null || record.key === undefined) return;
        const other = getOther(record.key) ?? null;
        const newValue = row(record.value.newValue, other);
        const oldValue = row(record.value.oldValue, other);
        if (newValue === null && oldValue === null) return;
        context.forward({
          key: record.key,
          value: { newValue, oldValue },
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}

/** The value getter of an unmaterialized joined table: both sides read and joined again. */
export function joinedValueGetter<K, V1, V2, VR>(
  kind: TableJoinKind,
  joiner: (left: V1 | null, right: V2 | null) => VR,
  left: TableValueGetterSupplier<K, V1>,
  right: TableValueGetterSupplier<K, V2>,
): TableValueGetterSupplier<K, VR> {
  return {
    storeNames: [...new Set([...left.storeNames, ...right.storeNames])],
    bind(context) {
      const getLeft = left.bind(context);
      const getRight = right.bind(context);
      return (key) => joinedRow(kind, joiner, getLeft(key) ?? null, getRight(key) ?? null) ?? undefined;
    },
  };
}
