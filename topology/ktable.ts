/**
 * `KTable<K, V>`: a changelog stream read as a table, the latest value per key. Steps on tables forward
 * each key's new and old value internally, so aggregations over a table can subtract a row's old
 * contribution when it changes.
 */

import type { Serde } from '../schemas/serde.js';
import type { KeyValue } from '../state/store.js';
import type { Grouped } from './grouped.js';
import { asUnknown, ProcessorGraphNode } from './internal/graph/graph-node.js';
import type { InternalStreamsBuilder } from './internal/graph/internal-streams-builder.js';
import { tableTableJoin } from './internal/joins/table-table-join-step.js';
import type { Change } from './internal/operators/change.js';
import { tableGroupBySupplier } from './internal/operators/table-group-by.js';
import { tableToChangeStreamSupplier } from './internal/operators/table-to-change-stream.js';
import { tableToStreamSupplier } from './internal/operators/table-to-stream.js';
import { type TableValueTransform, tableTransformSupplier } from './internal/operators/table-transform.js';
import {
  derivedValueGetter,
  storeValueGetter,
  type TableValueGetterSupplier,
} from './internal/operators/table-value-getter.js';
import { suppressTable } from './internal/windows/suppress-step.js';
import { inheritWindowClosing } from './internal/windows/windowed-tables.js';
import type { KGroupedTable } from './kgrouped-table.js';
import type { KStream } from './kstream.js';
import type { Materialized } from './materialized.js';
import type { Named } from './named.js';
import type { Suppressed } from './suppressed.js';

/**
 * A table with keys of type `K` and values of type `V`.
 *
 * @example
 * const rooms = builder.table('rooms', Consumed.with(Serdes.string(), Serdes.json<Room>()), Materialized.as('rooms'));
 * rooms.filter((id, room) => room.open).toStream().to('open-rooms');
 */
export class KTable<K, V> {
  /** @internal Tables are created by `StreamsBuilder.table` and by aggregations. */
  constructor(
    /** @internal */ readonly builder: InternalStreamsBuilder,
    /** @internal The node this table's changes leave from. */ readonly nodeName: string,
    /** @internal */ readonly keySerde: Serde<K> | undefined,
    /** @internal */ readonly valueSerde: Serde<V> | undefined,
    /** @internal The store holding this table's current values, when it is materialized. */
    readonly storeName: string | undefined,
    /** @internal Source nodes feeding this table within its sub-topology (for co-partitioning). */
    readonly sourceNodes: readonly string[],
    /**
     * @internal How a processor (a join) reads this table's current value for a key; connect the reading
     * processor to `valueGetter.storeNames`.
     */
    readonly valueGetter: TableValueGetterSupplier<K, V> = storeValueGetter<K, V>(storeName as string),
  ) {}

  /** The name of the store that holds this table (for interactive queries), if it is materialized. */
  queryableStoreName(): string | undefined {
    return this.storeName;
  }

  /** A table of the rows for which `predicate` is true (rows that stop matching are deleted downstream). */
  filter(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.transform(
      'KTABLE-FILTER',
      (k, v) => (predicate(k, v) ? v : null),
      materialized,
      this.valueSerde,
    );
  }

  /** A table without the rows for which `predicate` is true. */
  filterNot(predicate: (key: K, value: V) => boolean, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.transform(
      'KTABLE-FILTER',
      (k, v) => (predicate(k, v) ? null : v),
      materialized,
      this.valueSerde,
    );
  }

  /** A table with each value mapped. */
  mapValues<V2>(mapper: (value: V, key: K) => V2, materialized?: Materialized<K, V2>): KTable<K, V2> {
    return this.transform('KTABLE-MAPVALUES', (k, v) => mapper(v, k), materialized, undefined);
  }

  /** The table's changes as a stream of new values; a deleted row arrives as a `null` value (a tombstone). */
  toStream(named?: Named): KStream<K, V | null> {
    const name = named?.name ?? this.builder.newName('KTABLE-TOSTREAM');
    this.builder.addNode(
      new ProcessorGraphNode(name, [this.nodeName], asUnknown(tableToStreamSupplier<K, V>())),
    );
    return this.builder.dsl.stream<K, V | null>(
      this.builder,
      name,
      this.keySerde,
      this.valueSerde as Serde<V | null> | undefined,
      undefined,
      this.sourceNodes,
    );
  }

  /**
   * The table's changes as a stream of `{ newValue, oldValue }` (Kafka Streams' internal `Change`, which
   * its `toStream()` drops): for a step that needs what changed in a row, not only its new value. After a
   * record cache the old value is the one the previous change forwarded (the value at the last commit),
   * so several updates of a key between two commits arrive as one change from the first old value to the
   * last new one. A deletion has a null `newValue`. The stream has no value serde: give one before a
   * step that needs it (`to`, a repartition).
   */
  toChangeStream(named?: Named): KStream<K, Change<V>> {
    const name = named?.name ?? this.builder.newName('KTABLE-TOCHANGESTREAM');
    this.builder.addNode(
      new ProcessorGraphNode(name, [this.nodeName], asUnknown(tableToChangeStreamSupplier<K, V>())),
    );
    return this.builder.dsl.stream<K, Change<V>>(
      this.builder,
      name,
      this.keySerde,
      undefined,
      undefined,
      this.sourceNodes,
    );
  }

  /**
   * Re-groups rows by a new key (and value) for a table aggregation; always repartitions. When a row
   * changes, its old value is subtracted from its old group and its new value added to its new one.
   */
  groupBy<K2, V2>(
    selector: (key: K, value: V) => KeyValue<K2, V2>,
    grouped?: Grouped<K2, V2>,
  ): KGroupedTable<K2, V2> {
    const name = this.builder.newName('KTABLE-SELECT');
    this.builder.addNode(
      new ProcessorGraphNode(name, [this.nodeName], asUnknown(tableGroupBySupplier(selector))),
    );
    return this.builder.dsl.groupedTable<K2, V2>(this.builder, name, grouped);
  }

  /**
   * Inner join with another table of the same key: a row exists where both tables have one, and changes
   * whenever either side does. Both tables must be co-partitioned (the runtime checks it at start).
   *
   * @example
   * const roomsWithRates = rooms.join(rates, (room, rate) => ({ ...room, rate }), Materialized.as('rooms-with-rates'));
   */
  join<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO) => VR,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return tableTableJoin(this, other, joiner as (l: V | null, r: VO | null) => VR, 'inner', materialized);
  }

  /** Left join with another table: a row wherever this table has one, `null` for a missing other side. */
  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V, otherValue: VO | null) => VR,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return tableTableJoin(this, other, joiner as (l: V | null, r: VO | null) => VR, 'left', materialized);
  }

  /** Outer join with another table: a row wherever either table has one, `null` for the missing side. */
  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: (value: V | null, otherValue: VO | null) => VR,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return tableTableJoin(this, other, joiner, 'outer', materialized);
  }

  /**
   * Holds back updates and emits only the last one per key when it is due: when its window closes
   * (`Suppressed.untilWindowCloses`, for windowed aggregations: final results only), or a time limit
   * after the key's first held update (`Suppressed.untilTimeLimit`).
   *
   * @example
   * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('final-counts');
   */
  suppress(suppressed: Suppressed<K>): KTable<K, V> {
    return suppressTable(this, suppressed);
  }

  private transform<V2>(
    prefix: string,
    fn: TableValueTransform<K, V, V2>,
    materialized: Materialized<K, V2> | undefined,
    valueSerde: Serde<V2> | undefined,
  ): KTable<K, V2> {
    const name = this.builder.newName(prefix);
    const store =
      materialized === undefined
        ? undefined
        : this.builder.keyValueStore(
            materialized,
            this.builder.newStoreName(prefix),
            this.keySerde,
            valueSerde,
          );
    this.builder.addNode(
      new ProcessorGraphNode(
        name,
        [this.nodeName],
        asUnknown(tableTransformSupplier(fn, store?.name)),
        store === undefined ? [] : [store],
      ),
    );
    // A filtered or mapped windowed table keeps its windows, so it can still be suppressed until they close.
    return inheritWindowClosing(
      this,
      new KTable(
        this.builder,
        name,
        this.keySerde,
        materialized?.valueSerde ?? valueSerde,
        store?.name,
        this.sourceNodes,
        store === undefined ? derivedValueGetter(this.valueGetter, fn) : storeValueGetter<K, V2>(store.name),
      ),
    );
  }
}
