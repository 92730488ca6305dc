/**
 * What the byte-level window and session stores share: a key-value byte store whose keys start with a
 * time segment, a {@link SegmentClock} that recovers stream time on open and expires segments, restoration
 * that skips expired records, the open/closed state, and the record cache's flush listener. Each kind adds
 * its own key layout, reads and writes.
 */
import { storeNotOpen } from '../errors.js';
import type { BytesFlushListener, CachingKeyValueStore } from '../layers/caching-key-value-store.js';
import type { ChangelogRecord, StoreContext } from '../store.js';
import type { BytesStoreStatistics, KeyValueBytesStore } from './key-value-bytes-store.js';
import { SegmentClock } from './segments.js';

/** Base of the segmented window and session byte stores. */
export abstract class AbstractSegmentedStore {
  protected readonly clock: SegmentClock;
  private open = false;

  /**
   * @param inner the byte-store stack (caching, change-logging, inner store) the segments live in
   * @param timeOf the time a stored key is kept by (a window's start, a session's end)
   * @param cache the caching layer inside `inner`, when caching is on
   */
  constructor(
    protected readonly inner: KeyValueBytesStore,
    retentionMs: number,
    segmentIntervalMs: number,
    private readonly timeOf: (storedKey: Buffer) => number,
    private readonly cache: CachingKeyValueStore | undefined,
  ) {
    this.clock = new SegmentClock(inner.name, retentionMs, segmentIntervalMs);
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  /** The largest time written or restored (`-Infinity` while empty). */
  get observedStreamTime(): number {
    return this.clock.observedTime;
  }

  async init(context: StoreContext): Promise<void> {
    await this.inner.init(context);
    this.clock.recover(this.inner, this.timeOf);
    this.open = true;
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  async close(): Promise<void> {
    this.open = false;
    await this.inner.close();
  }

  isOpen(): boolean {
    return this.open && this.inner.isOpen();
  }

  /** Advances stream time to the newest record first, so records already expired are not restored. */
  restoreBatch(records: ReadonlyArray<ChangelogRecord>): void {
    this.assertOpen();
    let latest = this.clock.observedTime;
    for (const record of records) latest = Math.max(latest, this.timeOf(record.key));
    this.clock.observe(latest, this.inner);
    this.inner.restoreBatch(records.filter((record) => !this.clock.isExpired(this.timeOf(record.key))));
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries();
  }

  statistics(): BytesStoreStatistics {
    return { ...this.inner.statistics(), droppedExpiredRecords: this.clock.droppedRecords };
  }

  /**
   * Advances stream time to a write's time; false, and the record counted as dropped, when that time has
   * already expired (the write must then be skipped).
   */
  protected admitWrite(time: number): boolean {
    this.clock.observe(time, this.inner);
    if (!this.clock.isExpired(time)) return true;
    this.clock.droppedRecords++;
    return false;
  }

  /** Registers a listener of the record cache's stored (segmented) keys; false when caching is off. */
  protected setCacheFlushListener(listener: BytesFlushListener): boolean {
    if (this.cache === undefined) return false;
    return this.cache.setFlushListener(listener);
  }

  protected assertOpen(): void {
    if (!this.open) throw storeNotOpen(this.name);
  }
}
