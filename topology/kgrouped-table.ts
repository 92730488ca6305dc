/**
 * `KGroupedTable<K, V>`: table rows re-grouped by a new key, ready to aggregate with an adder and a
 * subtractor (a row that changes or leaves a group is subtracted from it).
 */
import type { Serde } from '../schemas/serde.js';
import type { Grouped } from './grouped.js';
import { asUnknown, ProcessorGraphNode, RepartitionGraphNode } from './internal/graph/graph-node.js';
import type { InternalStreamsBuilder } from './internal/graph/internal-streams-builder.js';
import { changeSerde } from './internal/operators/change.js';
import { type TableAggregation, tableAggregateSupplier } from './internal/operators/table-aggregate.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { numberSerde } from './serdes/number-serde.js';

/**
 * A grouped table.
 *
 * @example
 * // rooms per hotel, kept right when a room moves between hotels or is removed
 * rooms.groupBy((roomId, room) => ({ key: room.hotelId, value: room })).count(Materialized.as('rooms-per-hotel'));
 */
export class KGroupedTable<K, V> {
  /** @internal Created by `KTable.groupBy`. */
  constructor(
    private readonly builder: InternalStreamsBuilder,
    private readonly selectNode: string,
    private readonly grouped: Grouped<K, V> | undefined,
  ) {}

  /** Counts rows per group. */
  count(materialized?: Materialized<K, number>): KTable<K, number> {
    return this.aggregateWith(
      'KTABLE-AGGREGATE',
      { add: (_k, _v, agg: number | undefined) => (agg ?? 0) + 1, subtract: (_k, _v, agg) => agg - 1 },
      materialized,
      numberSerde(),
    );
  }

  /** Combines rows per group: `adder` when a row joins or changes, `subtractor` for its old value. */
  reduce(
    adder: (aggregate: V, value: V) => V,
    subtractor: (aggregate: V, value: V) => V,
    materialized?: Materialized<K, V>,
  ): KTable<K, V> {
    return this.aggregateWith(
      'KTABLE-REDUCE',
      {
        add: (_k, value, agg: V | undefined) => (agg === undefined ? value : adder(agg, value)),
        subtract: (_k, value, agg) => subtractor(agg, value),
      },
      materialized,
      this.grouped?.valueSerde,
    );
  }

  /** Folds rows per group into an aggregate that starts from `initializer()`. */
  aggregate<VA>(
    initializer: () => VA,
    adder: (key: K, value: V, aggregate: VA) => VA,
    subtractor: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA> {
    return this.aggregateWith(
      'KTABLE-AGGREGATE',
      { add: (k, v, agg: VA | undefined) => adder(k, v, agg ?? initializer()), subtract: subtractor },
      materialized,
      undefined,
    );
  }

  private aggregateWith<VA>(
    prefix: string,
    aggregation: TableAggregation<K, V, VA>,
    materialized: Materialized<K, VA> | undefined,
    defaultValueSerde: Serde<VA> | undefined,
  ): KTable<K, VA> {
    const builder = this.builder;
    const name = builder.newName(prefix);
    const storeName = materialized?.storeName ?? builder.newStoreName(prefix);
    const keySerde = this.grouped?.keySerde;
    const repartition = new RepartitionGraphNode(
      this.grouped?.name ?? storeName,
      this.selectNode,
      builder.keySerde(keySerde) as Serde<unknown>,
      changeSerde(builder.valueSerde(this.grouped?.valueSerde)) as Serde<unknown>,
      undefined,
      undefined,
    );
    builder.addNode(repartition);
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    const store = builder.keyValueStore(materialized, storeName, keySerde, valueSerde);
    builder.addNode(
      new ProcessorGraphNode(
        name,
        [repartition.sourceName],
        asUnknown(tableAggregateSupplier(store.name, aggregation)),
        [store],
      ),
    );
    return builder.dsl.table<K, VA>(
      builder,
      name,
      materialized?.keySerde ?? keySerde,
      valueSerde,
      store.name,
      [repartition.sourceName],
    );
  }
}
