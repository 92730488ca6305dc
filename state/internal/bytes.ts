/**
 * Byte helpers shared by the stores: every store orders keys by their encoded bytes (unsigned,
 * lexicographic), as RocksDB's default comparator does, so in-memory and on-disk stores agree.
 */

/** Unsigned lexicographic comparison of two byte strings (negative, zero or positive). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * The smallest byte string greater than every string starting with `prefix`, or `undefined` when no such
 * bound exists (an empty prefix or one made only of 0xff bytes): the exclusive upper bound of a prefix scan.
 */
export function prefixUpperBound(prefix: Uint8Array): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const bound = Buffer.from(prefix.subarray(0, end));
  bound[end - 1] = (bound[end - 1] as number) + 1;
  return bound;
}

/**
 * Encodes bytes as a `latin1` string: one UTF-16 code unit per byte, so JavaScript string comparison
 * orders such strings exactly as {@link compareBytes} orders the bytes. Used as Map keys by the in-memory
 * store and the record cache.
 */
export function bytesToKey(bytes: Uint8Array): string {
  if (Buffer.isBuffer(bytes)) return bytes.toString('latin1');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The inverse of {@link bytesToKey}. */
export function keyToBytes(key: string): Buffer {
  return Buffer.from(key, 'latin1');
}

/** Big-endian signed 64-bit integer with the sign bit flipped, so byte order equals numeric order. */
export function writeOrderedInt64(target: Buffer, value: number, offset: number): void {
  target.writeBigInt64BE(BigInt(value), offset);
  target[offset] = (target[offset] as number) ^ 0x80;
}

/** The inverse of {@link writeOrderedInt64}. */
export function readOrderedInt64(source: Uint8Array, offset: number): number {
  const copy = Buffer.from(source.subarray(offset, offset + 8));
  copy[0] = (copy[0] as number) ^ 0x80;
  return Number(copy.readBigInt64BE(0));
}

/**
 * Bytes needed by {@link writeTerminated} for `key`: each 0x00 byte becomes 0x00 0xff and a 0x00
 * terminator follows, so that composite keys `key | suffix` order by key first, then by suffix, even when
 * one key is a prefix of another (FoundationDB's tuple encoding of byte strings does the same).
 */
export function terminatedLength(key: Uint8Array): number {
  let zeros = 0;
  for (let i = 0; i < key.length; i++) if (key[i] === 0) zeros++;
  return key.length + zeros + 1;
}

/** Writes `key` escaped and terminated at `offset`; returns the offset after the terminator. */
export function writeTerminated(target: Buffer, key: Uint8Array, offset: number): number {
  let at = offset;
  for (let i = 0; i < key.length; i++) {
    const byte = key[i] as number;
    target[at++] = byte;
    if (byte === 0) target[at++] = 0xff;
  }
  target[at++] = 0;
  return at;
}

/** Reads a key written by {@link writeTerminated} from `source[start, terminatorAt)`. */
export function readTerminated(source: Buffer, start: number, terminatorAt: number): Buffer {
  const escaped = source.subarray(start, terminatorAt);
  if (!escaped.includes(0)) return escaped;
  const key = Buffer.allocUnsafe(escaped.length);
  let length = 0;
  for (let i = 0; i < escaped.length; i++) {
    const byte = escaped[i] as number;
    key[length++] = byte;
    if (byte === 0) i++; // skip the 0xff escape
  }
  return key.subarray(0, length);
}
