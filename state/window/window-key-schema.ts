/**
 * Byte layout of a window store's keys:
 * `[segment id: 8][record key, 0x00 escaped as 0x00 0xff][0x00][window start: 8][sequence: 4]`,
 * integers big-endian with the sign bit flipped so byte order is numeric order. Within a segment, entries
 * are ordered by record key, then window start (the terminator keeps a key that is a prefix of another
 * first); the sequence number keeps duplicates apart when a store retains them, and is 0 otherwise.
 */
import {
  readOrderedInt64,
  readTerminated,
  terminatedLength,
  writeOrderedInt64,
  writeTerminated,
} from '../internal/bytes.js';
import { SEGMENT_PREFIX_BYTES } from '../internal/segments.js';

const SUFFIX_BYTES = 12;

/** A window store key, decoded. */
export interface WindowKey {
  readonly key: Buffer;
  readonly windowStart: number;
  readonly sequence: number;
}

/** Encodes a stored window key. */
export function encodeWindowKey(
  segment: number,
  key: Uint8Array,
  windowStart: number,
  sequence: number,
): Buffer {
  const bytes = Buffer.allocUnsafe(SEGMENT_PREFIX_BYTES + terminatedLength(key) + SUFFIX_BYTES);
  writeOrderedInt64(bytes, segment, 0);
  const at = writeTerminated(bytes, key, SEGMENT_PREFIX_BYTES);
  writeOrderedInt64(bytes, windowStart, at);
  bytes.writeUInt32BE(sequence >>> 0, at + 8);
  return bytes;
}

/** The smallest stored key of `key` in a segment at or after `windowStart`. */
export function lowerWindowKey(segment: number, key: Uint8Array, windowStart: number): Buffer {
  return encodeWindowKey(segment, key, windowStart, 0);
}

/** The largest stored key of `key` in a segment at or before `windowStart`. */
export function upperWindowKey(segment: number, key: Uint8Array, windowStart: number): Buffer {
  return encodeWindowKey(segment, key, windowStart, 0xffffffff);
}

/** Decodes a stored window key. */
export function decodeWindowKey(stored: Buffer): WindowKey {
  const suffix = stored.length - SUFFIX_BYTES;
  return {
    key: readTerminated(stored, SEGMENT_PREFIX_BYTES, suffix - 1),
    windowStart: readOrderedInt64(stored, suffix),
    sequence: stored.readUInt32BE(suffix + 8),
  };
}

/** The window start of a stored key, without decoding the rest. */
export function windowStartOf(stored: Buffer): number {
  return readOrderedInt64(stored, stored.length - SUFFIX_BYTES);
}
