/**
 * A session store over bytes: sessions of each key live in time segments (by session end) of a key-value
 * byte store, expire once stream time passes the retention, and are found by key and time bounds for
 * session merging. The metered session store above it adds serdes.
 */
import { ConcatenatingIterator, TransformingIterator } from '../internal/iterators.js';
import type { KeyValueBytesStore } from '../internal/key-value-bytes-store.js';
import { AbstractSegmentedStore } from '../internal/segmented-store.js';
import type { CachingKeyValueStore } from '../layers/caching-key-value-store.js';
import type { KeyValueIterator, RecordHeaders } from '../store.js';
import { decodeSessionKey, encodeSessionKey, type SessionKey, sessionEndOf } from './session-key-schema.js';

/** Told about each session the record cache writes below (`newValue` `null`: removed). */
export type SessionBytesFlushListener = (
  session: SessionKey,
  newValue: Buffer | null,
  oldValue: Buffer | undefined,
  timestamp: number,
  headers: RecordHeaders | undefined,
) => void;

/** The byte-level session store. */
export class SegmentedSessionStore extends AbstractSegmentedStore {
  constructor(
    inner: KeyValueBytesStore,
    readonly retentionMs: number,
    segmentIntervalMs: number,
    cache?: CachingKeyValueStore,
  ) {
    super(inner, retentionMs, segmentIntervalMs, sessionEndOf, cache);
  }

  setFlushListener(listener: SessionBytesFlushListener): boolean {
    return this.setCacheFlushListener((stored, newValue, oldValue, timestamp, headers) =>
      listener(decodeSessionKey(stored), newValue, oldValue, timestamp, headers),
    );
  }

  /** Writes a session (a `null` value removes it); sessions that ended before the retention are dropped. */
  put(key: Buffer, start: number, end: number, value: Buffer | null): void {
    this.assertOpen();
    if (!this.admitWrite(end)) return;
    this.inner.put(encodeSessionKey(this.clock.segmentId(end), key, start, end), value);
  }

  remove(key: Buffer, start: number, end: number): void {
    this.assertOpen();
    if (this.clock.isExpired(end)) return;
    this.inner.put(encodeSessionKey(this.clock.segmentId(end), key, start, end), null);
  }

  fetchSession(key: Buffer, start: number, end: number): Buffer | undefined {
    this.assertOpen();
    if (this.clock.isExpired(end)) return undefined;
    return this.inner.get(encodeSessionKey(this.clock.segmentId(end), key, start, end));
  }

  /** Sessions of `key` ending at or after `earliestEnd` and starting at or before `latestStart`, by end time. */
  findSessions(key: Buffer, earliestEnd: number, latestStart: number): KeyValueIterator<SessionKey, Buffer> {
    this.assertOpen();
    const sources = this.clock.segmentsBetween(earliestEnd, Number.MAX_SAFE_INTEGER).map(
      (segment) => () =>
        new TransformingIterator<Buffer, Buffer, SessionKey, Buffer>(
          this.name,
          this.inner.range(
            encodeSessionKey(segment, key, Number.MIN_SAFE_INTEGER, earliestEnd),
            encodeSessionKey(segment, key, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
          ),
          (entry) => {
            const session = decodeSessionKey(entry.key);
            const live = !this.clock.isExpired(session.end);
            if (
              !live ||
              !session.key.equals(key) ||
              session.end < earliestEnd ||
              session.start > latestStart
            ) {
              return undefined;
            }
            return { key: session, value: entry.value };
          },
        ),
    );
    return new ConcatenatingIterator(this.name, sources);
  }
}
