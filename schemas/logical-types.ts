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
  parseDecimal,
  twosComplementToBigint,
} from './decimal.js';

export type { Decimal } from './decimal.js';

/** A calendar date, `YYYY-MM-DD` (Avro `date`: days since 1970-01-01). */
export type LocalDate = string;

/** An instant in epoch milliseconds, UTC (Avro `timestamp-millis`); always a safe integer. */
export type EpochMillis = number;

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the epoch of a `YYYY-MM-DD` date; throws on a malformed or impossible date. */
export function localDateToEpochDay(date: LocalDate): number {
  const match = typeof date === 'string' ? DATE_PATTERN.exec(date) : null;
  if (match) {
    const millis = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    // Date.UTC rolls 2026-02-30 over into March: a round trip catches impossible dates.
    if (epochDayToLocalDate(millis / DAY_MS) === date) return millis / DAY_MS;
  }
  throw new Error(`invalid date ${JSON.stringify(date)}: expected a real calendar date as "YYYY-MM-DD"`);
}

/** The `YYYY-MM-DD` date of a number of days since the epoch. */
export function epochDayToLocalDate(epochDay: number): LocalDate {
  const date = new Date(epochDay * DAY_MS);
  const year = String(date.getUTCFullYear()).padStart(4, '0');
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

type SchemaAttrs = Record<string, unknown>;

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
    this.fixedSize = avro.Type.isType(this.underlyingType, 'fixed') ? (attrs.size as number) : undefined;
  }

  protected override _fromValue(bytes: Buffer): Decimal {
    return formatDecimal(twosComplementToBigint(bytes), this.scale);
  }

  protected override _toValue(text: Decimal): Buffer {
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
  });
}
