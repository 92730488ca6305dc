/**
 * The DSL step of table-table joins: a join node per side, each connected to the other side's stores to
 * read its current value, a merge node (materializing the result when asked), and the co-partition group.
 */

import type { KTable } from '../../ktable.js';
import type { Materialized } from '../../materialized.js';
import { asUnknown, CopartitionGraphNode, ProcessorGraphNode } from '../graph/graph-node.js';
import {
  joinedValueGetter,
  type TableJoinKind,
  tableTableJoinSupplier,
} from '../operators/table-table-join.js';
import { tableTransformSupplier } from '../operators/table-transform.js';
import { storeValueGetter } from '../operators/table-value-getter.js';

export function tableTableJoin<K, V1, V2, VR>(
  left: KTable<K, V1>,
  right: KTable<K, V2>,
  joiner: (left: V1 | null, right: V2 | null) => VR,
  kind: TableJoinKind,
  materialized: Materialized<K, VR> | undefined,
): KTable<K, VR> {
  const builder = left.builder;
  const prefix = kind === 'inner' ? 'KTABLE-JOIN' : kind === 'left' ? 'KTABLE-LEFTJOIN' : 'KTABLE-OUTERJOIN';
  const thisName = builder.newName(`${prefix}THIS`);
  const otherName = builder.newName(`${prefix}OTHER`);
  const mergeName = builder.newName('KTABLE-MERGE');
  builder.addNode(
    new ProcessorGraphNode(
      thisName,
      [left.nodeName],
      asUnknown(tableTableJoinSupplier<K, V1, V2, VR>('left', kind, joiner, right.valueGetter)),
      [],
      right.valueGetter.storeNames,
    ),
  );
  builder.addNode(
    new ProcessorGraphNode(
      otherName,
      [right.nodeName],
      asUnknown(tableTableJoinSupplier<K, V1, V2, VR>('right', kind, joiner, left.valueGetter)),
      [],
      left.valueGetter.storeNames,
    ),
  );
  const keySerde = left.keySerde ?? right.keySerde;
  const store =
    materialized === undefined
      ? undefined
      : builder.keyValueStore(materialized, builder.newStoreName(prefix), keySerde, materialized.valueSerde);
  builder.addNode(
    new ProcessorGraphNode(
      mergeName,
      [thisName, otherName],
      asUnknown(tableTransformSupplier<K, VR, VR>((_k, value) => value, store?.name)),
      store === undefined ? [] : [store],
    ),
  );
  const sources = [...new Set([...left.sourceNodes, ...right.sourceNodes])];
  builder.addNode(new CopartitionGraphNode(`${mergeName}-copartition`, sources));
  return builder.dsl.table<K, VR>(
    builder,
    mergeName,
    materialized?.keySerde ?? keySerde,
    materialized?.valueSerde,
    store?.name,
    sources,
    store === undefined
      ? joinedValueGetter(kind, joiner, left.valueGetter, right.valueGetter)
      : storeValueGetter<K, VR>(store.name),
  );
}
