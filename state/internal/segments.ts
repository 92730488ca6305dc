/**
 * Time segments shared by window and session stores. Their byte keys start with an 8-byte segment id
 * (the key's time divided by the segment interval), so a whole segment of expired windows is dropped with
 * one range delete, and a time-bounded query visits only the segments it overlaps, oldest first. The
 * observed stream time (the largest time ever written or restored) decides what has expired.
 */
import { StateStoreError } from '../errors.js';
import { readOrderedInt64, writeOrderedInt64 } from './bytes.js';
import type { KeyValueBytesStore } from './key-value-bytes-store.js';

/** Bytes of the segment id at the start of every key. */
export const SEGMENT_PREFIX_BYTES = 8;

/** Kafka Streams' default: half the retention, at least a minute. */
export function defaultSegmentInterval(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), 60_000);
}

/** The 8-byte prefix of segment `id`. */
export function segmentPrefix(id: number): Buffer {
  const prefix = Buffer.alloc(SEGMENT_PREFIX_BYTES);
  writeOrderedInt64(prefix, id, 0);
  return prefix;
}

/** The segment id a stored key starts with. */
export function segmentOf(storedKey: Uint8Array): number {
  return readOrderedInt64(storedKey, 0);
}

/** Observed stream time, retention and segment bookkeeping of one window or session store. */
export class SegmentClock {
  /** The largest time written or restored; `-Infinity` while the store is empty. */
  observedTime = Number.NEGATIVE_INFINITY;
  /** Segments below this id have been dropped. */
  private droppedBelow = Number.NEGATIVE_INFINITY;
  /** Records refused because their time had already expired. */
  droppedRecords = 0;

  constructor(
    readonly storeName: string,
    readonly retentionMs: number,
    readonly segmentIntervalMs: number,
  ) {
    if (!(retentionMs > 0) || !(segmentIntervalMs > 0)) {
      throw new StateStoreError(
        'STRM_ERR_STORE_INVALID_ARGUMENT',
        `State store "${storeName}": retention (${retentionMs} ms) and segment interval (${segmentIntervalMs} ms) must be positive`,
      );
    }
  }

  segmentId(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  /** The oldest time still retained: anything at or before `observedTime - retentionMs` has expired. */
  minLiveTime(): number {
    return this.observedTime - this.retentionMs + 1;
  }

  isExpired(time: number): boolean {
    return time < this.minLiveTime();
  }

  /** Segment ids a query over `[from, to]` must visit, oldest first (none when the range is all expired). */
  segmentsBetween(from: number, to: number): number[] {
    if (this.observedTime === Number.NEGATIVE_INFINITY) return [];
    const first = this.segmentId(Math.max(from, this.minLiveTime()));
    const last = this.segmentId(Math.min(to, this.observedTime));
    const ids: number[] = [];
    for (let id = first; id <= last; id++) ids.push(id);
    return ids;
  }

  /** Advances the observed time and drops every segment that fell out of retention. */
  observe(time: number, store: KeyValueBytesStore): void {
    if (time <= this.observedTime) return;
    this.observedTime = time;
    const liveSegment = this.segmentId(this.minLiveTime());
    if (liveSegment <= this.droppedBelow) return;
    // Segment ids are never below that of time 0 minus the retention in practice; start from the smallest key.
    store.deleteRange(Buffer.alloc(SEGMENT_PREFIX_BYTES), segmentPrefix(liveSegment));
    this.droppedBelow = liveSegment;
  }

  /**
   * Finds the observed time of a store reopened from disk: the largest time in its newest segment. Uses
   * seeks (a binary search over segment ids) rather than a scan of the whole store.
   */
  recover(store: KeyValueBytesStore, timeOf: (storedKey: Buffer) => number): void {
    const firstKey = (fromSegment: number): Buffer | undefined => {
      const iterator = store.range(segmentPrefix(fromSegment));
      try {
        return iterator.peekNextKey();
      } finally {
        iterator.close();
      }
    };
    const lowest = firstKey(Number.MIN_SAFE_INTEGER);
    if (lowest === undefined) return;
    let lo = segmentOf(lowest);
    let hi = Math.floor(Number.MAX_SAFE_INTEGER / 2);
    // Invariant: some key lies in a segment >= lo; none lies in a segment > hi.
    while (lo < hi) {
      const mid = lo + Math.ceil((hi - lo) / 2);
      if (firstKey(mid) === undefined) hi = mid - 1;
      else lo = mid;
    }
    let latest = Number.NEGATIVE_INFINITY;
    const iterator = store.prefixScan(segmentPrefix(lo));
    try {
      for (const { key } of iterator) latest = Math.max(latest, timeOf(key));
    } finally {
      iterator.close();
    }
    if (latest !== Number.NEGATIVE_INFINITY) this.observe(latest, store);
  }
}
