/**
 * The state store contracts that processors program against and that `state/` implements, in memory and
 * on RocksDB, wrapped by metering, caching and change-logging layers.
 *
 * Reads and writes are synchronous, as in Kafka Streams: a processor's `process()` runs for every record
 * and must not await. The RocksDB binding offers synchronous gets, batch writes and iterators; the slow
 * parts (opening, flushing a write batch, restoring, closing) are asynchronous lifecycle calls the runtime
 * awaits outside the per-record loop.
 */
import type { TaskCache } from './cache/task-cache.js';

/** A key and its value, as returned by iterators. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * An iterator over a store's entries in key order. It holds native resources: always close it (or use
 * `using`), or the store reports a leaked iterator when it is closed.
 */
export interface KeyValueIterator<K, V> extends IterableIterator<KeyValue<K, V>> {
  /** Releases the iterator's resources; idempotent. */
  close(): void;
  /** The next key without advancing, or `undefined` at the end. */
  peekNextKey(): K | undefined;
  [Symbol.dispose](): void;
}

/** Record headers, as the topology layer's `Headers`: what the record cache keeps with a cached write. */
export type RecordHeaders = Readonly<{ [name: string]: Buffer | string | undefined }>;

/**
 * What a store needs from whoever runs it (the runtime on Kafka, or the TopologyTestDriver): where to keep
 * its files, which task it belongs to, and where change-log records go. `state/` knows nothing of Kafka.
 */
export interface StoreContext {
  readonly applicationId: string;
  /** e.g. `0_3`: sub-topology 0, partition 3. */
  readonly taskId: string;
  /** The input partition of the task, which is also the changelog partition of its stores. */
  readonly partition: number;
  /** Root directory for persistent stores; a store keeps its files under `stateDir/<applicationId>/<taskId>/<store>`. */
  readonly stateDir: string;
  /** Sink for change-log records, or undefined when logging is off or there is no broker (in-memory tests). */
  readonly changelog?: ChangelogSink;
  /** Timestamp of the record being processed, stamped on change-log records. */
  currentTimestamp(): number;
  /**
   * Optional: headers of the record being processed; the record cache keeps them with a write and hands
   * them to the flush listener, so a cached aggregation forwards the headers of the last record it folded.
   */
  currentHeaders?(): RecordHeaders;
  /**
   * The task's share of the instance's record cache, used by the store's caching layer (when caching is
   * on). Without one, a caching store keeps a cache of its own (`withCachingEnabled(maxBytes)`).
   */
  readonly recordCache?: TaskCache;
  /**
   * Optional: told when a persistent store found its files corrupt at `init`, wiped them and started
   * empty. Its checkpointed offset is then void: restore it from the start of its changelog.
   */
  onStoreWiped?(storeName: string, directory: string): void;
}

/** Where a logged store sends the bytes of each write, to `<applicationId>-<store>-changelog`. */
export interface ChangelogSink {
  send(storeName: string, key: Buffer, value: Buffer | null, timestamp: number): void;
}

/** A batch of change-log records to apply to a store while restoring it. */
export interface ChangelogRecord {
  readonly key: Buffer;
  /** `null` is a tombstone: delete the key. */
  readonly value: Buffer | null;
  readonly offset: number;
  readonly timestamp: number;
}

/** Lifecycle shared by every store. */
export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data on disk across restarts. */
  readonly persistent: boolean;
  init(context: StoreContext): Promise<void>;
  /** Makes buffered writes durable (cache flush, write batch, changelog); called at every commit. */
  flush(): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
  /** Applies change-log records without logging them again (restoration). */
  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void;
}

/** The reads of a key-value store: what interactive queries and processors that only look up see. */
export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | undefined;
  /** Entries with `from <= key <= to` in encoded-key order; an omitted bound is open. */
  range(from?: K, to?: K): KeyValueIterator<K, V>;
  all(): KeyValueIterator<K, V>;
  /** Entries whose encoded key starts with the encoded prefix. */
  prefixScan(prefix: K): KeyValueIterator<K, V>;
  /** A cheap estimate, for metrics and query planning. */
  approximateNumEntries(): number;
}

/** A key-value store: reads plus synchronous writes (`put` of a `null` value deletes, as in Kafka Streams). */
export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V): void;
  /** Puts only when absent; returns the existing value if there was one. */
  putIfAbsent(key: K, value: V): V | undefined;
  /** Writes every entry in one batch (one RocksDB write batch). */
  putAll(entries: ReadonlyArray<KeyValue<K, V>>): void;
  /** Deletes and returns the old value. */
  delete(key: K): V | undefined;
}

/** A time window `[start, end)`, in epoch milliseconds. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** A key scoped to a window: the key of windowed aggregations and session stores. */
export interface Windowed<K> {
  readonly key: K;
  readonly window: TimeWindow;
}

/** The reads of a window store: values per key and window start. */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `windowStart`. */
  fetch(key: K, windowStart: number): V | undefined;
  /** Windows of `key` whose start lies in `[timeFrom, timeTo]`, oldest first; the iterator's key is the window start. */
  fetchRange(key: K, timeFrom: number, timeTo: number): KeyValueIterator<number, V>;
  /** Windows of keys in `[keyFrom, keyTo]` whose start lies in `[timeFrom, timeTo]`. */
  fetchKeyRange(keyFrom: K, keyTo: K, timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  fetchAll(timeFrom: number, timeTo: number): KeyValueIterator<Windowed<K>, V>;
  all(): KeyValueIterator<Windowed<K>, V>;
}

/** A window store: values per key and window start, kept for `retentionMs` of stream time. */
export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  /** Puts `value` for `key` in the window starting at `windowStart`; `null` deletes it. */
  put(key: K, value: V | null, windowStart: number): void;
  /** Windows older than this (stream time minus retention) are dropped segment by segment. */
  readonly retentionMs: number;
}

/** The reads of a session store: sessions per key, found by their time bounds. */
export interface ReadOnlySessionStore<K, V> {
  /** Sessions of `key` that end at or after `earliestSessionEnd` and start at or before `latestSessionStart`. */
  findSessions(
    key: K,
    earliestSessionEnd: number,
    latestSessionStart: number,
  ): KeyValueIterator<Windowed<K>, V>;
  fetchSession(key: K, sessionStart: number, sessionEnd: number): V | undefined;
  /** Every session of `key`. */
  fetch(key: K): KeyValueIterator<Windowed<K>, V>;
}

/** A session store: values per key and session window, kept for `retentionMs` after the session ends. */
export interface SessionStore<K, V> extends StateStore, ReadOnlySessionStore<K, V> {
  put(session: Windowed<K>, value: V): void;
  remove(session: Windowed<K>): void;
  readonly retentionMs: number;
}

/** Topic configs of a store's changelog, e.g. `{ 'min.insync.replicas': '2' }`. */
export type ChangelogConfig = Readonly<Record<string, string>>;

/**
 * Describes and builds a store; the DSL's `Materialized` options and the Processor API's `addStateStore`
 * take one. `build()` is called once per task, so each task gets its own instance.
 */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly kind: 'keyValue' | 'window' | 'session';
  readonly persistent: boolean;
  readonly loggingEnabled: boolean;
  readonly changelogConfig: ChangelogConfig;
  readonly cachingEnabled: boolean;
  /** For window and session stores, how long data is kept. */
  readonly retentionMs?: number;
  build(): S;
}
