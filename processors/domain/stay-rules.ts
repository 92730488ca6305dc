/**
 * Rules a stay's life must follow beyond its shape (`stay.ts`): when a guest may check in, when a check-out
 * is possible, and how far ahead a booking may be made. The API checks them before producing (a 422 naming
 * the rule); the topology checks the check-in and check-out rules again, because a check-out before the
 * arrival would release every night and leave a stay that ends before it starts.
 *
 * - `CHECK_IN_OUTSIDE_WINDOW`: a check-in is dated the arrival date or up to {@link LATE_CHECK_IN_DAYS}
 *   day later (a guest arriving after midnight), and always before the check-out date.
 * - `CHECK_OUT_BEFORE_CHECK_IN`: a check-out is dated after the arrival date (a stay has at least one night).
 * - `CHECK_OUT_AFTER_STAY`: a check-out is dated no later than the booked check-out date (a longer stay is
 *   a modification, which holds the extra nights). An earlier date is an early departure: it shortens the
 *   stay and gives the unused nights back.
 * - `BEYOND_BOOKING_HORIZON`: a stay ends at most {@link BOOKING_HORIZON_DAYS} days after today (UTC).
 */
import { addDays, compareDates, type LocalDate } from './local-date.js';

/** Days after the arrival date on which a check-in is still accepted. */
export const LATE_CHECK_IN_DAYS = 1;

/** How far ahead (days after today, UTC) a stay may end: two years. */
export const BOOKING_HORIZON_DAYS = 730;

/** Every stay rule, by the code a refusal names. */
export const STAY_RULES = [
  'CHECK_IN_OUTSIDE_WINDOW',
  'CHECK_OUT_BEFORE_CHECK_IN',
  'CHECK_OUT_AFTER_STAY',
  'BEYOND_BOOKING_HORIZON',
] as const;

/** A code of {@link STAY_RULES}. */
export type StayRule = (typeof STAY_RULES)[number];

/** A broken rule: its code and a message that says what would be accepted. */
export interface StayRuleBreach {
  readonly rule: StayRule;
  readonly message: string;
}

/** The booked dates of a stay. */
export interface BookedDates {
  readonly checkInDate: LocalDate;
  readonly checkOutDate: LocalDate;
}

/** Why a check-in dated `date` is refused for `stay`, or `undefined` when it is accepted. */
export function checkInBreach(stay: BookedDates, date: LocalDate): StayRuleBreach | undefined {
  const latest = addDays(stay.checkInDate, LATE_CHECK_IN_DAYS);
  const last = compareDates(latest, stay.checkOutDate) < 0 ? latest : addDays(stay.checkOutDate, -1);
  if (compareDates(date, stay.checkInDate) >= 0 && compareDates(date, last) <= 0) return undefined;
  return {
    rule: 'CHECK_IN_OUTSIDE_WINDOW',
    message: `a check-in on ${date} is outside the window of this stay: from the arrival date ${stay.checkInDate} to ${last}`,
  };
}

/** Why a check-out dated `date` is refused for `stay`, or `undefined` when it is accepted. */
export function checkOutBreach(stay: BookedDates, date: LocalDate): StayRuleBreach | undefined {
  if (compareDates(date, stay.checkInDate) <= 0) {
    return {
      rule: 'CHECK_OUT_BEFORE_CHECK_IN',
      message: `checkOutDate ${date} must be after the arrival date ${stay.checkInDate}`,
    };
  }
  if (compareDates(date, stay.checkOutDate) > 0) {
    return {
      rule: 'CHECK_OUT_AFTER_STAY',
      message: `checkOutDate ${date} is after the booked check-out ${stay.checkOutDate}; modify the reservation to stay longer`,
    };
  }
  return undefined;
}

/** Why a stay ending on `checkOutDate` is too far ahead of `today`, or `undefined` when it is not. */
export function horizonBreach(checkOutDate: LocalDate, today: LocalDate): StayRuleBreach | undefined {
  const last = addDays(today, BOOKING_HORIZON_DAYS);
  if (compareDates(checkOutDate, last) <= 0) return undefined;
  return {
    rule: 'BEYOND_BOOKING_HORIZON',
    message: `a stay must end within ${BOOKING_HORIZON_DAYS} days (by ${last}); checkOutDate ${checkOutDate} is later`,
  };
}
