/**
 * The outermost layer of a key-value store: turns typed keys and values into bytes through the store's
 * serdes (in the serde context of its changelog topic), times every operation, and exposes the flush
 * listener of the record cache below it, typed.
 */
import type { Serde, SerdeContext } from '../../schemas/serde.js';
import { StateStoreError } from '../errors.js';
import { OpenIterators, TransformingIterator } from '../internal/iterators.js';
import { changelogTopic, type KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import { type MeteredStore, OperationTimer, type StoreStatistics } from '../metrics.js';
import type { ChangelogRecord, KeyValue, KeyValueIterator, KeyValueStore, StoreContext } from '../store.js';
import type { CachingKeyValueStore } from './caching-key-value-store.js';

/**
 * Told about each entry the record cache writes below at a commit (or eviction): the key, its new value
 * (`undefined` for a deletion), the value it replaced, and the timestamp of the record that wrote it.
 * Kafka Streams calls this a `TimestampedCacheFlushListener`.
 */
export type FlushListener<K, V> = (
  key: K,
  newValue: V | undefined,
  oldValue: V | undefined,
  timestamp: number,
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
export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V>, MeteredStore {
  private readonly timer = new OperationTimer();
  /** Tracked here too: a cached store's scans may hold no iterator of the inner store at all. */
  private readonly iterators: OpenIterators;
  private keyContext: SerdeContext = { topic: '', isKey: true };
  private valueContext: SerdeContext = { topic: '', isKey: false };

  /**
   * @param inner the byte-store stack (caching, change-logging, inner store)
   * @param cache the caching layer inside `inner`, when caching is on
   */
  constructor(
    private readonly inner: KeyValueBytesStore,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
    private readonly cache?: CachingKeyValueStore,
  ) {
    this.iterators = new OpenIterators(inner.name);
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  async init(context: StoreContext): Promise<void> {
    const topic = changelogTopic(context, this.name);
    this.keyContext = { topic, isKey: true };
    this.valueContext = { topic, isKey: false };
    await this.inner.init(context);
  }

  async flush(): Promise<void> {
    const start = performance.now();
    await this.inner.flush();
    this.timer.record('flush', start);
  }

  async close(): Promise<void> {
    const leak = this.iterators.closeAll();
    await this.inner.close();
    if (leak) throw leak;
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  setFlushListener(listener: FlushListener<K, V>): boolean {
    if (this.cache === undefined) return false;
    return this.cache.setFlushListener((key, newValue, oldValue, timestamp) => {
      listener(
        this.keyFrom(key),
        newValue === null ? undefined : this.valueFrom(newValue),
        oldValue === undefined ? undefined : this.valueFrom(oldValue),
        timestamp,
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

  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void {
    const start = performance.now();
    this.inner.restoreBatch(records);
    this.timer.restoredRecords += records.length;
    this.timer.record('restore', start);
  }

  statistics(): StoreStatistics {
    const inner = this.inner.statistics();
    return {
      storeName: this.name,
      kind: 'keyValue',
      persistent: this.persistent,
      operations: this.timer.operations,
      restoredRecords: this.timer.restoredRecords,
      approximateEntries: inner.approximateEntries,
      sizeBytes: inner.sizeBytes,
      ...(inner.cache === undefined ? {} : { cache: inner.cache }),
    };
  }

  private typed(iterator: KeyValueIterator<Buffer, Buffer>): KeyValueIterator<K, V> {
    return this.iterators.track(
      (onClose) =>
        new TransformingIterator(
          this.name,
          iterator,
          ({ key, value }) => ({ key: this.keyFrom(key), value: this.valueFrom(value) }),
          onClose,
        ),
    );
  }

  private keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(key, this.keyContext);
    if (bytes === null) {
      throw new StateStoreError(
        'STRM_ERR_STORE_SERDE',
        `State store "${this.name}": key serde "${this.keySerde.name}" encoded a key as null; store keys must not be null`,
      );
    }
    return bytes;
  }

  private valueBytes(value: V): Buffer | null {
    return value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext);
  }

  private keyFrom(bytes: Buffer): K {
    return this.keySerde.deserialize(bytes, this.keyContext);
  }

  private valueFrom(bytes: Buffer): V {
    return this.valueSerde.deserialize(bytes, this.valueContext);
  }
}
