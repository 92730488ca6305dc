/**
 * The DSL steps of stream-table and stream-globalTable joins: repartition the stream if its key changed
 * (a table join needs the stream partitioned like the table), add the join node connected to the table's
 * stores, and record the co-partition group so the runtime checks both topics' partition counts.
 */

import type { GlobalKTable } from '../../global-ktable.js';
import type { Joined } from '../../joined.js';
import type { KStream } from '../../kstream.js';
import type { KTable } from '../../ktable.js';
import { asUnknown, CopartitionGraphNode, ProcessorGraphNode } from '../graph/graph-node.js';
import { repartitionIfRequired } from '../graph/repartition-step.js';
import { streamTableJoinSupplier } from '../operators/stream-table-join.js';
import { storeValueGetter } from '../operators/table-value-getter.js';

/** `stream.join/leftJoin(table, joiner, joined)`. */
export function streamTableJoin<K, V, VT, VR>(
  stream: KStream<K, V>,
  table: KTable<K, VT>,
  joiner: (value: V, tableValue: VT | null) => VR,
  joined: Joined<K, V, VT> | undefined,
  left: boolean,
): KStream<K, VR> {
  const builder = stream.builder;
  const name = joined?.name ?? builder.newName(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
  // A re-keyed stream must land in the partitions of the table's keys: encode its keys like the table's.
  const input = repartitionIfRequired(
    stream,
    `${name}-left`,
    name,
    joined?.keySerde ?? stream.keySerde ?? table.keySerde,
    joined?.valueSerde ?? stream.valueSerde,
  );
  const supplier = streamTableJoinSupplier<K, V, K, VT, VR>(
    { getter: table.valueGetter, keyOf: (key) => key },
    joiner,
    left,
  );
  builder.addNode(
    new ProcessorGraphNode(name, [input.nodeName], asUnknown(supplier), [], table.valueGetter.storeNames),
  );
  const sources = [...new Set([...input.sourceNodes, ...table.sourceNodes])];
  builder.addNode(new CopartitionGraphNode(`${name}-copartition`, sources));
  return builder.dsl.stream<K, VR>(
    builder,
    name,
    input.keySerde ?? table.keySerde,
    undefined,
    undefined,
    input.sourceNodes,
  );
}

/**
 * `stream.join/leftJoin(globalTable, keySelector, joiner)`: a lookup in the global store by a key computed
 * from each record; no repartition and no co-partitioning, since every instance holds the whole table.
 */
export function streamGlobalTableJoin<K, V, GK, GV, VR>(
  stream: KStream<K, V>,
  table: GlobalKTable<GK, GV>,
  keySelector: (key: K, value: V) => GK,
  joiner: (value: V, globalValue: GV | null) => VR,
  left: boolean,
): KStream<K, VR> {
  const builder = stream.builder;
  const name = builder.newName(left ? 'KSTREAM-LEFTJOIN' : 'KSTREAM-JOIN');
  const supplier = streamTableJoinSupplier<K, V, GK, GV, VR>(
    { getter: storeValueGetter<GK, GV>(table.storeName), keyOf: keySelector },
    joiner,
    left,
  );
  builder.addNode(new ProcessorGraphNode(name, [stream.nodeName], asUnknown(supplier)));
  return builder.dsl.stream<K, VR>(
    builder,
    name,
    stream.keySerde,
    undefined,
    stream.keyChangedBy,
    stream.sourceNodes,
  );
}
