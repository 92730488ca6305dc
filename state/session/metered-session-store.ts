/**
 * The outermost layer of a session store: serdes for keys and values, operation timings, iterator leak
 * tracking, and the typed flush listener of the record cache below.
 */
import type { CachedStateStore, FlushListener } from '../layers/metered-key-value-store.js';
import { AbstractMeteredStore } from '../layers/metered-store.js';
import type { KeyValueIterator, SessionStore, Windowed } from '../store.js';
import type { SegmentedSessionStore } from './segmented-session-store.js';
import type { SessionKey } from './session-key-schema.js';

/** A typed, metered session store. */
export class MeteredSessionStore<K, V>
  extends AbstractMeteredStore<K, V, SegmentedSessionStore>
  implements SessionStore<K, V>, CachedStateStore<Windowed<K>, V>
{
  protected readonly statisticsKind = 'session' as const;

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  setFlushListener(listener: FlushListener<Windowed<K>, V>): boolean {
    return this.inner.setFlushListener((session, newValue, oldValue, timestamp, headers) => {
      listener(
        this.windowed(session),
        this.flushedValue(newValue),
        this.flushedValue(oldValue),
        timestamp,
        headers,
      );
    });
  }

  put(session: Windowed<K>, value: V): void {
    const start = performance.now();
    this.inner.put(
      this.keyBytes(session.key),
      session.window.start,
      session.window.end,
      this.valueBytes(value),
    );
    this.timer.record('put', start);
  }

  remove(session: Windowed<K>): void {
    const start = performance.now();
    this.inner.remove(this.keyBytes(session.key), session.window.start, session.window.end);
    this.timer.record('remove', start);
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined {
    const start = performance.now();
    const bytes = this.inner.fetchSession(this.keyBytes(key), sessionStart, sessionEnd);
    this.timer.record('fetch', start);
    return bytes === undefined ? undefined : this.valueFrom(bytes);
  }

  findSessions(
    key: K,
    earliestSessionEnd: number,
    latestSessionStart: number,
  ): KeyValueIterator<Windowed<K>, V> {
    const start = performance.now();
    const iterator = this.typedIterator(
      this.inner.findSessions(this.keyBytes(key), earliestSessionEnd, latestSessionStart),
      (session) => this.windowed(session),
    );
    this.timer.record('fetch', start);
    return iterator;
  }

  fetch(key: K): KeyValueIterator<Windowed<K>, V> {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  private windowed(session: SessionKey): Windowed<K> {
    return { key: this.keyFrom(session.key), window: { start: session.start, end: session.end } };
  }
}
