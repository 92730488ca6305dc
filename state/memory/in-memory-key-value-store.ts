/**
 * A key-value store kept in process memory: a hash map for point reads and writes, and a sorted array of
 * the keys for range and prefix scans. Keys are held as `latin1` strings, whose JavaScript order is the
 * byte order of the keys (see `bytesToKey`). Not persistent: a restarted task restores it from the
 * changelog.
 */
import { StateStoreError, storeNotOpen } from '../errors.js';
import { bytesToKey, keyToBytes, prefixUpperBound } from '../internal/bytes.js';
import { ArrayKeyValueIterator, OpenIterators } from '../internal/iterators.js';
import type { BytesStoreStatistics, KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import type { ChangelogRecord, KeyValue, KeyValueIterator, StoreContext } from '../store.js';

/** The in-memory byte store behind `Stores.inMemoryKeyValueStore(name)`. */
export class InMemoryKeyValueStore implements KeyValueBytesStore {
  readonly persistent = false;
  private readonly values = new Map<string, Buffer>();
  /** Every key of `values`, sorted; kept in step by binary-search insertion and removal. */
  private readonly sortedKeys: string[] = [];
  private readonly iterators: OpenIterators;
  private open = false;
  private sizeBytes = 0;

  constructor(readonly name: string) {
    this.iterators = new OpenIterators(name);
  }

  async init(_context: StoreContext): Promise<void> {
    if (this.open) {
      throw new StateStoreError(
        'STRM_ERR_STORE_ALREADY_OPEN',
        `State store "${this.name}" is already open: build one store per task (StoreBuilder.build())`,
      );
    }
    this.open = true;
  }

  async flush(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    const leak = this.iterators.closeAll();
    this.values.clear();
    this.sortedKeys.length = 0;
    this.sizeBytes = 0;
    if (leak) throw leak;
  }

  isOpen(): boolean {
    return this.open;
  }

  get(key: Buffer): Buffer | undefined {
    this.assertOpen();
    return this.values.get(bytesToKey(key));
  }

  put(key: Buffer, value: Buffer | null): void {
    this.assertOpen();
    this.write(bytesToKey(key), value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    this.assertOpen();
    const k = bytesToKey(key);
    const existing = this.values.get(k);
    if (existing === undefined) this.write(k, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<KeyValue<Buffer, Buffer | null>>): void {
    this.assertOpen();
    for (const { key, value } of entries) this.write(bytesToKey(key), value);
  }

  delete(key: Buffer): Buffer | undefined {
    this.assertOpen();
    const k = bytesToKey(key);
    const existing = this.values.get(k);
    if (existing !== undefined) this.write(k, null);
    return existing;
  }

  deleteRange(from: Buffer, toExclusive: Buffer): void {
    this.assertOpen();
    const start = this.lowerBound(bytesToKey(from));
    const end = this.lowerBound(bytesToKey(toExclusive));
    if (end <= start) return;
    for (const k of this.sortedKeys.slice(start, end)) this.forget(k);
    this.sortedKeys.splice(start, end - start);
  }

  range(from?: Buffer, to?: Buffer): KeyValueIterator<Buffer, Buffer> {
    this.assertOpen();
    const start = from === undefined ? 0 : this.lowerBound(bytesToKey(from));
    const end = to === undefined ? this.sortedKeys.length : this.upperBound(bytesToKey(to));
    return this.snapshot(start, end);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.range();
  }

  prefixScan(prefix: Buffer): KeyValueIterator<Buffer, Buffer> {
    this.assertOpen();
    const start = this.lowerBound(bytesToKey(prefix));
    const bound = prefixUpperBound(prefix);
    const end = bound === undefined ? this.sortedKeys.length : this.lowerBound(bytesToKey(bound));
    return this.snapshot(start, end);
  }

  approximateNumEntries(): number {
    this.assertOpen();
    return this.values.size;
  }

  statistics(): BytesStoreStatistics {
    return { approximateEntries: this.values.size, sizeBytes: this.sizeBytes };
  }

  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void {
    this.assertOpen();
    for (const record of records) this.write(bytesToKey(record.key), record.value);
  }

  /**
   * Copies the entries of `sortedKeys[start, end)` so that writes during iteration neither skip nor
   * repeat entries (the snapshot semantics of a RocksDB iterator).
   */
  private snapshot(start: number, end: number): KeyValueIterator<Buffer, Buffer> {
    const entries: KeyValue<Buffer, Buffer>[] = [];
    for (let i = start; i < end; i++) {
      const k = this.sortedKeys[i] as string;
      entries.push({ key: keyToBytes(k), value: this.values.get(k) as Buffer });
    }
    return this.iterators.track((onClose) => new ArrayKeyValueIterator(this.name, entries, onClose));
  }

  private write(k: string, value: Buffer | null): void {
    const existing = this.values.get(k);
    if (value === null) {
      if (existing === undefined) return;
      this.forget(k);
      this.sortedKeys.splice(this.lowerBound(k), 1);
      return;
    }
    // Copy: the caller may reuse its buffer, and RocksDB would have copied too.
    const stored = Buffer.from(value);
    if (existing === undefined) {
      this.sortedKeys.splice(this.lowerBound(k), 0, k);
      this.sizeBytes += k.length;
    } else {
      this.sizeBytes -= existing.length;
    }
    this.values.set(k, stored);
    this.sizeBytes += stored.length;
  }

  private forget(k: string): void {
    const existing = this.values.get(k);
    if (existing === undefined) return;
    this.values.delete(k);
    this.sizeBytes -= k.length + existing.length;
  }

  /** The index of the first key `>= k`. */
  private lowerBound(k: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sortedKeys[mid] as string) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index of the first key `> k`. */
  private upperBound(k: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sortedKeys[mid] as string) <= k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private assertOpen(): void {
    if (!this.open) throw storeNotOpen(this.name);
  }
}
