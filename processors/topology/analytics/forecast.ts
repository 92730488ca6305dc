/**
 * The revenue forecast per room type and stay date, read from the `on-the-books` store: the books plus
 * the pickup the same weekday of the 4 weeks before still got from the same lead time on (the historical
 * pickup curve by lead time), capped by the room type's capacity. For a night that has passed, the
 * forecast made {@link FORECAST_ERROR_LEAD_DAYS} days before it is compared with what was on the books
 * (its error). Formulas: docs/analytics.md.
 */
import { addDays, compareDates, daysBetween, type LocalDate } from '../../domain/local-date.js';
import { divideRounded } from '../../domain/money.js';
import type { PropertyCatalog } from '../../domain/reference-data.js';
import { nightsOf } from '../../domain/stay.js';
import { type OnTheBooksStore, stayDateReader } from './on-the-books.js';
import { type Books, booksAsOf, MAX_REPORT_NIGHTS, PACE_WEEKS } from './pickup-and-pace.js';

/** For a night that has passed: the forecast made this many days before it is the one judged. */
export const FORECAST_ERROR_LEAD_DAYS = 7;

/** A forecast of one stay date of one room type, made on one day. */
export interface Forecast {
  /** The books when the forecast was made. */
  readonly books: Books;
  /** Σ over the comparable dates of the pickup they got from the same lead time on (÷ 4: the expected). */
  readonly comparablePickupSum: Books;
  readonly capacity: number;
  /** `books + expected pickup`, room-nights capped by capacity (and revenue by the same share). */
  readonly forecast: Books;
}

/** One stay date of one room type in the forecast report. */
export interface StayDateForecast extends Forecast {
  readonly roomType: string;
  readonly night: LocalDate;
  readonly leadDays: number;
  /**
   * For a night before `asOf`: the forecast made {@link FORECAST_ERROR_LEAD_DAYS} days before it, what the
   * books held at the end of the night (the actual), and the error `forecast − actual`.
   */
  readonly past: {
    readonly madeOn: LocalDate;
    readonly forecast: Books;
    readonly actual: Books;
    readonly error: Books;
  } | null;
}

/** The forecast of `night` made at the end of day `madeOn` (see the module comment). */
export function forecastOf(
  booksOf: (stayDate: LocalDate, day: LocalDate) => Books,
  capacity: number,
  night: LocalDate,
  madeOn: LocalDate,
): Forecast {
  const books = booksOf(night, madeOn);
  // A night that has passed picks nothing up any more: its forecast is its books.
  if (compareDates(night, madeOn) < 0) {
    return { books, comparablePickupSum: { roomNights: 0, revenueMinor: 0 }, capacity, forecast: books };
  }
  let roomNights = 0;
  let revenueMinor = 0;
  for (let week = 1; week <= PACE_WEEKS; week++) {
    const comparable = addDays(night, -7 * week);
    const from = addDays(madeOn, -7 * week);
    // Up to the comparable night itself, or as far as is known when it has not come yet.
    const until = compareDates(comparable, madeOn) < 0 ? comparable : madeOn;
    const then = booksOf(comparable, from);
    const later = booksOf(comparable, until);
    roomNights += later.roomNights - then.roomNights;
    revenueMinor += later.revenueMinor - then.revenueMinor;
  }
  const room = Math.max(0, capacity - books.roomNights);
  const capped = roomNights > 0 && roomNights > PACE_WEEKS * room;
  const forecast = capped
    ? {
        roomNights: books.roomNights + room,
        revenueMinor: books.revenueMinor + divideRounded(revenueMinor * room, roomNights),
      }
    : {
        roomNights: Math.max(0, books.roomNights + divideRounded(roomNights, PACE_WEEKS)),
        revenueMinor: Math.max(0, books.revenueMinor + divideRounded(revenueMinor, PACE_WEEKS)),
      };
  return { books, comparablePickupSum: { roomNights, revenueMinor }, capacity, forecast };
}

/** The forecast report of every room type of `propertyId` for each stay date in `[from, to)`. */
export function queryForecast(
  store: OnTheBooksStore,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
  asOf: LocalDate,
): StayDateForecast[] {
  const span = daysBetween(from, to);
  if (span < 1 || span > MAX_REPORT_NIGHTS) {
    throw new RangeError(`a report spans 1 to ${MAX_REPORT_NIGHTS} nights; ${from} to ${to} spans ${span}`);
  }
  const nights = nightsOf(from, to);
  const booksOn = stayDateReader(store);
  return catalog.property(propertyId).roomTypes.flatMap(({ code, capacity }) => {
    const booksOf = (stayDate: LocalDate, day: LocalDate) =>
      booksAsOf(booksOn(propertyId, code, stayDate), day);
    return nights.map((night): StayDateForecast => {
      let past: StayDateForecast['past'] = null;
      if (compareDates(night, asOf) < 0) {
        const madeOn = addDays(night, -FORECAST_ERROR_LEAD_DAYS);
        const made = forecastOf(booksOf, capacity, night, madeOn).forecast;
        const actual = booksOf(night, night);
        past = {
          madeOn,
          forecast: made,
          actual,
          error: {
            roomNights: made.roomNights - actual.roomNights,
            revenueMinor: made.revenueMinor - actual.revenueMinor,
          },
        };
      }
      return {
        roomType: code,
        night,
        leadDays: daysBetween(asOf, night),
        ...forecastOf(booksOf, capacity, night, asOf),
        past,
      };
    });
  });
}
