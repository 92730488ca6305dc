/**
 * `TimeWindowedKStream` over `SlidingWindows`: keeps each key's records (for the window span plus the
 * grace period) beside the window aggregates, and per record updates every window that contains it and
 * creates the windows it brings into being: its own window `[t - d, t]`, the windows `[r + 1, r + 1 + d]`
 * just after earlier records `r` that now hold a record, and its own window `[t + 1, t + 1 + d]` when an
 * out-of-order record already lies there. New windows are aggregated from the kept records; existing ones
 * fold the record in. Windows never start before 0 and include both ends, so a window closes once stream
 * time is past its end plus the grace period; a record whose every window has closed is dropped and reported.
 */
import type { KeyValueIterator, Windowed, WindowStore } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { StreamRecord } from '../../record.js';
import type { SlidingWindows } from '../../sliding-windows.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';
import { type DropReporter, lacksKeyOrValue } from './dropped-record-reporter.js';
import type { Fold } from './stream-aggregate.js';

/** Reads an iterator to an array and closes it (stores report leaked iterators). */
function drain<T, U>(iterator: KeyValueIterator<T, U>): Array<{ key: T; value: U }> {
  try {
    return [...iterator];
  } finally {
    iterator.close();
  }
}

export function slidingWindowAggregateSupplier<K, V, VA>(
  storeName: string,
  recordsStoreName: string,
  windows: SlidingWindows,
  fold: Fold<K, V, VA>,
  reportDrop: DropReporter,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const difference = windows.timeDifferenceMs;
  return () => {
    let context: ProcessorContext<Windowed<K>, Change<VA>>;
    let aggregates: WindowStore<K, VA>;
    let records: WindowStore<K, V>;
    let forwarder: CacheForwarder<Windowed<K>, VA>;

    const emit = (record: StreamRecord<K, V>, start: number, newValue: VA, oldValue: VA | undefined) => {
      aggregates.put(record.key, newValue, start);
      forwarder.maybeForward({
        key: { key: record.key, window: { start, end: start + difference } },
        value: { newValue, oldValue: oldValue ?? null },
        timestamp: record.timestamp,
        headers: record.headers,
      });
    };

    /**
     * Creates the window starting at `start` from `kept` (the key's records around the new one, oldest
     * first), unless it exists, was handled, or has closed.
     */
    const create = (
      record: StreamRecord<K, V>,
      start: number,
      closeTime: number,
      existing: ReadonlyMap<number, VA>,
      kept: ReadonlyArray<{ key: number; value: V }>,
      done: Set<number>,
    ) => {
      if (done.has(start) || start + difference < closeTime) return;
      done.add(start);
      if (existing.has(start)) return;
      let aggregate: VA | undefined;
      for (const { key: at, value } of kept) {
        if (at >= start && at <= start + difference) aggregate = fold(record.key, value, aggregate);
      }
      if (aggregate !== undefined) emit(record, start, aggregate, undefined);
    };

    return {
      init(c) {
        context = c;
        aggregates = c.getStateStore<WindowStore<K, VA>>(storeName);
        records = c.getStateStore<WindowStore<K, V>>(recordsStoreName);
        forwarder = new CacheForwarder(aggregates, c);
      },
      process(record) {
        const untyped = context as unknown as ProcessorContext<unknown, unknown>;
        if (lacksKeyOrValue(record)) {
          reportDrop(untyped, record, 'null-key-or-value');
          return;
        }
        const { key, timestamp } = record;
        // Windows include their end: one ending before the close time has closed.
        const closeTime = context.currentStreamTimeMs() - windows.graceMs;
        const leftStart = Math.max(0, timestamp - difference);
        // The window just after the record ends last of all windows the record touches.
        if (timestamp + 1 + difference < closeTime) {
          reportDrop(untyped, record, 'window-closed', { start: leftStart, end: leftStart + difference });
          return;
        }
        // One read of each store per record (a RocksDB store flushes its write batch before every read):
        // the windows that may change, and the records any window touched by this one can hold.
        const existing = new Map<number, VA>();
        for (const window of drain(aggregates.fetchRange(key, leftStart, timestamp + 1))) {
          existing.set(window.key, window.value);
        }
        const kept = drain(
          records.fetchRange(key, Math.max(0, timestamp - 1 - difference), timestamp + 1 + difference),
        );
        let at = kept.length;
        while (at > 0 && kept[at - 1]!.key > timestamp) at--;
        kept.splice(at, 0, { key: timestamp, value: record.value });
        records.put(key, record.value, timestamp);
        const done = new Set<number>();
        // Existing windows that contain the record fold it in.
        for (const [start, aggregate] of existing) {
          if (start > timestamp) continue;
          done.add(start);
          if (start + difference < closeTime) continue;
          emit(record, start, fold(key, record.value, aggregate), aggregate);
        }
        create(record, leftStart, closeTime, existing, kept, done);
        // Earlier records whose following window now holds this record.
        for (const previous of kept) {
          if (previous.key < timestamp) create(record, previous.key + 1, closeTime, existing, kept, done);
        }
        // An out-of-order record: later records may already lie in the window just after it.
        if (kept.some((later) => later.key > timestamp)) {
          create(record, timestamp + 1, closeTime, existing, kept, done);
        }
      },
    };
  };
}
