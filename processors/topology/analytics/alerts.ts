/**
 * Revenue alerts per room type and stay date: pace well behind the comparable dates, occupancy on the
 * books high enough to put pressure on prices, and a spike of cancellations (a day that took a good share
 * of a night's books away). {@link stayDateAlerts} evaluates one stay date; the route asks it for a range
 * ({@link queryAlerts}) and the topology's alert emitter (`alerts-processor.ts`) for the stay dates whose
 * figures changed, so both tell the same alerts. Thresholds and formulas: docs/analytics.md.
 */
import { addDays, daysBetween, type LocalDate } from '../../domain/local-date.js';
import type { PropertyCatalog } from '../../domain/reference-data.js';
import { type OnTheBooksStore, type StayDateBooksOf, stayDateReader } from './on-the-books.js';
import { booksAsOf, eachStayDate, PACE_WEEKS, paceBp } from './pickup-and-pace.js';

/** Pace below −20 % of the comparable average. */
export const PACE_BEHIND_ALERT_BP = -2_000;
/** Room-nights on the books at 90 % of capacity or more. */
export const OCCUPANCY_ALERT_BP = 9_000;
/** Today's pickup took 20 % or more of yesterday's books away, and at least 2 room-nights. */
export const CANCELLATION_SPIKE_BP = 2_000;
export const CANCELLATION_SPIKE_MIN_ROOM_NIGHTS = 2;

/** The kinds, in the order a stay date's alerts are listed. */
export const ALERT_KINDS = ['PACE_BEHIND', 'OCCUPANCY_HIGH', 'CANCELLATION_SPIKE'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** One alert of one room type on one stay date. */
export interface StayDateAlert {
  readonly kind: AlertKind;
  readonly roomType: string;
  readonly night: LocalDate;
  /** The figure that crossed the threshold, in basis points (pace, occupancy, share of books lost). */
  readonly valueBp: number;
  readonly thresholdBp: number;
  readonly detail: string;
}

/**
 * The alerts of every room type of `propertyId` for the stay dates in `[from, to)` not yet passed by
 * `asOf`, by room type, then night, then kind.
 */
export function queryAlerts(
  store: OnTheBooksStore,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
  asOf: LocalDate,
): StayDateAlert[] {
  const capacityOf = new Map(catalog.property(propertyId).roomTypes.map((r) => [r.code, r.capacity]));
  const booksOn = stayDateReader(store);
  return eachStayDate(catalog, propertyId, from, to, (roomType, night) =>
    stayDateAlerts(booksOn, propertyId, roomType, capacityOf.get(roomType)!, night, asOf),
  ).flat();
}

/**
 * The alerts of one room type (of `capacity` rooms) on stay date `night` as of the end of business day
 * `asOf`, in {@link ALERT_KINDS} order; none once the night has passed. Reads the night's books and those
 * of its {@link PACE_WEEKS} comparable dates (5 stay dates) through `booksOn`.
 */
export function stayDateAlerts(
  booksOn: StayDateBooksOf,
  propertyId: string,
  roomType: string,
  capacity: number,
  night: LocalDate,
  asOf: LocalDate,
): StayDateAlert[] {
  if (daysBetween(asOf, night) < 0) return [];
  const booksOf = (stayDate: LocalDate) => booksOn(propertyId, roomType, stayDate);
  const books = booksOf(night);
  const rn = booksAsOf(books, asOf).roomNights;
  const alerts: StayDateAlert[] = [];

  let comparable = 0;
  for (let week = 1; week <= PACE_WEEKS; week++) {
    comparable += booksAsOf(booksOf(addDays(night, -7 * week)), addDays(asOf, -7 * week)).roomNights;
  }
  const pace = paceBp(rn, comparable);
  if (pace !== null && pace < PACE_BEHIND_ALERT_BP) {
    alerts.push({
      kind: 'PACE_BEHIND',
      roomType,
      night,
      valueBp: pace,
      thresholdBp: PACE_BEHIND_ALERT_BP,
      detail: `${rn} room-nights against ${comparable}/4 at the same lead time`,
    });
  }

  const occupancyBp = Math.floor((rn * 10_000) / capacity);
  if (occupancyBp >= OCCUPANCY_ALERT_BP) {
    alerts.push({
      kind: 'OCCUPANCY_HIGH',
      roomType,
      night,
      valueBp: occupancyBp,
      thresholdBp: OCCUPANCY_ALERT_BP,
      detail: `${rn} of ${capacity} rooms on the books`,
    });
  }

  const yesterday = booksAsOf(books, addDays(asOf, -1)).roomNights;
  const lost = yesterday - rn;
  if (lost >= CANCELLATION_SPIKE_MIN_ROOM_NIGHTS && yesterday > 0) {
    const lostBp = Math.floor((lost * 10_000) / yesterday);
    if (lostBp >= CANCELLATION_SPIKE_BP) {
      alerts.push({
        kind: 'CANCELLATION_SPIKE',
        roomType,
        night,
        valueBp: lostBp,
        thresholdBp: CANCELLATION_SPIKE_BP,
        detail: `${lost} of ${yesterday} room-nights taken off the books today`,
      });
    }
  }
  return alerts;
}
