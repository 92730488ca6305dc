/**
 * The outermost layer of a window store: serdes for keys and values, operation timings, iterator leak
 * tracking, and the typed flush listener of the record cache below.
 */
import type { Serde, SerdeContext } from '../../schemas/serde.js';
import { StateStoreError } from '../errors.js';
import { OpenIterators, TransformingIterator } from '../internal/iterators.js';
import { changelogTopic } from '../internal/key-value-bytes-store.js';
import type { CachedStateStore, FlushListener } from '../layers/metered-key-value-store.js';
import { type MeteredStore, OperationTimer, type StoreStatistics } from '../metrics.js';
import type { ChangelogRecord, KeyValueIterator, StoreContext, Windowed, WindowStore } from '../store.js';
import type { SegmentedWindowStore, WindowEntry } from './segmented-window-store.js';

/** A typed, metered window store. */
export class MeteredWindowStore<K, V>
  implements WindowStore<K, V>, CachedStateStore<Windowed<K>, V>, MeteredStore
{
  private readonly timer = new OperationTimer();
  private readonly iterators: OpenIterators;
  private keyContext: SerdeContext = { topic: '', isKey: true };
  private valueContext: SerdeContext = { topic: '', isKey: false };

  constructor(
    private readonly inner: SegmentedWindowStore,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {
    this.iterators = new OpenIterators(inner.name);
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get retentionMs(): number {
    return this.inner.shape.retentionMs;
  }

  /** The size of the windows, which turns a window start into a {@link Windowed} key's end. */
  get windowSizeMs(): number {
    return this.inner.shape.windowSizeMs;
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

  setFlushListener(listener: FlushListener<Windowed<K>, V>): boolean {
    return this.inner.setFlushListener((key, windowStart, newValue, oldValue, timestamp) => {
      listener(
        this.windowed(key, windowStart),
        newValue === null ? undefined : this.valueFrom(newValue),
        oldValue === undefined ? undefined : this.valueFrom(oldValue),
        timestamp,
      );
    });
  }

  put(key: K, value: V | null, windowStart: number): void {
    const start = performance.now();
    const valueBytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext);
    this.inner.put(this.keyBytes(key), valueBytes, windowStart);
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
    const inner = this.inner.fetchRange(this.keyBytes(key), timeFrom, timeTo);
    const iterator = this.iterators.track(
      (onClose) =>
        new TransformingIterator(
          this.name,
          inner,
          (entry) => ({ key: entry.key, value: this.valueFrom(entry.value) }),
          onClose,
        ),
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
      kind: 'window',
      persistent: this.persistent,
      operations: this.timer.operations,
      restoredRecords: this.timer.restoredRecords,
      approximateEntries: inner.approximateEntries,
      sizeBytes: inner.sizeBytes,
      droppedExpiredRecords: inner.droppedExpiredRecords ?? 0,
      ...(inner.cache === undefined ? {} : { cache: inner.cache }),
    };
  }

  private typed(iterator: KeyValueIterator<WindowEntry, Buffer>): KeyValueIterator<Windowed<K>, V> {
    return this.iterators.track(
      (onClose) =>
        new TransformingIterator(
          this.name,
          iterator,
          ({ key, value }) => ({
            key: this.windowed(key.key, key.windowStart),
            value: this.valueFrom(value),
          }),
          onClose,
        ),
    );
  }

  private windowed(key: Buffer, windowStart: number): Windowed<K> {
    return {
      key: this.keySerde.deserialize(key, this.keyContext),
      window: { start: windowStart, end: windowStart + this.inner.shape.windowSizeMs },
    };
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

  private valueFrom(bytes: Buffer): V {
    return this.valueSerde.deserialize(bytes, this.valueContext);
  }
}
