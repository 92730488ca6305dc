/**
 * Exact decimal strings for money and ratios. A `Decimal` of scale 2 is written `"249.90"`: an optional
 * minus, integer digits without leading zeros, a dot and exactly `scale` fraction digits. That canonical
 * form makes encode and decode exact (the decoded string is the one that was encoded) and lets processors
 * do arithmetic on the unscaled `bigint` (cents) with no floating point anywhere.
 */

/** A decimal in canonical form, e.g. `"249.90"` for scale 2 (see {@link parseDecimal}). */
export type Decimal = string;

/** Thrown by {@link parseDecimal} for a string that is not a canonical decimal of the given scale. */
export class DecimalFormatError extends Error {}

const patternCache = new Map<number, RegExp>();

function patternFor(scale: number): RegExp {
  let pattern = patternCache.get(scale);
  if (!pattern) {
    pattern = scale === 0 ? /^-?(0|[1-9]\d*)$/ : new RegExp(`^-?(0|[1-9]\\d*)\\.\\d{${scale}}$`);
    patternCache.set(scale, pattern);
  }
  return pattern;
}

/**
 * The unscaled integer of a canonical decimal string: `parseDecimal("249.90", 2) === 24990n`.
 * @throws DecimalFormatError when the string is not canonical for that scale (wrong number of fraction
 *   digits, leading zeros, `-0.00`, exponent notation).
 */
export function parseDecimal(text: string, scale: number): bigint {
  if (typeof text !== 'string' || !patternFor(scale).test(text)) {
    throw new DecimalFormatError(
      `invalid decimal ${JSON.stringify(text)}: expected a string with exactly ${scale} fraction digits and ` +
        `no leading zeros, e.g. "${formatDecimal(12345n, scale)}"`,
    );
  }
  const unscaled = BigInt(text.replace('.', ''));
  if (unscaled === 0n && text.startsWith('-')) {
    throw new DecimalFormatError(`invalid decimal ${JSON.stringify(text)}: negative zero; write it unsigned`);
  }
  return unscaled;
}

/** The canonical string of an unscaled integer: `formatDecimal(24990n, 2) === "249.90"`. */
export function formatDecimal(unscaled: bigint, scale: number): Decimal {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${integer}${scale > 0 ? `.${fraction}` : ''}`;
}

/** Number of significant digits of an unscaled integer, checked against an Avro decimal's precision. */
export function digitCount(unscaled: bigint): number {
  return (unscaled < 0n ? -unscaled : unscaled).toString().length;
}

/** Big-endian two's-complement bytes of an integer, the shortest that hold it (Avro's decimal encoding). */
export function bigintToTwosComplement(value: bigint): Buffer {
  let hex = (value < 0n ? -value : value).toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (value >= 0n) {
    // A leading byte with its high bit set would read as negative: prefix a zero byte.
    if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return bytes;
  }
  // Negative: two's complement of the magnitude in the smallest width whose sign bit is set.
  let width = bytes.length;
  const fits = (w: number) => -value <= 1n << BigInt(w * 8 - 1);
  if (!fits(width)) width += 1;
  const encoded = (1n << BigInt(width * 8)) + value;
  return Buffer.from(encoded.toString(16).padStart(width * 2, '0'), 'hex');
}

/** The integer of big-endian two's-complement bytes (any width, including zero bytes for 0). */
export function twosComplementToBigint(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${bytes.toString('hex')}`);
  const negative = (bytes[0]! & 0x80) !== 0;
  return negative ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}

// Fast paths: most amounts fit in a double exactly (up to 15 digits) and their two's complement in the
// 6 bytes that Buffer's readIntBE/writeIntBE handle, which avoids BigInt and hex strings per value.
const SMALL_LIMIT = 2 ** 47;

/**
 * The unscaled value of a canonical decimal string as a number when it has at most 15 digits (exact in a
 * double), or `undefined` when it is longer (use {@link parseDecimal}).
 * @throws DecimalFormatError when the string is not canonical for that scale
 */
export function parseSmallDecimal(text: string, scale: number): number | undefined {
  if (typeof text !== 'string') return Number(parseDecimal(text, scale));
  const length = text.length;
  const negative = text.charCodeAt(0) === 45;
  let i = negative ? 1 : 0;
  const integerStart = i;
  let value = 0;
  for (; i < length; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  const integerDigits = i - integerStart;
  let canonical = integerDigits > 0 && (integerDigits === 1 || text.charCodeAt(integerStart) !== 48);
  if (scale > 0) {
    canonical &&= text.charCodeAt(i) === 46;
    i += 1;
    const fractionStart = i;
    for (; i < length; i += 1) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    canonical &&= i - fractionStart === scale;
  }
  canonical &&= i === length && !(negative && value === 0);
  if (!canonical) return Number(parseDecimal(text, scale)); // throws the detailed error
  if (integerDigits + scale > 15) return undefined;
  return negative ? -value : value;
}

/** Bytes of the shortest two's complement of an integer with |value| <= 2^47 (1 to 6). */
export function smallByteWidth(value: number): number {
  if (value >= -0x80 && value < 0x80) return 1;
  if (value >= -0x8000 && value < 0x8000) return 2;
  if (value >= -0x800000 && value < 0x800000) return 3;
  if (value >= -0x80000000 && value < 0x80000000) return 4;
  if (value >= -0x8000000000 && value < 0x8000000000) return 5;
  return 6;
}

/** True when {@link smallToTwosComplement} handles the value (|value| < 2^47). */
export function isSmallUnscaled(value: number): boolean {
  return value < SMALL_LIMIT && value >= -SMALL_LIMIT;
}

/** Two's-complement bytes of an integer with |value| < 2^47, or `undefined` for larger ones. */
export function smallToTwosComplement(value: number): Buffer | undefined {
  if (!isSmallUnscaled(value)) return undefined;
  const width = smallByteWidth(value);
  const bytes = Buffer.allocUnsafe(width);
  bytes.writeIntBE(value, 0, width);
  return bytes;
}

/** The canonical string of bytes of at most 6, or `undefined` for longer ones (use the BigInt path). */
export function formatSmallTwosComplement(bytes: Buffer, scale: number): Decimal | undefined {
  if (bytes.length > 6) return undefined;
  return formatSmallDecimal(bytes.length === 0 ? 0 : bytes.readIntBE(0, bytes.length), scale);
}

/** The canonical string of a safe-integer unscaled value: `formatSmallDecimal(24990, 2) === "249.90"`. */
export function formatSmallDecimal(unscaled: number, scale: number): Decimal {
  let digits = String(unscaled < 0 ? -unscaled : unscaled);
  if (digits.length <= scale) digits = digits.padStart(scale + 1, '0');
  const sign = unscaled < 0 ? '-' : '';
  if (scale === 0) return `${sign}${digits}`;
  const cut = digits.length - scale;
  return `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}
