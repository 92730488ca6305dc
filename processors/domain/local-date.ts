/**
 * Calendar dates without a time or a zone (`YYYY-MM-DD`), the unit of hotel inventory: a night belongs to
 * the date the guest checks in on, whatever the clock or timezone. Arithmetic goes through UTC midnight,
 * which has no daylight-saving jumps, so adding a day always moves exactly one calendar day.
 */
import { InvalidDateError } from '../errors.js';

/** A calendar date as `YYYY-MM-DD`; check with {@link isLocalDate} or {@link parseLocalDate}. */
export type LocalDate = string;

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written `YYYY-MM-DD` (so `2026-02-30` is false). */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string') return false;
  return epochDayOf(value) !== undefined;
}

/**
 * Epoch days of the dates met so far, and the dates of the epoch days: a pipeline meets the same few
 * hundred nights over and over (every night of every stay goes through {@link addDays} and
 * {@link daysBetween}), and parsing one through `Date` and `toISOString` cost more CPU than any other
 * function of the domain in the pipeline's profile. Emptied when full, so memory stays bounded.
 */
const EPOCH_DAYS = new Map<string, number>();
const DATES = new Map<number, LocalDate>();
const MEMO_LIMIT = 8192;

function remember<K, V>(memo: Map<K, V>, key: K, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** The epoch day of `value` if it is a real `YYYY-MM-DD` date, else undefined (nothing remembered). */
function epochDayOf(value: string): number | undefined {
  const known = EPOCH_DAYS.get(value);
  if (known !== undefined) return known;
  const match = DATE_PATTERN.exec(value);
  if (match === null) return undefined;
  const [, y, m, d] = match;
  const epoch = Date.UTC(Number(y), Number(m) - 1, Number(d));
  // Date.UTC rolls 2026-02-30 over to 2026-03-02; a real date survives the round trip unchanged.
  if (new Date(epoch).toISOString().slice(0, 10) !== value) return undefined;
  return remember(EPOCH_DAYS, value, epoch / MS_PER_DAY);
}

/** Returns `value` as a {@link LocalDate}, or throws an {@link InvalidDateError} naming `what`. */
export function parseLocalDate(value: unknown, what = 'date'): LocalDate {
  if (!isLocalDate(value)) throw new InvalidDateError(value, what);
  return value;
}

/** Days since 1970-01-01 of a date (the date's UTC midnight divided by a day). */
export function toEpochDay(date: LocalDate): number {
  const epochDay = typeof date === 'string' ? epochDayOf(date) : undefined;
  if (epochDay === undefined) throw new InvalidDateError(date, 'date');
  return epochDay;
}

/** The date `epochDay` days after 1970-01-01. */
export function fromEpochDay(epochDay: number): LocalDate {
  return (
    DATES.get(epochDay) ??
    remember(DATES, epochDay, new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10))
  );
}

/** `date` moved by `days` (negative moves back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** Orders dates: negative, zero or positive like a comparator. `YYYY-MM-DD` also sorts as text. */
export function compareDates(a: LocalDate, b: LocalDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The UTC calendar date of an epoch-millisecond instant. */
export function utcDateOf(epochMs: number): LocalDate {
  return new Date(epochMs).toISOString().slice(0, 10);
}
