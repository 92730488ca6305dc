/**
 * Wall-clock time at a property. Cancellation deadlines are written in the property's local time ("free
 * until 48 hours before the 15:00 check-in in Lisbon"), so turning them into an instant needs the zone's
 * UTC offset on that day, daylight saving included. Node ships the IANA database through `Intl`.
 */
import { InvalidDateError } from '../errors.js';
import { type LocalDate, parseLocalDate } from './local-date.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Per zone, the UTC hour last asked about and its offset (see `hourOffset`). */
const lastHours = new Map<string, { hour: number; offset: number | undefined }>();
/** Per zone, the local day (days since the epoch) last formatted and its date. */
const lastDays = new Map<string, { day: number; date: LocalDate }>();

/** True when `timeZone` is an IANA zone name Node knows, e.g. `Europe/Lisbon`. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** True when `time` is a wall-clock time `HH:MM` (00:00 to 23:59). */
export function isLocalTime(time: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(time);
}

/**
 * The instant (epoch ms) at which the clocks in `timeZone` show `date` at `time` (`HH:MM`).
 * Like `java.time.ZonedDateTime.of`: a wall time repeated when clocks go back resolves to its first
 * occurrence; a wall time skipped when clocks go forward is moved later by the length of the gap.
 */
export function zonedInstant(date: LocalDate, time: string, timeZone: string): number {
  parseLocalDate(date);
  if (!isLocalTime(time)) throw new InvalidDateError(time, 'local time (HH:MM)');
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // Zones change offset at most once around a given day, so the offsets a day before and a day after
  // are the only candidates. The earlier instant that really shows `wall` is the first occurrence.
  const offsetBefore = offsetMs(wall - DAY_MS, timeZone);
  const offsetAfter = offsetMs(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].sort((a, b) => a - b);
  for (const instant of candidates) {
    if (offsetMs(instant, timeZone) === wall - instant) return instant;
  }
  // No instant shows this wall time (a spring-forward gap): read it with the offset before the gap.
  return wall - offsetBefore;
}

/** The calendar date shown by clocks in `timeZone` at instant `epochMs`. */
export function zonedDate(epochMs: number, timeZone: string): LocalDate {
  const offset = hourOffset(epochMs, timeZone);
  if (offset === undefined) {
    const parts = partsOf(epochMs, timeZone);
    return `${parts.year}-${parts.month}-${parts.day}`;
  }
  const day = Math.floor((epochMs + offset) / DAY_MS);
  const last = lastDays.get(timeZone);
  if (last !== undefined && last.day === day) return last.date;
  const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
  lastDays.set(timeZone, { day, date });
  return date;
}

/**
 * The zone's offset throughout the UTC hour of `epochMs`, or undefined when it changes within that hour.
 * `Intl` formatting costs microseconds and the pipeline asks for the date of nearly every record, so the
 * last hour's offset is kept per zone: a zone changes its offset at most once in an hour, so equal
 * offsets at the hour's first and last millisecond hold for the whole hour.
 */
function hourOffset(epochMs: number, timeZone: string): number | undefined {
  const hour = Math.floor(epochMs / HOUR_MS);
  const cached = lastHours.get(timeZone);
  if (cached !== undefined && cached.hour === hour) return cached.offset;
  const start = offsetMs(hour * HOUR_MS, timeZone);
  const offset = start === offsetMs(hour * HOUR_MS + HOUR_MS - 1, timeZone) ? start : undefined;
  lastHours.set(timeZone, { hour, offset });
  return offset;
}

/** The zone's offset from UTC at `epochMs`, in milliseconds (positive east of Greenwich). */
export function offsetMs(epochMs: number, timeZone: string): number {
  const p = partsOf(epochMs, timeZone);
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour) % 24,
    Number(p.minute),
    Number(p.second),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

function partsOf(epochMs: number, timeZone: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) parts[part.type] = part.value;
  return parts;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
