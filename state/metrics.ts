/**
 * Store instrumentation without an exporter on the hot path: every metered store keeps plain counters
 * (operation counts and latencies, cache hits and misses, restored records) that the runtime's metrics
 * module reads at scrape time through `statistics()` and turns into Prometheus series.
 */

/** The operations a metered store times. */
export type StoreOperation =
  | 'get'
  | 'put'
  | 'putIfAbsent'
  | 'putAll'
  | 'delete'
  | 'range'
  | 'prefixScan'
  | 'all'
  | 'fetch'
  | 'remove'
  | 'flush'
  | 'restore';

/** Count and latency of one operation since the store was built. */
export interface OperationStatistics {
  count: number;
  /** Sum of latencies, in milliseconds (divide by `count` for the mean). */
  totalMs: number;
  maxMs: number;
}

/** The record cache of a caching store. */
export interface CacheStatistics {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly sizeBytes: number;
  readonly maxBytes: number;
  /** Entries written below because the cache was full, before a commit. */
  readonly evictions: number;
}

/** Everything a metered store reports. */
export interface StoreStatistics {
  readonly storeName: string;
  readonly kind: 'keyValue' | 'window' | 'session';
  readonly persistent: boolean;
  readonly operations: Readonly<Partial<Record<StoreOperation, Readonly<OperationStatistics>>>>;
  readonly restoredRecords: number;
  readonly approximateEntries: number;
  /** SST bytes on disk (RocksDB `rocksdb.total-sst-files-size`) or bytes held in memory. */
  readonly sizeBytes: number;
  readonly cache?: CacheStatistics;
  /** Window and session stores: records dropped because their window had already expired. */
  readonly droppedExpiredRecords?: number;
}

/** A store that reports {@link StoreStatistics}; every store built by a `StoreBuilder` of `Stores` is one. */
export interface MeteredStore {
  statistics(): StoreStatistics;
}

/** True when `store` reports statistics (the runtime's metrics module subscribes to those). */
export function isMeteredStore(store: unknown): store is MeteredStore {
  return typeof (store as Partial<MeteredStore> | null)?.statistics === 'function';
}

/** The mutable counters behind a metered store. */
export class OperationTimer {
  readonly operations: Partial<Record<StoreOperation, OperationStatistics>> = {};
  restoredRecords = 0;

  /** Records one operation that started at `startMs` (from `performance.now()`). */
  record(operation: StoreOperation, startMs: number): void {
    const elapsed = performance.now() - startMs;
    let stats = this.operations[operation];
    if (stats === undefined) {
      stats = { count: 0, totalMs: 0, maxMs: 0 };
      this.operations[operation] = stats;
    }
    stats.count++;
    stats.totalMs += elapsed;
    if (elapsed > stats.maxMs) stats.maxMs = elapsed;
  }
}
