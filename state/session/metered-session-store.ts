/**
 * The outermost layer of a session store: serdes for keys and values, operation timings, iterator leak
 * tracking, and the typed flush listener of the record cache below.
 */
import type { Serde, SerdeContext } from '../../schemas/serde.js';
import { StateStoreError } from '../errors.js';
import { OpenIterators, TransformingIterator } from '../internal/iterators.js';
import { changelogTopic } from '../internal/key-value-bytes-store.js';
import type { CachedStateStore, FlushListener } from '../layers/metered-key-value-store.js';
import { type MeteredStore, OperationTimer, type StoreStatistics } from '../metrics.js';
import type { ChangelogRecord, KeyValueIterator, SessionStore, StoreContext, Windowed } from '../store.js';
import type { SegmentedSessionStore } from './segmented-session-store.js';
import type { SessionKey } from './session-key-schema.js';

/** A typed, metered session store. */
export class MeteredSessionStore<K, V>
  implements SessionStore<K, V>, CachedStateStore<Windowed<K>, V>, MeteredStore
{
  private readonly timer = new OperationTimer();
  private readonly iterators: OpenIterators;
  private keyContext: SerdeContext = { topic: '', isKey: true };
  private valueContext: SerdeContext = { topic: '', isKey: false };

  constructor(
    private readonly inner: SegmentedSessionStore,
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
    return this.inner.retentionMs;
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
    return this.inner.setFlushListener((session, newValue, oldValue, timestamp) => {
      listener(
        this.windowed(session),
        newValue === null ? undefined : this.valueFrom(newValue),
        oldValue === undefined ? undefined : this.valueFrom(oldValue),
        timestamp,
      );
    });
  }

  put(session: Windowed<K>, value: V): void {
    const start = performance.now();
    const bytes =
      value === null || value === undefined ? null : this.valueSerde.serialize(value, this.valueContext);
    this.inner.put(this.keyBytes(session.key), session.window.start, session.window.end, bytes);
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
    const inner = this.inner.findSessions(this.keyBytes(key), earliestSessionEnd, latestSessionStart);
    const iterator = this.iterators.track(
      (onClose) =>
        new TransformingIterator(
          this.name,
          inner,
          (entry) => ({ key: this.windowed(entry.key), value: this.valueFrom(entry.value) }),
          onClose,
        ),
    );
    this.timer.record('fetch', start);
    return iterator;
  }

  fetch(key: K): KeyValueIterator<Windowed<K>, V> {
    return this.findSessions(key, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
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
      kind: 'session',
      persistent: this.persistent,
      operations: this.timer.operations,
      restoredRecords: this.timer.restoredRecords,
      approximateEntries: inner.approximateEntries,
      sizeBytes: inner.sizeBytes,
      droppedExpiredRecords: inner.droppedExpiredRecords ?? 0,
      ...(inner.cache === undefined ? {} : { cache: inner.cache }),
    };
  }

  private windowed(session: SessionKey): Windowed<K> {
    return {
      key: this.keySerde.deserialize(session.key, this.keyContext),
      window: { start: session.start, end: session.end },
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
