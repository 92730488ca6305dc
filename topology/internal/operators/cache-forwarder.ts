/**
 * How a stateful DSL operator forwards its table changes (Kafka Streams' `TimestampedTupleForwarder`):
 * when its store has a record cache, the cache's flush listener forwards each key's latest change once,
 * when the entry leaves the cache (at commit, or evicted when the task's cache is full), and the operator
 * forwards nothing itself; without a cache, the operator forwards every change as it makes it.
 */
import { isCachedStateStore } from '../../../state/layers/metered-key-value-store.js';
import type { StateStore } from '../../../state/store.js';
import type { ProcessorContext } from '../../processor.js';
import { NO_HEADERS, type StreamRecord } from '../../record.js';
import type { Change } from './change.js';

/** Forwards changes of `store`'s keys through its cache, or directly when it has none. */
export class CacheForwarder<K, V> {
  private readonly cached: boolean;

  constructor(
    store: StateStore,
    private readonly context: ProcessorContext<K, Change<V>>,
  ) {
    this.cached =
      isCachedStateStore<K, V>(store) &&
      store.setFlushListener((key, newValue, oldValue, timestamp, headers) => {
        context.forward({
          key,
          value: { newValue: newValue ?? null, oldValue: oldValue ?? null },
          // Those of the record that last wrote the key, as Kafka Streams' cache keeps its record context.
          timestamp,
          headers: headers ?? NO_HEADERS,
        });
      });
  }

  /** True when changes go out through the cache. */
  get cachingEnabled(): boolean {
    return this.cached;
  }

  /** Forwards `record` unless the cache will (when the store has one). */
  maybeForward(record: StreamRecord<K, Change<V>>): void {
    if (!this.cached) this.context.forward(record);
  }
}
