/**
 * KPI arithmetic of hotel revenue management, exact in minor units:
 * - room-nights: rooms × nights sold;
 * - ADR (average daily rate) = room revenue / room-nights sold;
 * - RevPAR (revenue per available room) = room revenue / room-nights available;
 * - occupancy = room-nights sold / room-nights available.
 * Averages round once, half away from zero, to a minor unit (ADR, RevPAR) or a basis point (occupancy);
 * with nothing to divide by they are `null`, never a made-up zero.
 *
 * The windowed KPI aggregations fold events into {@link KpiTotals} with {@link addBooking} and
 * {@link addCancellation}, and report them with {@link summarizeKpis}.
 */
import type { LocalDate } from './local-date.js';
import { add, BASIS_POINTS, divideRounded, type Money, subtract, times, zero } from './money.js';
import type { StayPrice } from './pricing.js';

/** Running totals of one window (or one stay date) of one property; gross and cancelled kept apart. */
export interface KpiTotals {
  readonly bookings: number;
  readonly cancellations: number;
  readonly roomNightsBooked: number;
  readonly roomNightsCancelled: number;
  readonly revenueBooked: Money;
  /** Revenue given back by cancellations (their total minus the fee the hotel keeps). */
  readonly revenueCancelled: Money;
}

/** Totals with the derived ratios. */
export interface KpiSummary extends KpiTotals {
  /** `roomNightsBooked - roomNightsCancelled`. */
  readonly roomNightsSold: number;
  /** `revenueBooked - revenueCancelled`. */
  readonly revenue: Money;
  readonly roomNightsAvailable: number;
  /** `null` when no room-night is sold. */
  readonly adr: Money | null;
  /** `null` when no room-night is available. */
  readonly revpar: Money | null;
  /** Basis points (10 000 = 100 %); `null` when no room-night is available. */
  readonly occupancyBp: number | null;
}

/** Totals of nothing yet, in `currency`. */
export function emptyKpis(currency: string): KpiTotals {
  return {
    bookings: 0,
    cancellations: 0,
    roomNightsBooked: 0,
    roomNightsCancelled: 0,
    revenueBooked: zero(currency),
    revenueCancelled: zero(currency),
  };
}

/** Folds in a confirmed booking of `roomNights` room-nights for `revenue`. */
export function addBooking(totals: KpiTotals, roomNights: number, revenue: Money): KpiTotals {
  return {
    ...totals,
    bookings: totals.bookings + 1,
    roomNightsBooked: totals.roomNightsBooked + roomNights,
    revenueBooked: add(totals.revenueBooked, revenue),
  };
}

/** Folds in a cancellation that gives back `roomNights` and `revenueLost` (total minus the fee kept). */
export function addCancellation(totals: KpiTotals, roomNights: number, revenueLost: Money): KpiTotals {
  return {
    ...totals,
    cancellations: totals.cancellations + 1,
    roomNightsCancelled: totals.roomNightsCancelled + roomNights,
    revenueCancelled: add(totals.revenueCancelled, revenueLost),
  };
}

/**
 * Folds in a modification of a booking counted earlier: its room-nights and revenue change by the given
 * differences (negative when the stay shrank); the number of bookings does not.
 */
export function addModification(totals: KpiTotals, roomNightsDelta: number, revenueDelta: Money): KpiTotals {
  return {
    ...totals,
    roomNightsBooked: totals.roomNightsBooked + roomNightsDelta,
    revenueBooked: add(totals.revenueBooked, revenueDelta),
  };
}

/** Sums two totals (e.g. combining partial aggregates). */
export function mergeKpis(a: KpiTotals, b: KpiTotals): KpiTotals {
  return {
    bookings: a.bookings + b.bookings,
    cancellations: a.cancellations + b.cancellations,
    roomNightsBooked: a.roomNightsBooked + b.roomNightsBooked,
    roomNightsCancelled: a.roomNightsCancelled + b.roomNightsCancelled,
    revenueBooked: add(a.revenueBooked, b.revenueBooked),
    revenueCancelled: add(a.revenueCancelled, b.revenueCancelled),
  };
}

/** Adds ADR, RevPAR and occupancy for `roomNightsAvailable` (capacity × dates covered). */
export function summarizeKpis(totals: KpiTotals, roomNightsAvailable: number): KpiSummary {
  const roomNightsSold = totals.roomNightsBooked - totals.roomNightsCancelled;
  const revenue = subtract(totals.revenueBooked, totals.revenueCancelled);
  return {
    ...totals,
    roomNightsSold,
    revenue,
    roomNightsAvailable,
    adr: adr(revenue, roomNightsSold),
    revpar: revpar(revenue, roomNightsAvailable),
    occupancyBp: occupancyBp(roomNightsSold, roomNightsAvailable),
  };
}

/** Room-nights of `rooms` rooms for `nights` nights. */
export function roomNights(rooms: number, nights: number): number {
  return rooms * nights;
}

/** Average daily rate: revenue per room-night sold; `null` when none is sold. */
export function adr(revenue: Money, roomNightsSold: number): Money | null {
  return roomNightsSold <= 0
    ? null
    : { currency: revenue.currency, minor: divideRounded(revenue.minor, roomNightsSold) };
}

/** Revenue per available room-night; `null` when none is available. */
export function revpar(revenue: Money, roomNightsAvailable: number): Money | null {
  return roomNightsAvailable <= 0
    ? null
    : { currency: revenue.currency, minor: divideRounded(revenue.minor, roomNightsAvailable) };
}

/** Occupancy in basis points; `null` when nothing is available. Overbooking can push it past 10 000. */
export function occupancyBp(sold: number, available: number): number | null {
  return available <= 0 ? null : divideRounded(sold * BASIS_POINTS, available);
}

/** What one stay contributes to one stay date: the rooms and the revenue of that night. */
export interface NightContribution {
  readonly night: LocalDate;
  readonly roomNights: number;
  readonly revenue: Money;
}

/**
 * Splits a priced stay over its stay dates (for occupancy and revenue per stay date): each night gets its
 * own nightly rate × rooms, so the parts add up exactly to the stay's total.
 */
export function contributionsByNight(price: StayPrice): NightContribution[] {
  return price.nightly.map((n) => ({
    night: n.night,
    roomNights: price.rooms,
    revenue: times(n.rate, price.rooms),
  }));
}
