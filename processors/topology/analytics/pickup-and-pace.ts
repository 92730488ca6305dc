/**
 * The pickup and pace reports, read from the `on-the-books` store (see docs/analytics.md for the
 * formulas). Both are computed at read time from each stay date's books and daily changes, so they cost
 * nothing per reservation; `asOf` is the business day the report is for (normally the property's today).
 *
 * - Books at the end of day D: `books(D) = current − Σ daily changes made after D`.
 * - Pickup over n days: `books(asOf) − books(asOf − n)` = Σ daily changes made in `(asOf − n, asOf]`.
 * - Pace of stay date S: `books_S(asOf)` against the average of the same weekday in the previous
 *   {@link PACE_WEEKS} weeks at the same lead time, `books_{S−7k}(asOf − 7k)` for k = 1..4.
 */
import { addDays, compareDates, daysBetween, type LocalDate } from '../../domain/local-date.js';
import { divideRounded } from '../../domain/money.js';
import type { PropertyCatalog } from '../../domain/reference-data.js';
import { nightsOf } from '../../domain/stay.js';
import { type OnTheBooksStore, type StayDateBooks, stayDateReader } from './on-the-books.js';

/** The pickup spans reported, in days. */
export const PICKUP_DAYS = [1, 7, 30] as const;
/** How many earlier weeks the pace compares with. */
export const PACE_WEEKS = 4;
/** Pace within ±5 % (in basis points) of the comparable average is on pace. */
export const ON_PACE_BAND_BP = 500;
/** The most stay dates one pickup or pace report may span. */
export const MAX_REPORT_NIGHTS = 90;

/** Room-nights and room revenue in minor units. */
export interface Books {
  readonly roomNights: number;
  readonly revenueMinor: number;
}

/** One stay date of one room type in the pickup report. */
export interface StayDatePickup extends Books {
  readonly roomType: string;
  readonly night: LocalDate;
  /** The change over the last n days, for each n of {@link PICKUP_DAYS}. */
  readonly pickup: ReadonlyArray<Books & { readonly days: number }>;
}

/** AHEAD / BEHIND: more than {@link ON_PACE_BAND_BP} above / below the comparable average. */
export type PaceTrend = 'AHEAD' | 'ON_PACE' | 'BEHIND';

/** One stay date of one room type in the pace report. */
export interface StayDatePace extends Books {
  readonly roomType: string;
  readonly night: LocalDate;
  /** Days from `asOf` to the stay date (negative: the night has passed). */
  readonly leadDays: number;
  /** The comparable stay dates (same weekday, 1..4 weeks earlier), newest first. */
  readonly comparableNights: readonly LocalDate[];
  /** Σ of the comparable dates' books, each as of the same lead time; the average is this / 4. */
  readonly comparableSum: Books;
  /** `(4 × roomNights − Σ) / Σ` in basis points, rounded half away from zero; null when Σ is 0. */
  readonly roomNightsPaceBp: number | null;
  /** The same for revenue. */
  readonly revenuePaceBp: number | null;
  /** From the room-nights pace; with no comparable room-nights, AHEAD when anything is booked. */
  readonly trend: PaceTrend;
}

const NOTHING: Books = { roomNights: 0, revenueMinor: 0 };

/** The books of a stay date at the end of business day `day`; nothing when the store has no entry. */
export function booksAsOf(books: StayDateBooks | undefined, day: LocalDate): Books {
  if (books === undefined) return NOTHING;
  let { roomNights, revenueMinor } = books;
  for (const change of books.daily) {
    if (compareDates(change.day, day) <= 0) continue;
    roomNights -= change.roomNights;
    revenueMinor -= change.revenueMinor;
  }
  return { roomNights, revenueMinor };
}

/** The pickup report of every room type of `propertyId` for each stay date in `[from, to)`. */
export function queryPickup(
  store: OnTheBooksStore,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
  asOf: LocalDate,
): StayDatePickup[] {
  const booksOn = stayDateReader(store);
  return eachStayDate(catalog, propertyId, from, to, (roomType, night) => {
    const books = booksOn(propertyId, roomType, night);
    const now = booksAsOf(books, asOf);
    return {
      roomType,
      night,
      ...now,
      pickup: PICKUP_DAYS.map((days) => {
        const then = booksAsOf(books, addDays(asOf, -days));
        return {
          days,
          roomNights: now.roomNights - then.roomNights,
          revenueMinor: now.revenueMinor - then.revenueMinor,
        };
      }),
    };
  });
}

/** The pace report of every room type of `propertyId` for each stay date in `[from, to)`. */
export function queryPace(
  store: OnTheBooksStore,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
  asOf: LocalDate,
): StayDatePace[] {
  const booksOn = stayDateReader(store);
  return eachStayDate(catalog, propertyId, from, to, (roomType, night) => {
    const booksOf = (stayDate: LocalDate, day: LocalDate) =>
      booksAsOf(booksOn(propertyId, roomType, stayDate), day);
    const now = booksOf(night, asOf);
    const comparableNights: LocalDate[] = [];
    let roomNights = 0;
    let revenueMinor = 0;
    for (let week = 1; week <= PACE_WEEKS; week++) {
      const comparable = addDays(night, -7 * week);
      comparableNights.push(comparable);
      const then = booksOf(comparable, addDays(asOf, -7 * week));
      roomNights += then.roomNights;
      revenueMinor += then.revenueMinor;
    }
    const roomNightsPaceBp = paceBp(now.roomNights, roomNights);
    return {
      roomType,
      night,
      ...now,
      leadDays: daysBetween(asOf, night),
      comparableNights,
      comparableSum: { roomNights, revenueMinor },
      roomNightsPaceBp,
      revenuePaceBp: paceBp(now.revenueMinor, revenueMinor),
      trend: trendOf(roomNightsPaceBp, now.roomNights),
    };
  });
}

/** `(weeks × current − sum) / sum` in basis points: how far `current` is from the average `sum / weeks`. */
export function paceBp(current: number, comparableSum: number): number | null {
  if (comparableSum <= 0) return null;
  return divideRounded((PACE_WEEKS * current - comparableSum) * 10_000, comparableSum);
}

/** The trend of a pace (null: nothing comparable). */
export function trendOf(bp: number | null, current: number): PaceTrend {
  if (bp === null) return current > 0 ? 'AHEAD' : 'ON_PACE';
  return bp > ON_PACE_BAND_BP ? 'AHEAD' : bp < -ON_PACE_BAND_BP ? 'BEHIND' : 'ON_PACE';
}

/** One item per room type (catalog order) and stay date in `[from, to)`; the span is checked. */
export function eachStayDate<T>(
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
  item: (roomType: string, night: LocalDate) => T,
): T[] {
  const span = daysBetween(from, to);
  if (span < 1 || span > MAX_REPORT_NIGHTS) {
    throw new RangeError(`a report spans 1 to ${MAX_REPORT_NIGHTS} nights; ${from} to ${to} spans ${span}`);
  }
  const nights = nightsOf(from, to);
  return catalog.property(propertyId).roomTypes.flatMap((r) => nights.map((night) => item(r.code, night)));
}
