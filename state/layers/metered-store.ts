/**
 * What the metered key-value, window and session stores share: the serde contexts of the store's
 * changelog topic, the null-key check, operation timings, iterator leak tracking, the lifecycle calls
 * passed to the byte store below, and the statistics built from both. Each kind adds only its own reads
 * and writes.
 */
import type { Serde, SerdeContext } from '../../schemas/serde.js';
import { StateStoreError } from '../errors.js';
import { OpenIterators, TransformingIterator } from '../internal/iterators.js';
import { type BytesStoreStatistics, changelogTopic } from '../internal/key-value-bytes-store.js';
import { type MeteredStore, OperationTimer, type StoreStatistics } from '../metrics.js';
import type { ChangelogRecord, KeyValueIterator, StateStore, StoreContext } from '../store.js';

/** What a metered store needs of the byte store below it, whatever the store's kind. */
export interface MeteredBytesStore extends StateStore {
  statistics(): BytesStoreStatistics;
}

/**
 * Base of the metered stores. Operations time themselves with `performance.now()` and
 * {@link OperationTimer.record} inline rather than through a callback helper: they run once per record,
 * and a closure per call is garbage the hot path does not need.
 */
export abstract class AbstractMeteredStore<K, V, I extends MeteredBytesStore> implements MeteredStore {
  /** The store kind its statistics report. */
  protected abstract readonly statisticsKind: StoreStatistics['kind'];
  protected readonly timer = new OperationTimer();
  /** Tracked here too: a cached store's scans may hold no iterator of the inner store at all. */
  protected readonly iterators: OpenIterators;
  private keyContext: SerdeContext = { topic: '', isKey: true };
  private valueContext: SerdeContext = { topic: '', isKey: false };

  constructor(
    protected readonly inner: I,
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
      kind: this.statisticsKind,
      persistent: this.persistent,
      operations: this.timer.operations,
      restoredRecords: this.timer.restoredRecords,
      approximateEntries: inner.approximateEntries,
      sizeBytes: inner.sizeBytes,
      // Only window and session stores expire records; a key-value store's statistics leave the field out.
      ...(this.statisticsKind === 'keyValue'
        ? {}
        : { droppedExpiredRecords: inner.droppedExpiredRecords ?? 0 }),
      ...(inner.cache === undefined ? {} : { cache: inner.cache }),
    };
  }

  /**
   * Wraps an iterator of the byte store below in a typed one that is closed with the store: keys go
   * through `keyOf`, values through the value serde.
   */
  protected typedIterator<IK, OK>(
    iterator: KeyValueIterator<IK, Buffer>,
    keyOf: (key: IK) => OK,
  ): KeyValueIterator<OK, V> {
    return this.iterators.track(
      (onClose) =>
        new TransformingIterator(
          this.name,
          iterator,
          ({ key, value }) => ({ key: keyOf(key), value: this.valueFrom(value) }),
          onClose,
        ),
    );
  }

  protected keyBytes(key: K): Buffer {
    const bytes = this.keySerde.serialize(key, this.keyContext);
    if (bytes === null) {
      throw new StateStoreError(
        'STRM_ERR_STORE_SERDE',
        `State store "${this.name}": key serde "${this.keySerde.name}" encoded a key as null; store keys must not be null`,
      );
    }
    return bytes;
  }

  /** A `null` or `undefined` value is a deletion, written as `null` bytes. */
  protected valueBytes(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext);
  }

  protected keyFrom(bytes: Buffer): K {
    return this.keySerde.deserialize(bytes, this.keyContext);
  }

  protected valueFrom(bytes: Buffer): V {
    return this.valueSerde.deserialize(bytes, this.valueContext);
  }

  /** A flushed value as the typed flush listener reports it: absent (`null` or `undefined`) as `undefined`. */
  protected flushedValue(bytes: Buffer | null | undefined): V | undefined {
    return bytes === null || bytes === undefined ? undefined : this.valueFrom(bytes);
  }
}
