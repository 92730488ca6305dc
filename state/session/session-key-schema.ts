/**
 * Byte layout of a session store's keys:
 * `[segment id of the end: 8][record key, 0x00 escaped as 0x00 0xff][0x00][end: 8][start: 8]`,
 * integers big-endian with the sign bit flipped. Sessions of one key in a segment are contiguous and
 * ordered by end time, which is what session merging asks for: "the sessions of this key that end at or
 * after t".
 */
import {
  readOrderedInt64,
  readTerminated,
  terminatedLength,
  writeOrderedInt64,
  writeTerminated,
} from '../internal/bytes.js';
import { SEGMENT_PREFIX_BYTES } from '../internal/segments.js';

const SUFFIX_BYTES = 16;

/** A session key, decoded. */
export interface SessionKey {
  readonly key: Buffer;
  readonly start: number;
  readonly end: number;
}

/** Encodes a stored session key. */
export function encodeSessionKey(segment: number, key: Uint8Array, start: number, end: number): Buffer {
  const bytes = Buffer.allocUnsafe(SEGMENT_PREFIX_BYTES + terminatedLength(key) + SUFFIX_BYTES);
  writeOrderedInt64(bytes, segment, 0);
  const at = writeTerminated(bytes, key, SEGMENT_PREFIX_BYTES);
  writeOrderedInt64(bytes, end, at);
  writeOrderedInt64(bytes, start, at + 8);
  return bytes;
}

/** Decodes a stored session key. */
export function decodeSessionKey(stored: Buffer): SessionKey {
  const suffix = stored.length - SUFFIX_BYTES;
  return {
    key: readTerminated(stored, SEGMENT_PREFIX_BYTES, suffix - 1),
    end: readOrderedInt64(stored, suffix),
    start: readOrderedInt64(stored, suffix + 8),
  };
}

/** The end time of a stored session key, without decoding the rest. */
export function sessionEndOf(stored: Buffer): number {
  return readOrderedInt64(stored, stored.length - SUFFIX_BYTES);
}
