/**
 * The shared shape of windowed aggregations (time, sliding and session windows): repartition the grouped
 * stream if its key changed, add the aggregation processor with its stores, and return its table of
 * `Windowed<K>` keys, marked with how its windows close (for `suppress`).
 */

import type { Serde } from '../../../schemas/serde.js';
import type { StoreBuilder, Windowed } from '../../../state/store.js';
import type { KGroupedStream } from '../../kgrouped-stream.js';
import type { KTable } from '../../ktable.js';
import type { Materialized } from '../../materialized.js';
import type { ProcessorSupplier } from '../../processor.js';
import { asUnknown, ProcessorGraphNode } from '../graph/graph-node.js';
import { repartitionIfRequired } from '../graph/repartition-step.js';
import type { Change } from '../operators/change.js';
import { type DropReporter, dropReporter } from '../operators/dropped-record-reporter.js';
import type { TableValueGetterSupplier } from '../operators/table-value-getter.js';
import { markWindowed, type WindowClosing } from './windowed-tables.js';

/** What the step knows before it builds its stores and processor. */
export interface WindowedStepContext<K, V> {
  readonly name: string;
  readonly storeName: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  readonly reportDrop: DropReporter;
}

/** What a windowed aggregation contributes. */
export interface WindowedStepParts<K, VA> {
  readonly supplier: ProcessorSupplier<K, unknown, Windowed<K>, Change<VA>>;
  /** The aggregate store first (the table's queryable store), then any helper stores. */
  readonly stores: readonly [StoreBuilder, ...StoreBuilder[]];
  readonly valueGetter: TableValueGetterSupplier<Windowed<K>, VA>;
  readonly tableKeySerde: Serde<Windowed<K>> | undefined;
  readonly tableValueSerde: Serde<VA> | undefined;
  readonly closing: WindowClosing;
}

export function windowedAggregation<K, V, VA>(
  grouped: KGroupedStream<K, V>,
  prefix: string,
  materialized: Materialized<K, VA> | undefined,
  parts: (context: WindowedStepContext<K, V>) => WindowedStepParts<K, VA>,
): KTable<Windowed<K>, VA> {
  const stream = grouped.stream;
  const builder = stream.builder;
  const name = builder.newName(prefix);
  const storeName = materialized?.storeName ?? builder.newStoreName(prefix);
  const keySerde = grouped.grouped?.keySerde ?? stream.keySerde;
  const valueSerde = grouped.grouped?.valueSerde ?? stream.valueSerde;
  const input = repartitionIfRequired(stream, grouped.grouped?.name ?? storeName, name, keySerde, valueSerde);
  const step = parts({
    name,
    storeName,
    keySerde,
    valueSerde,
    reportDrop: dropReporter(builder.onDroppedRecord, name),
  });
  builder.addNode(new ProcessorGraphNode(name, [input.nodeName], asUnknown(step.supplier), step.stores));
  const table = builder.dsl.table<Windowed<K>, VA>(
    builder,
    name,
    step.tableKeySerde,
    step.tableValueSerde,
    step.stores[0].name,
    input.sourceNodes,
    step.valueGetter,
  );
  return markWindowed(table, step.closing);
}
