/**
 * Confirmation numbers `RSV-<year>-<sequence>`, e.g. `RSV-2026-000042`. The API assigns them (unique across
 * instances); this module only formats and parses. The sequence is zero-padded to six digits so numbers
 * of a year sort as text up to 999 999 and simply grow longer after that.
 */
import { InvalidConfirmationNumberError } from '../errors.js';

/** The parts of a confirmation number. */
export interface ConfirmationNumberParts {
  /** Four-digit booking year. */
  readonly year: number;
  /** Positive sequence within the year. */
  readonly sequence: number;
}

const PATTERN = /^RSV-(\d{4})-(\d{6,15})$/;
const SEQUENCE_DIGITS = 6;

/**
 * Formats a confirmation number.
 *
 * @example formatConfirmationNumber(2026, 42) // 'RSV-2026-000042'
 */
export function formatConfirmationNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) {
    throw new InvalidConfirmationNumberError(`RSV-${year}-${sequence}`, 'the year must have four digits');
  }
  if (!Number.isSafeInteger(sequence) || sequence < 1) {
    throw new InvalidConfirmationNumberError(
      `RSV-${year}-${sequence}`,
      'the sequence must be a positive integer',
    );
  }
  return `RSV-${year}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** Parses a confirmation number, or returns `undefined` when `value` is not one (for request validation). */
export function tryParseConfirmationNumber(value: string): ConfirmationNumberParts | undefined {
  const match = PATTERN.exec(value);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const sequence = Number(match[2]);
  if (year < 1000 || sequence < 1 || !Number.isSafeInteger(sequence)) return undefined;
  // One spelling per number: more than six digits only when the sequence needs them.
  if (formatConfirmationNumber(year, sequence) !== value) return undefined;
  return { year, sequence };
}

/** Parses a confirmation number; throws an {@link InvalidConfirmationNumberError} saying what is wrong. */
export function parseConfirmationNumber(value: string): ConfirmationNumberParts {
  const parts = tryParseConfirmationNumber(value);
  if (parts === undefined) {
    const why = PATTERN.test(value)
      ? 'the year or sequence is out of range or not canonically padded'
      : 'wrong shape';
    throw new InvalidConfirmationNumberError(value, why);
  }
  return parts;
}

/** True when `value` is a canonical confirmation number. */
export function isConfirmationNumber(value: string): boolean {
  return tryParseConfirmationNumber(value) !== undefined;
}
