/**
 * The DSL step behind `KTable.suppress`: checks the suppression fits the table, adds the buffer store and
 * the suppression node, and returns the suppressed table.
 */
import { Stores } from '../../../state/index.js';
import { TopologyError } from '../../errors.js';
import type { KTable } from '../../ktable.js';
import type { Suppressed } from '../../suppressed.js';
import { asUnknown, ProcessorGraphNode } from '../graph/graph-node.js';
import { suppressedValueGetter, suppressSupplier } from '../operators/suppress.js';
import { bufferedChangeSerde } from '../operators/suppress-buffer.js';
import { markWindowed, windowClosingOf } from './windowed-tables.js';

export function suppressTable<K, V>(table: KTable<K, V>, suppressed: Suppressed<K>): KTable<K, V> {
  const builder = table.builder;
  const closing = windowClosingOf(table);
  const name = suppressed.name ?? builder.newName('KTABLE-SUPPRESS');
  if (suppressed.kind.type === 'untilWindowCloses' && closing === undefined) {
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
      `suppression "${name}" waits until windows close, but its table is not the result of a windowed aggregation (windowedBy(...).count/reduce/aggregate); suppress that table, or use Suppressed.untilTimeLimit`,
    );
  }
  const storeName = suppressed.name === undefined ? builder.newStoreName('KTABLE-SUPPRESS') : `${name}-store`;
  const keySerde = builder.keySerde(table.keySerde);
  const entrySerde = bufferedChangeSerde(builder.valueSerde(table.valueSerde));
  const spec = { storeName, keySerde, entrySerde };
  const store =
    builder.defaultStoreType === 'in_memory'
      ? Stores.inMemoryKeyValueStore(storeName)
      : Stores.persistentKeyValueStore(storeName);
  builder.addNode(
    new ProcessorGraphNode(
      name,
      [table.nodeName],
      asUnknown(suppressSupplier(name, suppressed as Suppressed<unknown>, closing, spec)),
      // Cached, as Kafka Streams' buffer logs its dirty keys at commit: an update held again before the
      // commit (the same window, updated by several records) writes one changelog record, not one each.
      [Stores.keyValueStoreBuilder(store, keySerde, entrySerde).withCachingEnabled()],
    ),
  );
  const result = builder.dsl.table<K, V>(
    builder,
    name,
    table.keySerde,
    table.valueSerde,
    undefined,
    table.sourceNodes,
    suppressedValueGetter(table.valueGetter, spec),
  );
  return closing === undefined ? result : markWindowed(result, closing);
}
