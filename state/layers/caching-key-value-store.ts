/**
 * The caching layer, Kafka Streams' record cache: writes to a key between two commits are absorbed in
 * memory and only the latest value goes below (to the change-logging layer and the store) at `flush()`,
 * or earlier when the cache is full and evicts its least recently used dirty entry. A flush listener
 * learns each (key, new value, old value) written below, which is how a DSL aggregation emits once per key
 * per commit. Reads see unflushed writes: gets hit the cache, scans merge its dirty entries over the store.
 */
import { storeNotOpen } from '../errors.js';
import { bytesToKey, compareBytes, prefixUpperBound } from '../internal/bytes.js';
import { MergingBytesIterator, type PendingEntry } from '../internal/iterators.js';
import type {
  BytesEntry,
  BytesStoreStatistics,
  KeyValueBytesStore,
} from '../internal/key-value-bytes-store.js';
import type { ChangelogRecord, KeyValueIterator, StoreContext } from '../store.js';

/** Called for each entry the cache writes below: `newValue` `null` is a deletion. */
export type BytesFlushListener = (
  key: Buffer,
  newValue: Buffer | null,
  oldValue: Buffer | undefined,
  timestamp: number,
) => void;

/** Default cache size per store: 10 MiB, Kafka Streams' `statestore.cache.max.bytes` default. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;

/** Rough per-entry bookkeeping overhead counted against the cache size. */
const ENTRY_OVERHEAD_BYTES = 64;

interface CacheEntry {
  readonly key: Buffer;
  value: Buffer | null;
  dirty: boolean;
  timestamp: number;
  /**
   * For a dirty entry, the value the store below holds (`undefined`: absent), when known because the key
   * was cached clean before it was written; saves a read at flush (aggregations read before they write).
   */
  below?: { readonly value: Buffer | undefined };
}

/** A byte store with a record cache in front of the wrapped store. */
export class CachingKeyValueStore implements KeyValueBytesStore {
  /** LRU order: the first entry is the least recently used. */
  private readonly cache = new Map<string, CacheEntry>();
  /** Keys with unflushed writes, in the order they were last written. */
  private readonly dirtyKeys = new Set<string>();
  private context: StoreContext | undefined;
  private listener: BytesFlushListener | undefined;
  private cacheBytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

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
  }

  async flush(): Promise<void> {
    this.flushDirty();
    await this.inner.flush();
  }

  /**
   * Closes without writing unflushed entries: a clean shutdown flushes first (at its last commit), and a
   * dirty one (after a failed transaction) must not write what was never committed.
   */
  close(): Promise<void> {
    this.clearCache();
    this.context = undefined;
    return this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    const k = bytesToKey(key);
    const entry = this.cache.get(k);
    if (entry !== undefined) {
      this.hits++;
      this.touch(k, entry);
      return entry.value ?? undefined;
    }
    this.misses++;
    const stored = this.inner.get(key);
    if (stored !== undefined)
      this.insert(k, { key: Buffer.from(key), value: stored, dirty: false, timestamp: 0 });
    return stored;
  }

  put(key: Buffer, value: Buffer | null): void {
    const context = this.assertOpen();
    const k = bytesToKey(key);
    const previous = this.cache.get(k);
    const entry: CacheEntry = {
      key: Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      dirty: true,
      timestamp: context.currentTimestamp(),
    };
    if (previous?.dirty === false) entry.below = { value: previous.value ?? undefined };
    else if (previous?.below !== undefined) entry.below = previous.below;
    this.dirtyKeys.delete(k);
    this.dirtyKeys.add(k);
    this.insert(k, entry);
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
    this.assertOpen();
    for (const [k, entry] of [...this.cache]) {
      if (compareBytes(entry.key, from) >= 0 && compareBytes(entry.key, toExclusive) < 0)
        this.evictSilently(k);
    }
    this.inner.deleteRange(from, toExclusive);
  }

  range(from?: Buffer, to?: Buffer): KeyValueIterator<Buffer, Buffer> {
    this.assertOpen();
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
    this.assertOpen();
    const bound = prefixUpperBound(prefix);
    const pending = this.pendingIn(
      (key) => compareBytes(key, prefix) >= 0 && (bound === undefined || compareBytes(key, bound) < 0),
    );
    return new MergingBytesIterator(this.name, pending, this.inner.prefixScan(prefix));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + this.dirtyKeys.size;
  }

  statistics(): BytesStoreStatistics {
    return {
      ...this.inner.statistics(),
      cache: {
        hits: this.hits,
        misses: this.misses,
        entries: this.cache.size,
        sizeBytes: this.cacheBytes,
        maxBytes: this.maxBytes,
        evictions: this.evictions,
      },
    };
  }

  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void {
    for (const record of records) this.evictSilently(bytesToKey(record.key));
    this.inner.restoreBatch(records);
  }

  /** Writes every dirty entry below in one batch, then tells the flush listener about each. */
  private flushDirty(): void {
    if (this.dirtyKeys.size === 0) return;
    const listener = this.listener;
    const batch: BytesEntry[] = [];
    const oldValues: (Buffer | undefined)[] = [];
    for (const k of this.dirtyKeys) {
      const entry = this.cache.get(k) as CacheEntry;
      const oldValue = listener === undefined && entry.value !== null ? undefined : this.valueBelow(entry);
      // Deleting a key that never reached the store: nothing to write, log or forward.
      if (entry.value === null && oldValue === undefined) continue;
      batch.push({ key: entry.key, value: entry.value, timestamp: entry.timestamp });
      oldValues.push(oldValue);
    }
    for (const k of this.dirtyKeys) this.markClean(k);
    this.dirtyKeys.clear();
    this.inner.putAll(batch);
    if (listener === undefined) return;
    batch.forEach((entry, i) => {
      listener(entry.key, entry.value, oldValues[i], entry.timestamp ?? 0);
    });
  }

  private valueBelow(entry: CacheEntry): Buffer | undefined {
    return entry.below !== undefined ? entry.below.value : this.inner.get(entry.key);
  }

  /** After a flush an entry is clean; a flushed deletion leaves the cache. */
  private markClean(k: string): void {
    const entry = this.cache.get(k);
    if (entry === undefined) return;
    if (entry.value === null) {
      this.evictSilently(k);
      return;
    }
    entry.dirty = false;
    entry.below = undefined;
  }

  private pendingIn(inRange: (key: Buffer) => boolean): PendingEntry[] {
    const pending: PendingEntry[] = [];
    for (const k of this.dirtyKeys) {
      const entry = this.cache.get(k) as CacheEntry;
      if (inRange(entry.key)) pending.push({ key: entry.key, value: entry.value });
    }
    return pending.sort((a, b) => compareBytes(a.key, b.key));
  }

  private insert(k: string, entry: CacheEntry): void {
    const previous = this.cache.get(k);
    if (previous !== undefined) {
      this.cacheBytes -= sizeOf(previous);
      this.cache.delete(k);
    }
    this.cache.set(k, entry);
    this.cacheBytes += sizeOf(entry);
    this.evictWhileFull();
  }

  private touch(k: string, entry: CacheEntry): void {
    this.cache.delete(k);
    this.cache.set(k, entry);
  }

  /** Evicts least recently used entries until the cache fits; a dirty one is first written below. */
  private evictWhileFull(): void {
    while (this.cacheBytes > this.maxBytes && this.cache.size > 1) {
      const [k, eldest] = this.cache.entries().next().value as [string, CacheEntry];
      if (eldest.dirty) {
        this.evictions++;
        const oldValue =
          this.listener === undefined && eldest.value !== null ? undefined : this.valueBelow(eldest);
        this.dirtyKeys.delete(k);
        if (!(eldest.value === null && oldValue === undefined)) {
          this.inner.putAll([{ key: eldest.key, value: eldest.value, timestamp: eldest.timestamp }]);
          this.listener?.(eldest.key, eldest.value, oldValue, eldest.timestamp);
        }
      }
      this.evictSilently(k);
    }
  }

  private evictSilently(k: string): void {
    const entry = this.cache.get(k);
    if (entry === undefined) return;
    this.cache.delete(k);
    this.dirtyKeys.delete(k);
    this.cacheBytes -= sizeOf(entry);
  }

  private clearCache(): void {
    this.cache.clear();
    this.dirtyKeys.clear();
    this.cacheBytes = 0;
  }

  private assertOpen(): StoreContext {
    if (this.context === undefined) throw storeNotOpen(this.name);
    return this.context;
  }
}

function sizeOf(entry: CacheEntry): number {
  return entry.key.length + (entry.value?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
}
