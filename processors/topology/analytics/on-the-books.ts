/**
 * On-the-books per property, room type and stay date: the room-nights and room revenue (minor units)
 * booked for each future night, as a DSL aggregation over the stay-night changes the status step attaches
 * to its KPI facts, kept in the cached key-value store `on-the-books` (queryable).
 *
 * One entry per (property, room type, month), keyed `<propertyId>|<roomType>|<YYYY-MM>` like `inventory`
 * and `rates`, holding the books of each stay date of that month ({@link MonthBooks}): a stay's nights
 * usually fall in one month, so a booking updates one entry (and, at the commit, writes one changelog
 * record) instead of one per night. Reads stay by stay date: {@link booksOn} and {@link stayDateReader}
 * read one night out of its month.
 *
 * Each stay date's books also keep their net change per business day (the property's local date of the
 * event) over the last {@link HISTORY_DAYS} days: the daily snapshots the pickup and pace reports need
 * (the books at the end of day D are today's books minus the changes made after D). Keeping them in the
 * same value costs nothing per reservation, where a separate window store of daily snapshots would write
 * a second record per change.
 *
 * The key refines the topology's partitioning key (the property), so every month of a property lives in
 * the property's task: the stream is marked as partitioned and nothing is repartitioned; reads are routed
 * by the property, like those of `inventory`.
 */
import type { ReadOnlyKeyValueStore } from '../../../state/store.js';
import type { KStream } from '../../../topology/kstream.js';
import type { KTable } from '../../../topology/ktable.js';
import { Materialized } from '../../../topology/materialized.js';
import { Named } from '../../../topology/named.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { addDays, compareDates, type LocalDate } from '../../domain/local-date.js';
import { zonedDate } from '../../domain/timezone.js';
import type { KpiFact } from '../booking-kpis.js';
import type { ResolvedConfig } from '../config.js';
import type { Routed } from '../flow.js';
import { dayIndex, monthKey } from '../inventory-store.js';
import { monthBooksSerde } from './month-books-serde.js';

/** The analytics stores. */
export const ANALYTICS_STORES = {
  /** `<propertyId>|<roomType>|<YYYY-MM>` → {@link MonthBooks}. */
  onTheBooks: 'on-the-books',
} as const;

/**
 * How many business days of daily changes a stay date keeps, counted back from its latest change: the
 * 30-day pickup and the 4-week pace read 30 and 28 days back; the 5 days beyond let a report be asked as
 * of a few days before a stay date's latest change.
 */
export const HISTORY_DAYS = 35;

/** The net change of one stay date's books made on one business day. */
export interface DailyChange {
  /** The property's local date of the events. */
  readonly day: LocalDate;
  readonly roomNights: number;
  readonly revenueMinor: number;
}

/** One stay date of one room type, as its month in the `on-the-books` store keeps it. */
export interface StayDateBooks {
  readonly currency: string;
  readonly roomNights: number;
  readonly revenueMinor: number;
  /** Net changes per business day, oldest first, over the last {@link HISTORY_DAYS} days. */
  readonly daily: readonly DailyChange[];
}

/** One month of one room type, as the `on-the-books` store keeps it. */
export interface MonthBooks {
  /** The books of each stay date by day of the month (index 0 is the 1st); undefined: never booked. */
  readonly nights: ReadonlyArray<StayDateBooks | undefined>;
}

/** A stay-night change as the aggregation folds it: with the currency and the business day. */
export interface BookedNightChange {
  readonly currency: string;
  readonly day: LocalDate;
  readonly roomNights: number;
  readonly revenueMinor: number;
}

/** The changes one fact makes to the stay dates of one month of one room type. */
export interface BookedMonthChange {
  readonly currency: string;
  readonly day: LocalDate;
  readonly nights: ReadonlyArray<{
    readonly night: LocalDate;
    readonly roomNights: number;
    readonly revenueMinor: number;
  }>;
}

/** A month with nothing booked: the aggregation's initial value (never stored as such). */
const NO_MONTH: MonthBooks = { nights: [] };

/**
 * Adds the `on-the-books` aggregation to the facts the status step routes to the KPIs (keyed by
 * property), and returns its table. Facts without stay-night changes (a cancellation before payment) add
 * nothing.
 */
export function onTheBooks(
  facts: KStream<string, Routed>,
  config: ResolvedConfig,
): KTable<string, MonthBooks> {
  return facts
    .flatMap((propertyId, routed) => {
      const fact = routed.value as KpiFact;
      const changes = fact.stayNights ?? [];
      if (changes.length === 0) return [];
      const day = zonedDate(fact.at ?? 0, config.catalog.property(propertyId).timeZone);
      // One record per month changed, the nights in the fact's order.
      const months = new Map<string, Array<BookedMonthChange['nights'][number]>>();
      for (const change of changes) {
        const key = monthKey(propertyId, change.roomType, change.night);
        let nights = months.get(key);
        if (nights === undefined) {
          nights = [];
          months.set(key, nights);
        }
        nights.push({
          night: change.night,
          roomNights: change.roomNights,
          revenueMinor: change.revenueMinor,
        });
      }
      return [...months].map(([key, nights]) => ({
        key,
        value: { currency: fact.currency, day, nights } satisfies BookedMonthChange,
      }));
    }, Named.as('on-the-books-months'))
    .markAsPartitioned()
    .groupByKey()
    .aggregate(
      (): MonthBooks => NO_MONTH,
      (_key, change, month) => addMonthChange(month, change),
      Materialized.as<string, MonthBooks>(ANALYTICS_STORES.onTheBooks)
        .withKeySerde(Serdes.string())
        .withValueSerde(monthBooksSerde())
        .withCachingEnabled(),
    );
}

/** `month` with each night of `change` applied ({@link addNightChange}); the other nights as they were. */
export function addMonthChange(month: MonthBooks, change: BookedMonthChange): MonthBooks {
  const nights = month.nights.slice();
  for (const { night, roomNights, revenueMinor } of change.nights) {
    const at = dayIndex(night);
    nights[at] = addNightChange(nights[at] ?? null, {
      currency: change.currency,
      day: change.day,
      roomNights,
      revenueMinor,
    });
  }
  return { nights };
}

/** `books` (null: nothing yet) with `change` applied and daily changes older than the history dropped. */
export function addNightChange(books: StayDateBooks | null, change: BookedNightChange): StayDateBooks {
  const oldestKept = addDays(change.day, -HISTORY_DAYS + 1);
  const daily = (books?.daily ?? []).filter((d) => compareDates(d.day, oldestKept) >= 0);
  // Events of a property come in partition order, so the day is usually the last one or a new last one;
  // a day before the last (an event late by a day) is merged in its place, keeping the list ordered.
  const at = daily.findIndex((d) => compareDates(d.day, change.day) >= 0);
  const same = at === -1 ? undefined : daily[at];
  const entry: DailyChange = {
    day: change.day,
    roomNights: (same?.day === change.day ? same.roomNights : 0) + change.roomNights,
    revenueMinor: (same?.day === change.day ? same.revenueMinor : 0) + change.revenueMinor,
  };
  if (at === -1) daily.push(entry);
  else daily.splice(at, same?.day === change.day ? 1 : 0, entry);
  return {
    currency: books?.currency ?? change.currency,
    roomNights: (books?.roomNights ?? 0) + change.roomNights,
    revenueMinor: (books?.revenueMinor ?? 0) + change.revenueMinor,
    daily,
  };
}

/** The `on-the-books` store as its readers take it. */
export type OnTheBooksStore = ReadOnlyKeyValueStore<string, MonthBooks>;

/** The books of one stay date of a room type; undefined when never booked. */
export type StayDateBooksOf = (
  propertyId: string,
  roomType: string,
  night: LocalDate,
) => StayDateBooks | undefined;

/** The books of one stay date, read from its month's entry; undefined when never booked. */
export function booksOn(
  store: OnTheBooksStore,
  propertyId: string,
  roomType: string,
  night: LocalDate,
): StayDateBooks | undefined {
  return store.get(monthKey(propertyId, roomType, night))?.nights[dayIndex(night)] ?? undefined;
}

/**
 * {@link booksOn} for one report or one evaluation: each month is read (and deserialized) once, however
 * many of its stay dates are asked. Use a new reader after the store changed.
 */
export function stayDateReader(store: OnTheBooksStore): StayDateBooksOf {
  const months = new Map<string, MonthBooks | undefined>();
  return (propertyId, roomType, night) => {
    const key = monthKey(propertyId, roomType, night);
    let month = months.get(key);
    if (month === undefined && !months.has(key)) {
      month = store.get(key) ?? undefined;
      months.set(key, month);
    }
    return month?.nights[dayIndex(night)] ?? undefined;
  };
}

/** The stay dates of `month` (`YYYY-MM`) with books, and their books. */
export function* bookedNights(month: string, books: MonthBooks): Generator<[LocalDate, StayDateBooks]> {
  for (let i = 0; i < books.nights.length; i++) {
    const night = books.nights[i];
    if (night !== undefined) yield [`${month}-${String(i + 1).padStart(2, '0')}`, night];
  }
}

/** The stay dates of `month` (`YYYY-MM`) whose books differ between `before` and `after` (null: none). */
export function changedNights(
  month: string,
  before: MonthBooks | null,
  after: MonthBooks | null,
): LocalDate[] {
  const changed: LocalDate[] = [];
  const days = Math.max(before?.nights.length ?? 0, after?.nights.length ?? 0);
  for (let i = 0; i < days; i++) {
    if (!sameBooks(before?.nights[i], after?.nights[i])) {
      changed.push(`${month}-${String(i + 1).padStart(2, '0')}`);
    }
  }
  return changed;
}

function sameBooks(a: StayDateBooks | undefined, b: StayDateBooks | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (a.roomNights !== b.roomNights || a.revenueMinor !== b.revenueMinor || a.currency !== b.currency)
    return false;
  if (a.daily.length !== b.daily.length) return false;
  return a.daily.every((d, i) => {
    const e = b.daily[i]!;
    return d.day === e.day && d.roomNights === e.roomNights && d.revenueMinor === e.revenueMinor;
  });
}
