/**
 * `SessionWindowedKStream<K, V>`: a grouped stream cut into per-key sessions of activity, ready to
 * aggregate per session into a `KTable<Windowed<K>, VA>`.
 */
import type { Serde } from '../schemas/serde.js';
import type { Windowed } from '../state/store.js';
import {
  type SessionAggregation,
  sessionWindowAggregateSupplier,
} from './internal/operators/session-window-aggregate.js';
import { sessionStoreValueGetter } from './internal/operators/windowed-value-getter.js';
import {
  aggregationStoreOptions,
  retentionOf,
  sessionStoreBuilder,
} from './internal/windows/window-stores.js';
import { windowedAggregation } from './internal/windows/windowed-step.js';
import type { KGroupedStream } from './kgrouped-stream.js';
import type { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import { numberSerde } from './serdes/number-serde.js';
import type { SessionWindows } from './session-windows.js';
import { WindowedSerdes } from './windowed-serdes.js';

/**
 * A session-windowed, grouped stream. When a record merges sessions, the table deletes the merged
 * sessions (a `null` value for each) and adds the new one, so downstream always sees the live sessions.
 *
 * @example
 * const visits: KTable<Windowed<string>, number> = clicks
 *   .groupByKey()
 *   .windowedBy(SessionWindows.ofInactivityGapAndGrace(30 * 60_000, 60_000))
 *   .count(Materialized.as('visits'));
 */
export class SessionWindowedKStream<K, V> {
  /** @internal Created by `KGroupedStream.windowedBy`. */
  constructor(
    private readonly grouped: KGroupedStream<K, V>,
    /** The session definition. */
    readonly windows: SessionWindows,
  ) {}

  /** Counts records per key and session. */
  count(materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    return this.aggregateWith(
      {
        initial: () => 0,
        add: (_k, _v, count) => (count ?? 0) + 1,
        merge: (_k, count, other) => (count ?? 0) + other,
      },
      materialized,
      numberSerde(),
    );
  }

  /** Combines the values of each session; `reducer` also combines two sessions that merge. */
  reduce(reducer: (aggregate: V, value: V) => V, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    return this.aggregateWith(
      {
        initial: () => undefined,
        add: (_k, value, aggregate) => (aggregate === undefined ? value : reducer(aggregate, value)),
        merge: (_k, aggregate, other) => (aggregate === undefined ? other : reducer(aggregate, other)),
      },
      materialized,
      this.grouped.grouped?.valueSerde ?? this.grouped.stream.valueSerde,
    );
  }

  /**
   * Folds the values of each session into an aggregate that starts from `initializer()`; `merger`
   * combines the aggregates of two sessions that a record bridges.
   */
  aggregate<VA>(
    initializer: () => VA,
    aggregator: (key: K, value: V, aggregate: VA) => VA,
    merger: (key: K, aggregate: VA, other: VA) => VA,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    return this.aggregateWith(
      {
        initial: initializer,
        add: (key, value, aggregate) => aggregator(key, value, aggregate ?? initializer()),
        merge: (key, aggregate, other) => merger(key, aggregate ?? initializer(), other),
      },
      materialized,
      undefined,
    );
  }

  private aggregateWith<VA>(
    aggregation: SessionAggregation<K, V, VA>,
    materialized: Materialized<K, VA> | undefined,
    defaultValueSerde: Serde<VA> | undefined,
  ): KTable<Windowed<K>, VA> {
    const windows = this.windows;
    const valueSerde = materialized?.valueSerde ?? defaultValueSerde;
    return windowedAggregation(this.grouped, 'KSTREAM-AGGREGATE', materialized, (step) => {
      const keySerde = materialized?.keySerde ?? step.keySerde;
      // A session may still merge with a record up to a gap later, which may itself arrive within the grace.
      const retentionMs = retentionOf(
        materialized,
        2 * windows.inactivityGapMs + windows.graceMs + 1,
        'session windows',
      );
      const store = sessionStoreBuilder(
        this.grouped.stream.builder,
        step.storeName,
        aggregationStoreOptions(materialized),
        retentionMs,
        keySerde,
        valueSerde,
      );
      return {
        supplier: sessionWindowAggregateSupplier(store.name, windows, aggregation, step.reportDrop),
        stores: [store],
        valueGetter: sessionStoreValueGetter<K, VA>(store.name),
        tableKeySerde: keySerde === undefined ? undefined : WindowedSerdes.sessionWindowed(keySerde),
        tableValueSerde: valueSerde,
        closing: { closeDelayMs: windows.inactivityGapMs + windows.graceMs, inclusiveEnd: true },
      };
    });
  }
}
