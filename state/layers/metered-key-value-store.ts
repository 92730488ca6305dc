/**
 * The outermost layer of a key-value store: turns typed keys and values into bytes through the store's
 * serdes (in the serde context of its changelog topic), times every operation, and exposes the flush
 * listener of the record cache below it, typed.
 */
import type { Serde } from '../../schemas/serde.js';
import type { KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import type { KeyValue, KeyValueIterator, KeyValueStore, RecordHeaders } from '../store.js';
import type { CachingKeyValueStore } from './caching-key-value-store.js';
import { AbstractMeteredStore } from './metered-store.js';

/**
 * Told about each entry the record cache writes below at a commit (or eviction): the key, its new value
 * (`undefined` for a deletion), the value it replaced, and the timestamp and headers (when the store's
 * context gives them) of the record that wrote it. Kafka Streams calls this a
 * `TimestampedCacheFlushListener`.
 */
export type FlushListener<K, V> = (
  key: K,
  newValue: V | undefined,
  oldValue: V | undefined,
  timestamp: number,
  headers?: RecordHeaders,
) => void;

/** A store whose record cache can report flushed entries (see {@link FlushListener}). */
export interface CachedStateStore<K, V> {
  /**
   * Registers the listener; returns true when caching is on (the listener will be called), false when it
   * is off (the caller should forward each write itself).
   */
  setFlushListener(listener: FlushListener<K, V>): boolean;
}

/** True when `store` offers {@link CachedStateStore.setFlushListener}. */
export function isCachedStateStore<K, V>(store: unknown): store is CachedStateStore<K, V> {
  return typeof (store as Partial<CachedStateStore<K, V>> | null)?.setFlushListener === 'function';
}

/** A typed, metered key-value store over a stack of byte stores. */
export class MeteredKeyValueStore<K, V>
  extends AbstractMeteredStore<K, V, KeyValueBytesStore>
  implements KeyValueStore<K, V>, CachedStateStore<K, V>
{
  protected readonly statisticsKind = 'keyValue' as const;

  /**
   * @param inner the byte-store stack (caching, change-logging, inner store)
   * @param cache the caching layer inside `inner`, when caching is on
   */
  constructor(
    inner: KeyValueBytesStore,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    private readonly cache?: CachingKeyValueStore,
  ) {
    super(inner, keySerde, valueSerde);
  }

  setFlushListener(listener: FlushListener<K, V>): boolean {
    if (this.cache === undefined) return false;
    return this.cache.setFlushListener((key, newValue, oldValue, timestamp, headers) => {
      listener(
        this.keyFrom(key),
        this.flushedValue(newValue),
        this.flushedValue(oldValue),
        timestamp,
        headers,
      );
    });
  }

  get(key: K): V | undefined {
    const start = performance.now();
    const bytes = this.inner.get(this.keyBytes(key));
    const value = bytes === undefined ? undefined : this.valueFrom(bytes);
    this.timer.record('get', start);
    return value;
  }

  put(key: K, value: V): void {
    const start = performance.now();
    this.inner.put(this.keyBytes(key), this.valueBytes(value));
    this.timer.record('put', start);
  }

  putIfAbsent(key: K, value: V): V | undefined {
    const start = performance.now();
    const keyBytes = this.keyBytes(key);
    const valueBytes = this.valueBytes(value);
    const existing =
      valueBytes === null ? this.inner.get(keyBytes) : this.inner.putIfAbsent(keyBytes, valueBytes);
    this.timer.record('putIfAbsent', start);
    return existing === undefined ? undefined : this.valueFrom(existing);
  }

  putAll(entries: ReadonlyArray<KeyValue<K, V>>): void {
    const start = performance.now();
    this.inner.putAll(
      entries.map(({ key, value }) => ({ key: this.keyBytes(key), value: this.valueBytes(value) })),
    );
    this.timer.record('putAll', start);
  }

  delete(key: K): V | undefined {
    const start = performance.now();
    const existing = this.inner.delete(this.keyBytes(key));
    this.timer.record('delete', start);
    return existing === undefined ? undefined : this.valueFrom(existing);
  }

  range(from?: K, to?: K): KeyValueIterator<K, V> {
    const start = performance.now();
    const iterator = this.typed(
      this.inner.range(
        from === undefined ? undefined : this.keyBytes(from),
        to === undefined ? undefined : this.keyBytes(to),
      ),
    );
    this.timer.record('range', start);
    return iterator;
  }

  all(): KeyValueIterator<K, V> {
    const start = performance.now();
    const iterator = this.typed(this.inner.all());
    this.timer.record('all', start);
    return iterator;
  }

  prefixScan(prefix: K): KeyValueIterator<K, V> {
    const start = performance.now();
    const iterator = this.typed(this.inner.prefixScan(this.keyBytes(prefix)));
    this.timer.record('prefixScan', start);
    return iterator;
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  private typed(iterator: KeyValueIterator<Buffer, Buffer>): KeyValueIterator<K, V> {
    return this.typedIterator(iterator, (key) => this.keyFrom(key));
  }
}
