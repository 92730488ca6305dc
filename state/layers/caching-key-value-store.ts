/**
 * The caching layer, Kafka Streams' `CachingKeyValueStore`: writes to a key between two commits are
 * absorbed in the record cache and only the latest value goes below (to the change-logging layer and the
 * store) when the task's cache is flushed at commit (`flush()`), or earlier when the task's cache is over
 * its budget and evicts the entry. A flush listener learns each (key, new value, old value) written below,
 * which is how a DSL aggregation emits once per key per commit. Reads see unflushed writes: gets hit the
 * cache, scans merge its dirty entries over the store.
 *
 * The cache is the task's share of the instance's budget (`StoreContext.recordCache`, see
 * `state/cache/`); a store opened without one (a unit test, a tool) gets a cache of its own of `maxBytes`.
 */

import { type CacheEntry, type CacheFlusher, type NamedCache, TaskCache } from '../cache/task-cache.js';
import { DEFAULT_CACHE_MAX_BYTES } from '../cache/thread-cache.js';
import { storeNotOpen } from '../errors.js';
import { bytesToKey, compareBytes, prefixUpperBound } from '../internal/bytes.js';
import { MergingBytesIterator, type PendingEntry } from '../internal/iterators.js';
import type {
  BytesEntry,
  BytesStoreStatistics,
  KeyValueBytesStore,
} from '../internal/key-value-bytes-store.js';
import type { ChangelogRecord, KeyValueIterator, RecordHeaders, StoreContext } from '../store.js';

export { DEFAULT_CACHE_MAX_BYTES };

/**
 * Called for each entry the cache writes below: `newValue` `null` is a deletion; `timestamp` and `headers`
 * are those of the record that last wrote the entry.
 */
export type BytesFlushListener = (
  key: Buffer,
  newValue: Buffer | null,
  oldValue: Buffer | undefined,
  timestamp: number,
  headers: RecordHeaders | undefined,
) => void;

/** A byte store with a record cache in front of the wrapped store. */
export class CachingKeyValueStore implements KeyValueBytesStore, CacheFlusher {
  private context: StoreContext | undefined;
  private listener: BytesFlushListener | undefined;
  private cache: NamedCache | undefined;
  private taskCache: TaskCache | undefined;

  /**
   * @param inner the store below (change-logging or the inner store)
   * @param maxBytes the budget of a cache of its own, used only when the context brings no task cache
   */
  constructor(
    private readonly inner: KeyValueBytesStore,
    readonly maxBytes: number = DEFAULT_CACHE_MAX_BYTES,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  /** Registers the listener told about each entry written below; returns true (caching is on). */
  setFlushListener(listener: BytesFlushListener | undefined): boolean {
    this.listener = listener;
    return true;
  }

  async init(context: StoreContext): Promise<void> {
    await this.inner.init(context);
    this.context = context;
    this.taskCache = context.recordCache ?? new TaskCache(context.taskId, this.maxBytes);
    this.cache = this.taskCache.namespace(this.name, this);
  }

  /** Writes this store's dirty entries below (the task flushes all its stores first, at commit). */
  async flush(): Promise<void> {
    this.cache?.flush();
    await this.inner.flush();
  }

  /**
   * Closes without writing unflushed entries: a clean shutdown flushes first (at its last commit), and a
   * dirty one (after a failed transaction) must not write what was never committed.
   */
  close(): Promise<void> {
    if (this.cache !== undefined) this.taskCache?.dropNamespace(this.cache);
    this.cache = undefined;
    this.taskCache = undefined;
    this.context = undefined;
    return this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  get(key: Buffer): Buffer | undefined {
    const cache = this.assertOpen();
    const id = bytesToKey(key);
    const entry = cache.get(id);
    if (entry !== undefined) return entry.value ?? undefined;
    const stored = this.inner.get(key);
    if (stored !== undefined) cache.putClean(id, key, stored);
    return stored;
  }

  put(key: Buffer, value: Buffer | null): void {
    const cache = this.assertOpen();
    const context = this.context as StoreContext;
    cache.putDirty(
      bytesToKey(key),
      key,
      value === null ? null : Buffer.from(value),
      context.currentTimestamp(),
      context.currentHeaders?.(),
    );
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key);
    if (existing === undefined) this.put(key, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<BytesEntry>): void {
    for (const { key, value } of entries) this.put(key, value);
  }

  delete(key: Buffer): Buffer | undefined {
    const existing = this.get(key);
    this.put(key, null);
    return existing;
  }

  deleteRange(from: Buffer, toExclusive: Buffer): void {
    const cache = this.assertOpen();
    const doomed: string[] = [];
    for (const entry of cache.all()) {
      if (compareBytes(entry.key, from) >= 0 && compareBytes(entry.key, toExclusive) < 0)
        doomed.push(entry.id);
    }
    for (const id of doomed) cache.discard(id);
    this.inner.deleteRange(from, toExclusive);
  }

  range(from?: Buffer, to?: Buffer): KeyValueIterator<Buffer, Buffer> {
    const pending = this.pendingIn(
      (key) =>
        (from === undefined || compareBytes(key, from) >= 0) &&
        (to === undefined || compareBytes(key, to) <= 0),
    );
    return new MergingBytesIterator(this.name, pending, this.inner.range(from, to));
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.range();
  }

  prefixScan(prefix: Buffer): KeyValueIterator<Buffer, Buffer> {
    const bound = prefixUpperBound(prefix);
    const pending = this.pendingIn(
      (key) => compareBytes(key, prefix) >= 0 && (bound === undefined || compareBytes(key, bound) < 0),
    );
    return new MergingBytesIterator(this.name, pending, this.inner.prefixScan(prefix));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + (this.cache?.dirtyCount ?? 0);
  }

  statistics(): BytesStoreStatistics {
    const cache = this.cache;
    return {
      ...this.inner.statistics(),
      cache: {
        hits: cache?.hits ?? 0,
        misses: cache?.misses ?? 0,
        entries: cache?.size ?? 0,
        sizeBytes: cache?.sizeBytes ?? 0,
        maxBytes: cache?.maxBytes ?? this.maxBytes,
        evictions: cache?.evictions ?? 0,
      },
    };
  }

  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void {
    const cache = this.cache;
    if (cache !== undefined) for (const record of records) cache.discard(bytesToKey(record.key));
    this.inner.restoreBatch(records);
  }

  /**
   * Called by the cache (at a flush, or an eviction of a dirty entry): writes the entries below in one
   * batch, then tells the flush listener about each, with the value each replaced below.
   */
  writeBelow(entries: ReadonlyArray<CacheEntry>): void {
    const listener = this.listener;
    const batch: BytesEntry[] = [];
    const oldValues: (Buffer | undefined)[] = [];
    const headers: (RecordHeaders | undefined)[] = [];
    for (const entry of entries) {
      const oldValue = listener === undefined && entry.value !== null ? undefined : this.valueBelow(entry);
      // Deleting a key that never reached the store: nothing to write, log or forward.
      if (entry.value === null && oldValue === undefined) continue;
      batch.push({ key: entry.key, value: entry.value, timestamp: entry.timestamp });
      oldValues.push(oldValue);
      headers.push(entry.headers);
    }
    if (batch.length === 0) return;
    this.inner.putAll(batch);
    if (listener === undefined) return;
    for (let i = 0; i < batch.length; i++) {
      const entry = batch[i] as BytesEntry;
      listener(entry.key, entry.value, oldValues[i], entry.timestamp ?? 0, headers[i]);
    }
  }

  private valueBelow(entry: CacheEntry): Buffer | undefined {
    return entry.below !== undefined ? entry.below.value : this.inner.get(entry.key);
  }

  private pendingIn(inRange: (key: Buffer) => boolean): PendingEntry[] {
    const cache = this.assertOpen();
    const pending: PendingEntry[] = [];
    for (const entry of cache.dirtyEntries()) {
      if (inRange(entry.key)) pending.push({ key: entry.key, value: entry.value });
    }
    return pending.sort((a, b) => compareBytes(a.key, b.key));
  }

  private assertOpen(): NamedCache {
    if (this.cache === undefined) throw storeNotOpen(this.name);
    return this.cache;
  }
}
