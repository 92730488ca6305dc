/**
 * `KGroupedStream<K, V>`: a stream grouped by key, ready to aggregate into a table. A grouping after a key
 * change repartitions through `<applicationId>-<name>-repartition` first, so every record of a key reaches
 * the task that owns the key's aggregate.
 */

import type { Serde } from '../schemas/serde.js';
import type { Grouped } from './grouped.js';
import { asUnknown, ProcessorGraphNode } from './internal/graph/graph-node.js';
import { repartitionIfRequired } from './internal/graph/repartition-step.js';
import { type Fold, streamAggregateSupplier } from './internal/operators/stream-aggregate.js';
import type { KStream } from './kstream.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { numberSerde } from './serdes/number-serde.js';
import type { SessionWindowedKStream } from './session-windowed-kstream.js';
import { SessionWindows } from './session-windows.js';
import type { SlidingWindows } from './sliding-windows.js';
import type { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { TimeWindows } from './time-windows.js';

/**
 * A grouped stream.
 *
 * @example
 * const perRegion: KTable<string, number> = orders.groupBy((id, o) => o.region).count(Materialized.as('orders-per-region'));
 */
export class KGroupedStream<K, V> {
  /** @internal Created by `KStream.groupByKey/groupBy`. */
  constructor(
    /** @internal */ readonly stream: KStream<K, V>,
    /** @internal Serdes and repartition-topic name; the stream's serdes when absent. */
    readonly grouped: Grouped<K, V> | undefined,
  ) {}

  /** Counts records per key. */
  count(materialized?: Materialized<K, number>): KTable<K, number> {
    return this.aggregateWith(
      'KSTREAM-AGGREGATE',
      (_k, _v, previous: number | undefined) => (previous ?? 0) + 1,
      materialized,
      numberSerde(),
    );
  }

  /** Combines the values of each key; the first value of a key is its initial aggregate. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.aggregateWith(
      'KSTREAM-REDUCE',
      (_k, value: V, previous: V | undefined) => (previous === undefined ? value : reducer(previous, value)),
      materialized,
      this.grouped?.valueSerde ?? this.stream.valueSerde,
    );
  }

  /** Folds the values of each key into an aggregate that starts from `initializer()`. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA> {
    return this.aggregateWith(
      'KSTREAM-AGGREGATE',
      (key, value: V, previous: VA | undefined) => aggregator(key, value, previous ?? initializer()),
      materialized,
      undefined,
    );
  }

  /**
   * Cuts the grouped stream into windows for a windowed aggregation: tumbling or hopping `TimeWindows`
   * and `SlidingWindows` give a {@link TimeWindowedKStream}, `SessionWindows` a {@link SessionWindowedKStream}.
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(
    windows: TimeWindows | SlidingWindows | SessionWindows,
  ): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    return windows instanceof SessionWindows
      ? this.stream.builder.dsl.sessionWindowed(this, windows)
      : this.stream.builder.dsl.timeWindowed(this, windows);
  }

  /**
   * The shared shape of stream aggregations: repartition if the key changed, then fold into a
   * key-value store and emit its changes as a table. Windowed aggregations build their own step.
   */
  private aggregateWith<VA>(
    prefix: string,
    fold: Fold<K, V, VA>,
    materialized: Materialized<K, VA> | undefined,
    defaultValueSerde: Serde<VA> | undefined,
  ): KTable<K, VA> {
    const builder = this.stream.builder;
    const name = builder.newName(prefix);
    const storeName = materialized?.storeName ?? builder.newStoreName(prefix);
    const keySerde = this.grouped?.keySerde ?? this.stream.keySerde;
    const input = repartitionIfRequired(
      this.stream,
      this.grouped?.name ?? storeName,
      name,
      keySerde,
      this.grouped?.valueSerde ?? this.stream.valueSerde,
    );
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    const store = builder.keyValueStore(materialized, storeName, keySerde, valueSerde);
    builder.addNode(
      new ProcessorGraphNode(name, [input.nodeName], asUnknown(streamAggregateSupplier(store.name, fold)), [
        store,
      ]),
    );
    return builder.dsl.table<K, VA>(
      builder,
      name,
      materialized?.keySerde ?? keySerde,
      valueSerde,
      store.name,
      input.sourceNodes,
    );
  }
}
