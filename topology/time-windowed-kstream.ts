/**
 * `TimeWindowedKStream<K, V>`: a grouped stream cut into time windows (tumbling, hopping or sliding),
 * ready to aggregate per key and window into a `KTable<Windowed<K>, VA>`.
 */
import type { Serde } from '../schemas/serde.js';
import type { Windowed } from '../state/store.js';
import { slidingWindowAggregateSupplier } from './internal/operators/sliding-window-aggregate.js';
import type { Fold } from './internal/operators/stream-aggregate.js';
import { timeWindowAggregateSupplier } from './internal/operators/time-window-aggregate.js';
import { windowStoreValueGetter } from './internal/operators/windowed-value-getter.js';
import {
  aggregationStoreOptions,
  retentionOf,
  windowStoreBuilder,
} from './internal/windows/window-stores.js';
import { windowedAggregation } from './internal/windows/windowed-step.js';
import type { KGroupedStream } from './kgrouped-stream.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { numberSerde } from './serdes/number-serde.js';
import { SlidingWindows } from './sliding-windows.js';
import type { TimeWindows } from './time-windows.js';
import { WindowedSerdes } from './windowed-serdes.js';

/**
 * A windowed, grouped stream. Each aggregate lives in a window store (named by `Materialized.as`, kept
 * for the window size plus the grace period unless `Materialized.withRetention` says longer) and every update is emitted as a table change; to see only
 * each window's final result, `suppress(Suppressed.untilWindowCloses(...))` the table.
 *
 * @example
 * const perHour: KTable<Windowed<string>, number> = bookings
 *   .groupByKey()
 *   .windowedBy(TimeWindows.ofSizeAndGrace(3_600_000, 60_000))
 *   .count(Materialized.as('bookings-per-hour'));
 */
export class TimeWindowedKStream<K, V> {
  /** @internal Created by `KGroupedStream.windowedBy`. */
  constructor(
    private readonly grouped: KGroupedStream<K, V>,
    /** The windows records are aggregated in. */
    readonly windows: TimeWindows | SlidingWindows,
  ) {}

  /** Counts records per key and window. */
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    return this.aggregateWith(
      (_k, _v, previous: number | undefined) => (previous ?? 0) + 1,
      materialized,
      numberSerde(),
    );
  }

  /** Combines the values of each key and window; the window's first value is its initial aggregate. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    return this.aggregateWith(
      (_k, value: V, previous: V | undefined) => (previous === undefined ? value : reducer(previous, value)),
      materialized,
      this.grouped.grouped?.valueSerde ?? this.grouped.stream.valueSerde,
    );
  }

  /** Folds the values of each key and window into an aggregate that starts from `initializer()`. */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    return this.aggregateWith(
      (key, value: V, previous: VA | undefined) => aggregator(key, value, previous ?? initializer()),
      materialized,
      undefined,
    );
  }

  private aggregateWith<VA>(
    fold: Fold<K, V, VA>,
    materialized: Materialized<K, VA> | undefined,
    defaultValueSerde: Serde<VA> | undefined,
  ): KTable<Windowed<K>, VA> {
    const windows = this.windows;
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    return windowedAggregation(this.grouped, 'KSTREAM-AGGREGATE', materialized, (step) => {
      const keySerde = materialized?.keySerde ?? step.keySerde;
      const tableKeySerde = (size: number) =>
        keySerde === undefined ? undefined : WindowedSerdes.timeWindowed(keySerde, size);
      const builder = this.grouped.stream.builder;
      if (windows instanceof SlidingWindows) {
        const difference = windows.timeDifferenceMs;
        // Windows touched by a record reach one difference either side of it, plus the grace period.
        const shape = { retentionMs: 2 * difference + windows.graceMs + 1, windowSizeMs: difference };
        const store = windowStoreBuilder(
          builder,
          step.storeName,
          aggregationStoreOptions(materialized),
          {
            ...shape,
            retentionMs: retentionOf(materialized, shape.retentionMs, 'sliding windows'),
            retainDuplicates: false,
          },
          keySerde,
          valueSerde,
        );
        // The records themselves, to aggregate the windows a record creates.
        const records = windowStoreBuilder<K, V>(
          builder,
          `${step.storeName}-records`,
          { storeType: materialized?.storeType, loggingEnabled: materialized?.loggingEnabled },
          { ...shape, retainDuplicates: true },
          keySerde,
          step.valueSerde,
        );
        return {
          supplier: slidingWindowAggregateSupplier(store.name, records.name, windows, fold, step.reportDrop),
          stores: [store, records],
          valueGetter: windowStoreValueGetter<K, VA>(store.name),
          tableKeySerde: tableKeySerde(difference),
          tableValueSerde: valueSerde,
          closing: { closeDelayMs: windows.graceMs, inclusiveEnd: true },
        };
      }
      const store = windowStoreBuilder(
        builder,
        step.storeName,
        aggregationStoreOptions(materialized),
        {
          retentionMs: retentionOf(materialized, windows.sizeMs + windows.graceMs, 'time windows'),
          windowSizeMs: windows.sizeMs,
          retainDuplicates: false,
        },
        keySerde,
        valueSerde,
      );
      return {
        supplier: timeWindowAggregateSupplier(store.name, windows, fold, step.reportDrop),
        stores: [store],
        valueGetter: windowStoreValueGetter<K, VA>(store.name),
        tableKeySerde: tableKeySerde(windows.sizeMs),
        tableValueSerde: valueSerde,
        closing: { closeDelayMs: windows.graceMs, inclusiveEnd: false },
      };
    });
  }
}
