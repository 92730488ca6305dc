/**
 * The byte-level key-value store that every layer below the metered one speaks: the in-memory and RocksDB
 * stores implement it, and the caching and change-logging layers both take and implement it. Keys are
 * ordered by their bytes. A `null` value in `put`/`putAll` deletes, as in Kafka Streams.
 */
import type { CacheStatistics } from '../metrics.js';
import type { KeyValue, KeyValueIterator, StateStore, StoreContext } from '../store.js';

/** An entry of `putAll`; `timestamp` (of the record that wrote it) is stamped on its changelog record. */
export interface BytesEntry extends KeyValue<Buffer, Buffer | null> {
  readonly timestamp?: number;
}

/** A key-value store over bytes, plus the two operations window and session stores need. */
export interface KeyValueBytesStore extends StateStore {
  get(key: Buffer): Buffer | undefined;
  put(key: Buffer, value: Buffer | null): void;
  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined;
  /** Writes (or, for `null` values, deletes) every entry in one batch. */
  putAll(entries: ReadonlyArray<BytesEntry>): void;
  delete(key: Buffer): Buffer | undefined;
  /** Entries with `from <= key <= to`; an omitted bound is open. */
  range(from?: Buffer, to?: Buffer): KeyValueIterator<Buffer, Buffer>;
  all(): KeyValueIterator<Buffer, Buffer>;
  prefixScan(prefix: Buffer): KeyValueIterator<Buffer, Buffer>;
  approximateNumEntries(): number;
  /**
   * Removes every key in `[from, toExclusive)` without logging it: how window and session stores drop an
   * expired segment (their changelog topics expire it by retention instead).
   */
  deleteRange(from: Buffer, toExclusive: Buffer): void;
  /** Size and internals for metrics; cheap enough to call at every scrape. */
  statistics(): BytesStoreStatistics;
}

/** Statistics of a byte store, read by the metrics module at scrape time. */
export interface BytesStoreStatistics {
  /** An estimate of the number of live keys. */
  readonly approximateEntries: number;
  /** Bytes on disk (SST files) for persistent stores, bytes of keys and values in memory otherwise. */
  readonly sizeBytes: number;
  /** Present when a record cache sits in the stack. */
  readonly cache?: CacheStatistics;
  /** Window and session stores: records dropped because their window had already expired. */
  readonly droppedExpiredRecords?: number;
}

/** Creates the inner byte store of one task; the `Stores.*Store(name)` factories return one. */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  /** A new store instance (one per task). */
  get(): KeyValueBytesStore;
}

/** The name of a store's changelog topic, which is also the topic named in its serde contexts. */
export function changelogTopic(context: StoreContext, storeName: string): string {
  return `${context.applicationId}-${storeName}-changelog`;
}
