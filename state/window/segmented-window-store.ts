/**
 * A window store over bytes: windows of each key live in time segments of a key-value byte store (which
 * may itself be cached and logged), expire segment by segment once stream time passes the retention, and
 * are fetched by key and time range. The metered window store above it adds serdes.
 */
import { compareBytes } from '../internal/bytes.js';
import { ConcatenatingIterator, TransformingIterator } from '../internal/iterators.js';
import type { KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import { AbstractSegmentedStore } from '../internal/segmented-store.js';
import { segmentOf, segmentPrefix } from '../internal/segments.js';
import type { CachingKeyValueStore } from '../layers/caching-key-value-store.js';
import type { KeyValue, KeyValueIterator, RecordHeaders } from '../store.js';
import {
  decodeWindowKey,
  encodeWindowKey,
  lowerWindowKey,
  upperWindowKey,
  type WindowKey,
  windowStartOf,
} from './window-key-schema.js';

/** A window's entry: its record key bytes, window start and value bytes. */
export interface WindowEntry {
  readonly key: Buffer;
  readonly windowStart: number;
  readonly value: Buffer;
}

/** Told about each window the record cache writes below (`newValue` `null`: deleted). */
export type WindowBytesFlushListener = (
  key: Buffer,
  windowStart: number,
  newValue: Buffer | null,
  oldValue: Buffer | undefined,
  timestamp: number,
  headers: RecordHeaders | undefined,
) => void;

/** How a window store is shaped. */
export interface WindowStoreShape {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
  readonly segmentIntervalMs: number;
}

/** The byte-level window store. */
export class SegmentedWindowStore extends AbstractSegmentedStore {
  private sequence = 0;

  constructor(
    inner: KeyValueBytesStore,
    readonly shape: WindowStoreShape,
    cache?: CachingKeyValueStore,
  ) {
    super(inner, shape.retentionMs, shape.segmentIntervalMs, windowStartOf, cache);
  }

  /** Registers the cache's flush listener, decoding window keys; false when caching is off. */
  setFlushListener(listener: WindowBytesFlushListener): boolean {
    return this.setCacheFlushListener((stored, newValue, oldValue, timestamp, headers) => {
      const { key, windowStart } = decodeWindowKey(stored);
      listener(key, windowStart, newValue, oldValue, timestamp, headers);
    });
  }

  /** Writes (or with `null` deletes) the window of `key` starting at `windowStart`; expired windows are dropped. */
  put(key: Buffer, value: Buffer | null, windowStart: number): void {
    this.assertOpen();
    if (!this.admitWrite(windowStart)) return;
    if (this.shape.retainDuplicates) {
      // Duplicates are only ever added; a null has nothing to delete.
      if (value === null) return;
      this.sequence = (this.sequence + 1) >>> 0;
      this.inner.put(
        encodeWindowKey(this.clock.segmentId(windowStart), key, windowStart, this.sequence),
        value,
      );
      return;
    }
    this.inner.put(encodeWindowKey(this.clock.segmentId(windowStart), key, windowStart, 0), value);
  }

  fetch(key: Buffer, windowStart: number): Buffer | undefined {
    this.assertOpen();
    if (this.clock.isExpired(windowStart) || windowStart > this.clock.observedTime) return undefined;
    const segment = this.clock.segmentId(windowStart);
    if (!this.shape.retainDuplicates) return this.inner.get(encodeWindowKey(segment, key, windowStart, 0));
    const iterator = this.inner.range(
      lowerWindowKey(segment, key, windowStart),
      upperWindowKey(segment, key, windowStart),
    );
    try {
      const first = iterator.next();
      return first.done ? undefined : first.value.value;
    } finally {
      iterator.close();
    }
  }

  /** Windows of `key` starting in `[timeFrom, timeTo]`, oldest first. */
  fetchRange(key: Buffer, timeFrom: number, timeTo: number): KeyValueIterator<number, Buffer> {
    this.assertOpen();
    const from = Math.max(timeFrom, this.clock.minLiveTime());
    const sources = this.clock.segmentsBetween(timeFrom, timeTo).map(
      (segment) => () =>
        new TransformingIterator<Buffer, Buffer, number, Buffer>(
          this.name,
          this.inner.range(lowerWindowKey(segment, key, from), upperWindowKey(segment, key, timeTo)),
          (entry) => {
            const decoded = decodeWindowKey(entry.key);
            if (!decoded.key.equals(key) || decoded.windowStart < from || decoded.windowStart > timeTo)
              return undefined;
            return { key: decoded.windowStart, value: entry.value };
          },
        ),
    );
    return new ConcatenatingIterator(this.name, sources);
  }

  /**
   * Windows of keys in `[keyFrom, keyTo]` (either open when omitted) starting in `[timeFrom, timeTo]`,
   * ordered by segment (oldest first), then key, then start, as in Kafka Streams.
   */
  fetchKeyRange(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValueIterator<WindowEntry, Buffer> {
    this.assertOpen();
    const from = Math.max(timeFrom, this.clock.minLiveTime());
    const sources = this.clock.segmentsBetween(timeFrom, timeTo).map((segment) => () => {
      const lower = keyFrom === undefined ? segmentPrefix(segment) : lowerWindowKey(segment, keyFrom, from);
      const upper = keyTo === undefined ? segmentPrefix(segment + 1) : upperWindowKey(segment, keyTo, timeTo);
      return new TransformingIterator<Buffer, Buffer, WindowEntry, Buffer>(
        this.name,
        this.inner.range(lower, upper),
        (entry) => this.keep(entry, segment, keyFrom, keyTo, from, timeTo),
      );
    });
    return new ConcatenatingIterator(this.name, sources);
  }

  /** Every live window. */
  all(): KeyValueIterator<WindowEntry, Buffer> {
    return this.fetchKeyRange(undefined, undefined, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }

  private keep(
    entry: KeyValue<Buffer, Buffer>,
    segment: number,
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFrom: number,
    timeTo: number,
  ): KeyValue<WindowEntry, Buffer> | undefined {
    if (segmentOf(entry.key) !== segment) return undefined;
    const decoded: WindowKey = decodeWindowKey(entry.key);
    if (decoded.windowStart < timeFrom || decoded.windowStart > timeTo) return undefined;
    if (keyFrom !== undefined && compareBytes(decoded.key, keyFrom) < 0) return undefined;
    if (keyTo !== undefined && compareBytes(decoded.key, keyTo) > 0) return undefined;
    return {
      key: { key: decoded.key, windowStart: decoded.windowStart, value: entry.value },
      value: entry.value,
    };
  }
}
