/**
 * A key-value store kept in process memory: a hash map for point reads and writes, and an ordered key
 * list for range and prefix scans. Keys are held as `latin1` strings, whose JavaScript order is the byte
 * order of the keys (see `bytesToKey`). Not persistent: a restarted task restores it from the changelog.
 */
import { StateStoreError, storeNotOpen } from '../errors.js';
import { bytesToKey, keyToBytes, prefixUpperBound } from '../internal/bytes.js';
import { ArrayKeyValueIterator, OpenIterators } from '../internal/iterators.js';
import type { BytesStoreStatistics, KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import type { ChangelogRecord, KeyValue, KeyValueIterator, StoreContext } from '../store.js';
import { SortedKeyList } from './sorted-key-list.js';

/** The in-memory byte store behind `Stores.inMemoryKeyValueStore(name)`. */
export class InMemoryKeyValueStore implements KeyValueBytesStore {
  readonly persistent = false;
  private readonly values = new Map<string, Buffer>();
  /** Every key of `values`, in order. */
  private readonly sortedKeys = new SortedKeyList();
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
    this.sortedKeys.clear();
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
    for (const k of this.sortedKeys.range(bytesToKey(from), bytesToKey(toExclusive), true))
      this.write(k, null);
  }

  range(from?: Buffer, to?: Buffer): KeyValueIterator<Buffer, Buffer> {
    this.assertOpen();
    const keys = this.sortedKeys.range(
      from === undefined ? undefined : bytesToKey(from),
      to === undefined ? undefined : bytesToKey(to),
    );
    return this.snapshot(keys);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.range();
  }

  prefixScan(prefix: Buffer): KeyValueIterator<Buffer, Buffer> {
    this.assertOpen();
    const bound = prefixUpperBound(prefix);
    const keys = this.sortedKeys.range(
      bytesToKey(prefix),
      bound === undefined ? undefined : bytesToKey(bound),
      true,
    );
    return this.snapshot(keys);
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
   * Copies the entries of `keys` so that writes during iteration neither skip nor repeat entries (the
   * snapshot semantics of a RocksDB iterator).
   */
  private snapshot(keys: readonly string[]): KeyValueIterator<Buffer, Buffer> {
    const entries: KeyValue<Buffer, Buffer>[] = keys.map((k) => ({
      key: keyToBytes(k),
      value: this.values.get(k) as Buffer,
    }));
    return this.iterators.track((onClose) => new ArrayKeyValueIterator(this.name, entries, onClose));
  }

  private write(k: string, value: Buffer | null): void {
    const existing = this.values.get(k);
    if (value === null) {
      if (existing === undefined) return;
      this.forget(k);
      this.sortedKeys.remove(k);
      return;
    }
    // Copy: the caller may reuse its buffer, and RocksDB would have copied too.
    const stored = Buffer.from(value);
    if (existing === undefined) {
      this.sortedKeys.insert(k);
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

  private assertOpen(): void {
    if (!this.open) throw storeNotOpen(this.name);
  }
}
