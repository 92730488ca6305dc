/**
 * How Avro logical types appear in TypeScript, implemented as avsc logical types so that encode and decode
 * are exact (a decoded value equals the encoded one, and a wrong value fails on encode, not downstream):
 *
 * | Avro                          | TypeScript    | example          |
 * |-------------------------------|---------------|------------------|
 * | `int` / `date`                | `LocalDate`   | `"2026-03-14"`   |
 * | `long` / `timestamp-millis`   | `EpochMillis` | `1773446400000`  |
 * | `bytes` / `decimal` (scale s) | `Decimal`     | `"249.90"` (s=2) |
 *
 * Dates are strings because a stay date has no time zone: a `Date` object would invite off-by-one-day
 * bugs. Money is a canonical decimal string because floating point cannot hold cents exactly.
 */
import avro from 'avsc';
import {
  bigintToTwosComplement,
  type Decimal,
  digitCount,
  formatDecimal,
  formatSmallDecimal,
  formatSmallTwosComplement,
  isSmallUnscaled,
  parseDecimal,
  parseSmallDecimal,
  smallByteWidth,
  smallToTwosComplement,
  twosComplementToBigint,
} from './decimal.js';

export type { Decimal } from './decimal.js';

/** A calendar date, `YYYY-MM-DD` (Avro `date`: days since 1970-01-01). */
export type LocalDate = string;

/** An instant in epoch milliseconds, UTC (Avro `timestamp-millis`); always a safe integer. */
export type EpochMillis = number;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`, integer-only). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The value of `length` ASCII digits of `text` from `start`, or -1 if one is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value));

/** Days since the epoch of a `YYYY-MM-DD` date (years 0000-9999); throws on a malformed or impossible date. */
export function localDateToEpochDay(date: LocalDate): number {
  if (typeof date === 'string' && date.length === 10 && date[4] === '-' && date[7] === '-') {
    const year = digitsAt(date, 0, 4);
    const month = digitsAt(date, 5, 2);
    const day = digitsAt(date, 8, 2);
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)) {
      return daysFromCivil(year, month, day);
    }
  }
  throw new Error(`invalid date ${JSON.stringify(date)}: expected a real calendar date as "YYYY-MM-DD"`);
}

/** The `YYYY-MM-DD` date of a number of days since the epoch (H. Hinnant's `civil_from_days`). */
export function epochDayToLocalDate(epochDay: number): LocalDate {
  const shifted = epochDay + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

type SchemaAttrs = Record<string, unknown>;

/** The part of avsc's internal write cursor (`Tap`) that a logical type's `_write` hook uses. */
interface AvscTap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(value: number): void;
}

/** avsc's generic `LogicalType._write` (underlying type's write of `_toValue`), not in its typings. */
const logicalWrite = (
  avro.types.LogicalType.prototype as unknown as { _write(tap: AvscTap, value: unknown): void }
)._write;
/** avsc's generic `LogicalType._read` (`_fromValue` of the underlying type's read). */
const logicalRead = (avro.types.LogicalType.prototype as unknown as { _read(tap: AvscTap): unknown })._read;

/** `int` + `date` <-> `LocalDate`. */
class DateType extends avro.types.LogicalType {
  protected override _fromValue(days: number): LocalDate {
    return epochDayToLocalDate(days);
  }

  protected override _toValue(date: LocalDate): number {
    return localDateToEpochDay(date);
  }

  protected override _resolve(writer: avro.Type): ((value: unknown) => unknown) | undefined {
    if (writer instanceof DateType) return (value) => value;
    if (avro.Type.isType(writer, 'int')) return (value) => this._fromValue(value as number);
    return undefined;
  }
}

/** `long` + `timestamp-millis` <-> `EpochMillis`; rejects fractions and unsafe integers on encode. */
class TimestampMillisType extends avro.types.LogicalType {
  protected override _fromValue(millis: number): EpochMillis {
    return millis;
  }

  protected override _toValue(millis: EpochMillis): number {
    if (!Number.isSafeInteger(millis)) {
      throw new Error(
        `invalid timestamp-millis ${String(millis)}: expected an integer number of epoch milliseconds`,
      );
    }
    return millis;
  }

  protected override _resolve(writer: avro.Type): ((value: unknown) => unknown) | undefined {
    if (writer instanceof TimestampMillisType || avro.Type.isType(writer, 'long', 'int'))
      return (value) => value;
    return undefined;
  }
}

/** `bytes` (or `fixed`) + `decimal(precision, scale)` <-> canonical `Decimal` string of that scale. */
class DecimalType extends avro.types.LogicalType {
  readonly precision: number;
  readonly scale: number;
  private readonly fixedSize: number | undefined;
  /** 10^precision: an unscaled value must be smaller in magnitude. */
  private readonly limit: number;

  constructor(schema: avro.Schema, opts?: unknown) {
    super(schema, opts);
    const attrs = schema as SchemaAttrs;
    const precision = attrs.precision;
    const scale = attrs.scale ?? 0;
    if (!Number.isInteger(precision) || (precision as number) < 1) {
      throw new Error(`decimal needs a positive integer precision, got ${JSON.stringify(precision)}`);
    }
    if (!Number.isInteger(scale) || (scale as number) < 0 || (scale as number) > (precision as number)) {
      throw new Error(`decimal scale must be an integer in [0, precision], got ${JSON.stringify(scale)}`);
    }
    this.precision = precision as number;
    this.scale = scale as number;
    this.limit = 10 ** this.precision;
    this.fixedSize = avro.Type.isType(this.underlyingType, 'fixed') ? (attrs.size as number) : undefined;
  }

  protected override _fromValue(bytes: Buffer): Decimal {
    return (
      formatSmallTwosComplement(bytes, this.scale) ?? formatDecimal(twosComplementToBigint(bytes), this.scale)
    );
  }

  protected override _toValue(text: Decimal): Buffer {
    if (this.fixedSize === undefined) {
      const small = parseSmallDecimal(text, this.scale);
      if (small !== undefined) {
        this.checkPrecision(small, text);
        const bytes = smallToTwosComplement(small);
        if (bytes) return bytes;
      }
    }
    const unscaled = parseDecimal(text, this.scale);
    if (digitCount(unscaled) > this.precision) {
      throw new Error(`invalid decimal ${JSON.stringify(text)}: more than ${this.precision} digits`);
    }
    const bytes = bigintToTwosComplement(unscaled);
    if (this.fixedSize === undefined) return bytes;
    // A fixed holds the value sign-extended to its full size.
    if (bytes.length > this.fixedSize)
      throw new Error(`decimal ${text} does not fit in ${this.fixedSize} bytes`);
    const padded = Buffer.alloc(this.fixedSize, unscaled < 0n ? 0xff : 0);
    bytes.copy(padded, this.fixedSize - bytes.length);
    return padded;
  }

  private checkPrecision(unscaled: number, text: Decimal): void {
    if (!(unscaled < this.limit && unscaled > -this.limit)) {
      throw new Error(`invalid decimal ${JSON.stringify(text)}: more than ${this.precision} digits`);
    }
  }

  /**
   * avsc's write hook: amounts below 2^47 (most money) go straight into the output buffer, with no
   * intermediate Buffer per value; others take the generic path through `_toValue`.
   */
  _write(tap: AvscTap, text: Decimal): void {
    if (this.fixedSize === undefined) {
      const small = parseSmallDecimal(text, this.scale);
      if (small !== undefined && isSmallUnscaled(small)) {
        this.checkPrecision(small, text);
        const width = smallByteWidth(small);
        tap.writeLong(width);
        const position = tap.pos;
        tap.pos += width;
        // Past the end, avsc's tap just records the missing length; encode() then grows and retries.
        if (tap.pos <= tap.buf.length) tap.buf.writeIntBE(small, position, width);
        return;
      }
    }
    logicalWrite.call(this, tap, text);
  }

  /** avsc's read hook: reads amounts of up to 6 bytes in place, without copying them into a new Buffer. */
  _read(tap: AvscTap): Decimal {
    if (this.fixedSize !== undefined) return logicalRead.call(this, tap) as Decimal;
    const length = tap.readLong();
    const position = tap.pos;
    tap.pos += length;
    // A negative or overlong length leaves the tap invalid: fromBuffer then reports a truncated buffer.
    if (length < 0 || tap.pos > tap.buf.length) {
      tap.pos = tap.buf.length + 1;
      return '';
    }
    if (length <= 6)
      return formatSmallDecimal(length === 0 ? 0 : tap.buf.readIntBE(position, length), this.scale);
    return formatDecimal(twosComplementToBigint(tap.buf.subarray(position, tap.pos)), this.scale);
  }

  protected override _resolve(writer: avro.Type): ((value: unknown) => unknown) | undefined {
    if (writer instanceof DecimalType) {
      // A different scale would change the value's meaning; a different precision is harmless to read.
      return writer.scale === this.scale ? (value) => value : undefined;
    }
    if (avro.Type.isType(writer, 'bytes', 'fixed')) return (value) => this._fromValue(value as Buffer);
    return undefined;
  }

  protected override _export(attrs: avro.Schema): void {
    const target = attrs as SchemaAttrs;
    target.precision = this.precision;
    target.scale = this.scale;
  }
}

/** The logical types to pass to `avro.Type.forSchema`, keyed by Avro logical type name. */
export const LOGICAL_TYPES = {
  date: DateType,
  'timestamp-millis': TimestampMillisType,
  decimal: DecimalType,
} as const;

/**
 * Parses an Avro schema (JSON text or object) into an avsc type that uses the logical types above.
 * Unions of `null` and one type decode to `T | null` (avsc's unwrapped unions).
 * @throws Error from avsc when the schema is not valid Avro (callers wrap it in InvalidSchemaError).
 */
export function avroTypeFor(schema: string | object): avro.Type {
  const parsed = typeof schema === 'string' ? (JSON.parse(schema) as object) : schema;
  return avro.Type.forSchema(parsed as avro.Schema, {
    logicalTypes: LOGICAL_TYPES,
    // An invalid logical type (e.g. a decimal without precision) is a schema bug: fail, do not fall back.
    assertLogicalTypes: true,
    wrapUnions: 'auto',
    // Decoded records are plain data: no avsc helper methods (toBuffer, clone, toString) on their prototype.
    omitRecordMethods: true,
  });
}
