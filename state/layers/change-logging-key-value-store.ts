/**
 * The change-logging layer: every write that reaches it is applied to the store below and sent, as bytes,
 * to the store's changelog through `StoreContext.changelog` (the runtime turns that into a record of
 * `<applicationId>-<store>-changelog`). Restoration and segment expiry bypass the log.
 */
import { storeNotOpen } from '../errors.js';
import type {
  BytesEntry,
  BytesStoreStatistics,
  KeyValueBytesStore,
} from '../internal/key-value-bytes-store.js';
import type { ChangelogRecord, KeyValueIterator, StoreContext } from '../store.js';

/** Logs each write of the wrapped byte store to its changelog. */
export class ChangeLoggingKeyValueStore implements KeyValueBytesStore {
  private context: StoreContext | undefined;

  constructor(private readonly inner: KeyValueBytesStore) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  async init(context: StoreContext): Promise<void> {
    await this.inner.init(context);
    this.context = context;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    this.context = undefined;
    return this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  get(key: Buffer): Buffer | undefined {
    return this.inner.get(key);
  }

  put(key: Buffer, value: Buffer | null): void {
    this.inner.put(key, value);
    this.log(key, value);
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.inner.putIfAbsent(key, value);
    if (existing === undefined) this.log(key, value);
    return existing;
  }

  putAll(entries: ReadonlyArray<BytesEntry>): void {
    this.inner.putAll(entries);
    for (const entry of entries) this.log(entry.key, entry.value, entry.timestamp);
  }

  delete(key: Buffer): Buffer | undefined {
    const existing = this.inner.delete(key);
    // A tombstone even for an absent key: the changelog may still hold a value the store lost.
    this.log(key, null);
    return existing;
  }

  deleteRange(from: Buffer, toExclusive: Buffer): void {
    this.inner.deleteRange(from, toExclusive);
  }

  range(from?: Buffer, to?: Buffer): KeyValueIterator<Buffer, Buffer> {
    return this.inner.range(from, to);
  }

  all(): KeyValueIterator<Buffer, Buffer> {
    return this.inner.all();
  }

  prefixScan(prefix: Buffer): KeyValueIterator<Buffer, Buffer> {
    return this.inner.prefixScan(prefix);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  statistics(): BytesStoreStatistics {
    return this.inner.statistics();
  }

  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void {
    this.inner.restoreBatch(records);
  }

  private log(key: Buffer, value: Buffer | null, timestamp?: number): void {
    const context = this.context;
    if (context === undefined) throw storeNotOpen(this.name);
    context.changelog?.send(this.name, key, value, timestamp ?? context.currentTimestamp());
  }
}
