/**
 * Stay arithmetic: which nights a stay occupies. A night is named by the date it starts on, so a stay from
 * check-in 2026-03-14 to check-out 2026-03-16 occupies the nights of 03-14 and 03-15 (check-in inclusive,
 * check-out exclusive), and a guest checking out on a date frees that date for the next arrival.
 */
import { addDays, daysBetween, isLocalDate, type LocalDate } from './local-date.js';

/** Bounds a stay must respect; the defaults fit a city hotel. */
export interface StayLimits {
  /** Fewest nights (at least 1). */
  readonly minNights: number;
  /** Most nights in one reservation. */
  readonly maxNights: number;
  /** Most rooms in one reservation (larger groups go through a group desk, not this pipeline). */
  readonly maxRooms: number;
}

/** Default limits: 1 to 30 nights, up to 9 rooms. */
export const DEFAULT_STAY_LIMITS: StayLimits = Object.freeze({ minNights: 1, maxNights: 30, maxRooms: 9 });

/** Why a stay is not acceptable, as a machine-readable code with a readable message. */
export type StayProblem =
  | { readonly code: 'INVALID_DATE'; readonly message: string }
  | { readonly code: 'CHECK_OUT_NOT_AFTER_CHECK_IN'; readonly message: string }
  | { readonly code: 'TOO_FEW_NIGHTS'; readonly message: string }
  | { readonly code: 'TOO_MANY_NIGHTS'; readonly message: string }
  | { readonly code: 'INVALID_ROOMS'; readonly message: string };

/** A checked stay: its nights in order. */
export interface Stay {
  readonly checkIn: LocalDate;
  readonly checkOut: LocalDate;
  readonly rooms: number;
  /** Every night of the stay, ascending; `nights.length` is the length of stay. */
  readonly nights: readonly LocalDate[];
}

/** The outcome of {@link checkStay}: the stay, or the first problem found. */
export type StayCheck =
  | { readonly ok: true; readonly stay: Stay }
  | { readonly ok: false; readonly problem: StayProblem };

/**
 * The nights from `checkIn` (inclusive) to `checkOut` (exclusive), ascending; empty when `checkOut` is
 * not after `checkIn`. Both must be valid dates (see {@link checkStay} for a checked version).
 *
 * @example nightsOf('2026-03-30', '2026-04-02') // ['2026-03-30', '2026-03-31', '2026-04-01']
 */
export function nightsOf(checkIn: LocalDate, checkOut: LocalDate): LocalDate[] {
  const count = daysBetween(checkIn, checkOut);
  const nights: LocalDate[] = [];
  for (let i = 0; i < count; i++) nights.push(addDays(checkIn, i));
  return nights;
}

/** Checks dates, length of stay and room count against `limits`; never throws. */
export function checkStay(
  checkIn: unknown,
  checkOut: unknown,
  rooms: unknown,
  limits: StayLimits = DEFAULT_STAY_LIMITS,
): StayCheck {
  if (!isLocalDate(checkIn))
    return fail('INVALID_DATE', `checkIn ${JSON.stringify(checkIn)} is not YYYY-MM-DD`);
  if (!isLocalDate(checkOut)) {
    return fail('INVALID_DATE', `checkOut ${JSON.stringify(checkOut)} is not YYYY-MM-DD`);
  }
  if (typeof rooms !== 'number' || !Number.isInteger(rooms) || rooms < 1 || rooms > limits.maxRooms) {
    return fail(
      'INVALID_ROOMS',
      `rooms must be a whole number from 1 to ${limits.maxRooms}, got ${String(rooms)}`,
    );
  }
  const length = daysBetween(checkIn, checkOut);
  if (length <= 0) {
    return fail('CHECK_OUT_NOT_AFTER_CHECK_IN', `checkOut ${checkOut} must be after checkIn ${checkIn}`);
  }
  if (length < limits.minNights) {
    return fail('TOO_FEW_NIGHTS', `a stay needs at least ${limits.minNights} nights, this one has ${length}`);
  }
  if (length > limits.maxNights) {
    return fail(
      'TOO_MANY_NIGHTS',
      `a stay may have at most ${limits.maxNights} nights, this one has ${length}`,
    );
  }
  return { ok: true, stay: { checkIn, checkOut, rooms, nights: nightsOf(checkIn, checkOut) } };
}

function fail(code: StayProblem['code'], message: string): StayCheck {
  return { ok: false, problem: { code, message } };
}
