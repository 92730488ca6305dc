/**
 * `SessionWindowedKStream.count/reduce/aggregate`: finds the sessions of the record's key within the
 * inactivity gap of its timestamp, merges them with the record into one session, removes the merged ones
 * (forwarding a deletion for each) and forwards the new session's aggregate. A session closes when stream
 * time passes its end plus the gap plus the grace period; a record that would only extend a closed
 * session is dropped and reported (Kafka Streams' `KStreamSessionWindowAggregate`).
 */
import type { SessionStore, Windowed } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { SessionWindows } from '../../session-windows.js';
import { CacheForwarder } from './cache-forwarder.js';
import type { Change } from './change.js';
import { type DropReporter, lacksKeyOrValue } from './dropped-record-reporter.js';

/** How a session aggregation starts, adds a record, and merges two sessions' aggregates. */
export interface SessionAggregation<K, V, VA> {
  /** The aggregate of an empty session (`undefined` for reduce: the first value starts it). */
  readonly initial: () => VA | undefined;
  readonly add: (key: K, value: V, aggregate: VA | undefined) => VA;
  readonly merge: (key: K, aggregate: VA | undefined, other: VA) => VA;
}

export function sessionWindowAggregateSupplier<K, V, VA>(
  storeName: string,
  windows: SessionWindows,
  aggregation: SessionAggregation<K, V, VA>,
  reportDrop: DropReporter,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const gap = windows.inactivityGapMs;
  return () => {
    let context: ProcessorContext<Windowed<K>, Change<VA>>;
    let store: SessionStore<K, VA>;
    let forwarder: CacheForwarder<Windowed<K>, VA>;
    return {
      init(c) {
        context = c;
        store = c.getStateStore<SessionStore<K, VA>>(storeName);
        forwarder = new CacheForwarder(store, c);
      },
      process(record) {
        const untyped = context as unknown as ProcessorContext<unknown, unknown>;
        if (lacksKeyOrValue(record)) {
          reportDrop(untyped, record, 'null-key-or-value');
          return;
        }
        const { key, timestamp, headers } = record;
        const closeTime = context.currentStreamTimeMs() - windows.graceMs - gap;
        const iterator = store.findSessions(key, timestamp - gap, timestamp + gap);
        let overlapping: Array<{ key: Windowed<K>; value: VA }>;
        try {
          overlapping = [...iterator];
        } finally {
          iterator.close();
        }
        let start = timestamp;
        let end = timestamp;
        for (const session of overlapping) {
          start = Math.min(start, session.key.window.start);
          end = Math.max(end, session.key.window.end);
        }
        if (end < closeTime) {
          reportDrop(untyped, record, 'window-closed', { start, end });
          return;
        }
        let aggregate = aggregation.initial();
        for (const session of overlapping) {
          aggregate = aggregation.merge(key, aggregate, session.value);
          store.remove(session.key);
          forwarder.maybeForward({
            key: session.key,
            value: { newValue: null, oldValue: session.value },
            timestamp,
            headers,
          });
        }
        const merged: Windowed<K> = { key, window: { start, end } };
        const newValue = aggregation.add(key, record.value, aggregate);
        store.put(merged, newValue);
        forwarder.maybeForward({ key: merged, value: { newValue, oldValue: null }, timestamp, headers });
      },
    };
  };
}
