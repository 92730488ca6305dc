/**
 * One task's share of the record cache (Kafka Streams' `ThreadCache`, here one per task): a byte budget
 * and a least-recently-used order across every cached store of the task, each store in its own
 * {@link NamedCache} namespace. When a write takes the task over its budget, the least recently used
 * entries of the task leave the cache; a dirty one is first written below by the store that owns it
 * (through its {@link CacheFlusher}: store, changelog, flush listener). A task only ever evicts its own
 * entries, and only on a write (a read miss is cached into free room only: reads also come from
 * interactive queries), so an eviction runs inside that task's processing (and, under exactly-once, its
 * transaction).
 */
import type { CacheStatistics } from '../metrics.js';
import type { RecordHeaders } from '../store.js';

/** Rough per-entry bookkeeping overhead counted against the budget. */
const ENTRY_OVERHEAD_BYTES = 64;

/** A cached key of one store. */
export interface CacheEntry {
  readonly namespace: NamedCache;
  /** The key as a map key (`bytesToKey`). */
  readonly id: string;
  readonly key: Buffer;
  /** `null`: a deletion not yet written below. */
  value: Buffer | null;
  /** True until the entry was written below (at a flush or an eviction). */
  dirty: boolean;
  /** Timestamp of the record that last wrote the entry. */
  timestamp: number;
  /** Headers of the record that last wrote the entry, when the store's context gives them. */
  headers: RecordHeaders | undefined;
  /**
   * For a dirty entry, the value the store below holds (`undefined`: absent), when known because the key
   * was cached clean before it was written; saves a read at flush (aggregations read before they write).
   */
  below: { readonly value: Buffer | undefined } | undefined;
  size: number;
}

/** What a store does with its dirty entries when they leave the cache: write them below, in order. */
export interface CacheFlusher {
  writeBelow(entries: ReadonlyArray<CacheEntry>): void;
}

/** The cache of one task (see the file comment). */
export class TaskCache {
  /** LRU order across the task's namespaces: the first entry is the least recently used. */
  private readonly lru = new Set<CacheEntry>();
  private readonly namespaces = new Map<string, NamedCache>();
  private bytes = 0;
  private flushing = false;
  /** Counters of dropped namespaces, so that the task's totals never go down. */
  private retired = { hits: 0, misses: 0, evictions: 0 };

  /**
   * @param taskId the task this cache belongs to
   * @param maxBytes the task's budget; the instance's {@link ThreadCache} changes it when tasks come and go
   */
  constructor(
    readonly taskId: string,
    public maxBytes: number,
  ) {}

  /** Bytes held by the task's entries. */
  get sizeBytes(): number {
    return this.bytes;
  }

  /** Dirty entries, across the task's stores. */
  get dirtyEntries(): number {
    let dirty = 0;
    for (const named of this.namespaces.values()) dirty += named.dirtyCount;
    return dirty;
  }

  /** Entries held, across the task's stores. */
  get entries(): number {
    return this.lru.size;
  }

  /** The namespace of store `name` (a store re-opened in the same task gets a fresh, empty one). */
  namespace(name: string, flusher: CacheFlusher): NamedCache {
    this.namespaces.get(name)?.clear();
    const named = new NamedCache(this, name, flusher);
    this.namespaces.set(name, named);
    return named;
  }

  /** Forgets store `name`'s namespace and its entries, flushed or not (the store closed). */
  dropNamespace(named: NamedCache): void {
    named.clear();
    if (this.namespaces.get(named.name) !== named) return;
    this.namespaces.delete(named.name);
    this.retired = {
      hits: this.retired.hits + named.hits,
      misses: this.retired.misses + named.misses,
      evictions: this.retired.evictions + named.evictions,
    };
  }

  /**
   * Writes every dirty entry of every store below, store by store, until none is left: forwarding a
   * flushed entry may write to a downstream store of the same task, which is then flushed too.
   */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      let again = true;
      while (again) {
        again = false;
        for (const named of this.namespaces.values()) {
          if (named.dirtyCount === 0) continue;
          named.flush();
          again = true;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Totals over the task's namespaces. */
  statistics(): CacheStatistics {
    let { hits, misses, evictions } = this.retired;
    for (const named of this.namespaces.values()) {
      hits += named.hits;
      misses += named.misses;
      evictions += named.evictions;
    }
    return {
      hits,
      misses,
      evictions,
      entries: this.lru.size,
      sizeBytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }

  /** @internal True when `size` more bytes fit the task's budget without evicting anything. */
  fits(size: number): boolean {
    return this.bytes + size <= this.maxBytes;
  }

  /** @internal Adds or replaces an entry as the most recently used, then evicts while over budget. */
  add(entry: CacheEntry, replaced: CacheEntry | undefined): void {
    if (replaced !== undefined) this.remove(replaced);
    this.lru.add(entry);
    this.bytes += entry.size;
    this.evictWhileFull();
  }

  /** @internal An entry changed size and was written: most recently used, then evict while over budget. */
  update(entry: CacheEntry, size: number): void {
    if (this.lru.delete(entry)) this.bytes += size - entry.size;
    entry.size = size;
    this.lru.add(entry);
    this.evictWhileFull();
  }

  /** @internal Marks an entry most recently used. */
  touch(entry: CacheEntry): void {
    this.lru.delete(entry);
    this.lru.add(entry);
  }

  /** @internal Takes an entry out of the LRU order (not out of its namespace). */
  remove(entry: CacheEntry): void {
    if (this.lru.delete(entry)) this.bytes -= entry.size;
  }

  /**
   * Evicts least recently used entries until the task fits its budget. A budget of 0 evicts everything,
   * the entry just written included: each write then goes below at once (caching off, in effect).
   */
  private evictWhileFull(): void {
    while (this.bytes > this.maxBytes && this.lru.size > 0) {
      const eldest = this.lru.values().next().value as CacheEntry;
      // Out of the order first: writing it below may forward and write to other stores of this task.
      eldest.namespace.evict(eldest);
    }
  }
}

/** One store's entries in its task's cache. */
export class NamedCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** Ids of dirty entries, in the order they were last written. */
  private readonly dirty = new Set<string>();
  hits = 0;
  misses = 0;
  evictions = 0;
  private bytes = 0;

  constructor(
    private readonly task: TaskCache,
    readonly name: string,
    private readonly flusher: CacheFlusher,
  ) {}

  /** The task's budget. */
  get maxBytes(): number {
    return this.task.maxBytes;
  }

  get dirtyCount(): number {
    return this.dirty.size;
  }

  get size(): number {
    return this.entries.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }

  /** The entry of `id`, marked most recently used; counts a hit or a miss. */
  get(id: string): CacheEntry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.task.touch(entry);
    return entry;
  }

  /** The entry of `id` without counting or reordering. */
  peek(id: string): CacheEntry | undefined {
    return this.entries.get(id);
  }

  /**
   * Caches a value read from below (clean); `key` is copied. Only into free room: a read never evicts,
   * because an eviction writes a dirty entry below and forwards it, and reads also come from outside the
   * task's processing (interactive queries), where nothing may be written or forwarded.
   */
  putClean(id: string, key: Buffer, value: Buffer): void {
    const size = sizeOf(key, value);
    if (!this.task.fits(size)) return;
    this.insert({
      namespace: this,
      id,
      key: Buffer.from(key),
      value,
      dirty: false,
      timestamp: 0,
      headers: undefined,
      below: undefined,
      size,
    });
  }

  /**
   * Caches a write (dirty); `value` `null` is a deletion. A cached key is updated in place (the hot path of
   * an aggregation: read, then write the same key); `key` is copied only for a new entry.
   */
  putDirty(
    id: string,
    key: Buffer,
    value: Buffer | null,
    timestamp: number,
    headers: RecordHeaders | undefined,
  ): void {
    const size = sizeOf(key, value);
    const previous = this.entries.get(id);
    if (previous !== undefined) {
      // A clean entry mirrors the store: that is the value below until this write is flushed.
      if (!previous.dirty) previous.below = { value: previous.value ?? undefined };
      previous.dirty = true;
      previous.value = value;
      previous.timestamp = timestamp;
      previous.headers = headers;
      this.bytes += size - previous.size;
      this.dirty.delete(id);
      this.dirty.add(id);
      this.task.update(previous, size);
      return;
    }
    this.dirty.add(id);
    this.insert({
      namespace: this,
      id,
      key: Buffer.from(key),
      value,
      dirty: true,
      timestamp,
      headers,
      below: undefined,
      size,
    });
  }

  /** Drops an entry without writing it below (a range delete or a restore overwrote it). */
  discard(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.forget(entry);
  }

  /** Every entry, in no particular order. */
  all(): IterableIterator<CacheEntry> {
    return this.entries.values();
  }

  /** Dirty entries, in the order they were last written. */
  *dirtyEntries(): IterableIterator<CacheEntry> {
    for (const id of this.dirty) yield this.entries.get(id) as CacheEntry;
  }

  /** Writes every dirty entry below in one batch; flushed deletions leave the cache. */
  flush(): void {
    if (this.dirty.size === 0) return;
    const batch: CacheEntry[] = [];
    for (const id of this.dirty) batch.push(this.entries.get(id) as CacheEntry);
    this.dirty.clear();
    for (const entry of batch) {
      if (entry.value === null) this.forget(entry);
      else entry.dirty = false;
    }
    this.flusher.writeBelow(batch);
    for (const entry of batch) {
      // The value below is now the entry's own: a later write replaces it.
      if (entry.below !== undefined) entry.below = undefined;
    }
  }

  /** Empties the namespace without writing anything below. */
  clear(): void {
    for (const entry of this.entries.values()) this.task.remove(entry);
    this.entries.clear();
    this.dirty.clear();
    this.bytes = 0;
  }

  /** @internal Called by the task cache: takes the entry out, writing it below first if dirty. */
  evict(entry: CacheEntry): void {
    this.evictions++;
    this.forget(entry);
    if (entry.dirty) this.flusher.writeBelow([entry]);
  }

  private insert(entry: CacheEntry): void {
    const replaced = this.entries.get(entry.id);
    if (replaced !== undefined) this.bytes -= replaced.size;
    this.entries.set(entry.id, entry);
    this.bytes += entry.size;
    this.task.add(entry, replaced);
  }

  private forget(entry: CacheEntry): void {
    this.task.remove(entry);
    if (this.entries.get(entry.id) !== entry) return;
    this.entries.delete(entry.id);
    this.dirty.delete(entry.id);
    this.bytes -= entry.size;
  }
}

function sizeOf(key: Buffer, value: Buffer | null): number {
  return key.length + (value?.length ?? 0) + ENTRY_OVERHEAD_BYTES;
}
