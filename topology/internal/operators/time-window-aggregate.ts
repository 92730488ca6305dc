/**
 * `TimeWindowedKStream.count/reduce/aggregate` over tumbling and hopping windows: folds each record into
 * the aggregate of every window that contains it, in a window store, and forwards each window's change
 * keyed by `Windowed<K>`: through the store's record cache when it has one (the DSL's default: only the
 * latest value of each window at each commit or eviction), else at every update. A window closes when stream time reaches its end plus the grace period; a
 * record for a closed window is dropped for that window and reported (Kafka Streams' `KStreamWindowAggregate`).
 */
import type { Windowed, WindowStore } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { TimeWindows } from '../../time-windows.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';
import { type DropReporter, lacksKeyOrValue } from './dropped-record-reporter.js';
import type { Fold } from './stream-aggregate.js';

export function timeWindowAggregateSupplier<K, V, VA>(
  storeName: string,
  windows: TimeWindows,
  fold: Fold<K, V, VA>,
  reportDrop: DropReporter,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  return () => {
    let context: ProcessorContext<Windowed<K>, Change<VA>>;
    let store: WindowStore<K, VA>;
    let forwarder: CacheForwarder<Windowed<K>, VA>;
    return {
      init(c) {
        context = c;
        store = c.getStateStore<WindowStore<K, VA>>(storeName);
        forwarder = new CacheForwarder(store, c);
      },
      process(record) {
        const untyped = context as unknown as ProcessorContext<unknown, unknown>;
        if (lacksKeyOrValue(record)) {
          reportDrop(untyped, record, 'null-key-or-value');
          return;
        }
        // Stream time already includes this record; a window is open while its end is after the close time.
        const closeTime = context.currentStreamTimeMs() - windows.graceMs;
        for (const window of windows.windowsFor(record.timestamp)) {
          if (window.end <= closeTime) {
            reportDrop(untyped, record, 'window-closed', window);
            continue;
          }
          const oldValue = store.fetch(record.key, window.start);
          const newValue = fold(record.key, record.value, oldValue);
          store.put(record.key, newValue, window.start);
          forwarder.maybeForward({
            key: { key: record.key, window },
            value: { newValue, oldValue: oldValue ?? null },
            timestamp: record.timestamp,
            headers: record.headers,
          });
        }
      },
    };
  };
}
