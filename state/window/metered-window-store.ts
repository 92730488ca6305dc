/**
 * The outermost layer of a window store: serdes for keys and values, operation timings, iterator leak
 * tracking, and the typed flush listener of the record cache below.
 */
import type { CachedStateStore, FlushListener } from '../layers/metered-key-value-store.js';
import { AbstractMeteredStore } from '../layers/metered-store.js';
import type { KeyValueIterator, Windowed, WindowStore } from '../store.js';
import type { SegmentedWindowStore, WindowEntry } from './segmented-window-store.js';

/** A typed, metered window store. */
export class MeteredWindowStore<K, V>
  extends AbstractMeteredStore<K, V, SegmentedWindowStore>
  implements WindowStore<K, V>, CachedStateStore<Windowed<K>, V>
{
  protected readonly statisticsKind = 'window' as const;

  get retentionMs(): number {
    return this.inner.shape.retentionMs;
  }

  /** The size of the windows, which turns a window start into a {@link Windowed} key's end. */
  get windowSizeMs(): number {
    return this.inner.shape.windowSizeMs;
  }

  setFlushListener(listener: FlushListener<Windowed<K>, V>): boolean {
    return this.inner.setFlushListener((key, windowStart, newValue, oldValue, timestamp, headers) => {
      listener(
        this.windowed(key, windowStart),
        this.flushedValue(newValue),
        this.flushedValue(oldValue),
        timestamp,
        headers,
      );
    });
  }

  put(key: K, value: V | null, windowStart: number): void {
    const start = performance.now();
    this.inner.put(this.keyBytes(key), this.valueBytes(value), windowStart);
    this.timer.record('put', start);
  }

  fetch(key: K, windowStart: number): V | undefined {
    const start = performance.now();
    const bytes = this.inner.fetch(this.keyBytes(key), windowStart);
    const value = bytes === undefined ? undefined : this.valueFrom(bytes);
    this.timer.record('fetch', start);
    return value;
  }

  fetchRange(key: K, timeFrom: number, timeTo: number): KeyValueIterator<number, V> {
    const start = performance.now();
    const iterator = this.typedIterator(
      this.inner.fetchRange(this.keyBytes(key), timeFrom, timeTo),
      (windowStart) => windowStart,
    );
    this.timer.record('fetch', start);
    return iterator;
  }

  fetchKeyRange(keyFrom: K, keyTo: K, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    const start = performance.now();
    const iterator = this.typed(
      this.inner.fetchKeyRange(this.keyBytes(keyFrom), this.keyBytes(keyTo), timeFrom, timeTo),
    );
    this.timer.record('fetch', start);
    return iterator;
  }

  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V> {
    const start = performance.now();
    const iterator = this.typed(this.inner.fetchKeyRange(undefined, undefined, timeFrom, timeTo));
    this.timer.record('fetch', start);
    return iterator;
  }

  all(): KeyValueIterator<Windowed<K>, V> {
    const start = performance.now();
    const iterator = this.typed(this.inner.all());
    this.timer.record('all', start);
    return iterator;
  }

  private typed(iterator: KeyValueIterator<WindowEntry, Buffer>): KeyValueIterator<Windowed<K>, V> {
    return this.typedIterator(iterator, (entry) => this.windowed(entry.key, entry.windowStart));
  }

  private windowed(key: Buffer, windowStart: number): Windowed<K> {
    return {
      key: this.keyFrom(key),
      window: { start: windowStart, end: windowStart + this.inner.shape.windowSizeMs },
    };
  }
}
