/**
 * On-the-books per property, room type and stay date: the room-nights and room revenue (minor units)
 * booked for each future night, as a DSL aggregation over the stay-night changes the status step attaches
 * to its KPI facts, kept in the cached key-value store `on-the-books` (queryable).
 *
 * Each stay date's value also keeps its net change per business day (the property's local date of the
 * event) over the last {@link HISTORY_DAYS} days: the daily snapshots the pickup and pace reports need
 * (the books at the end of day D are today's books minus the changes made after D). Keeping them in the
 * same value costs nothing per reservation: a reservation writes one update per stay night it changes
 * (and the record cache folds several updates of one night between two commits into one changelog
 * record), where a separate window store of daily snapshots would write a second record per night.
 *
 * The key `<propertyId>|<roomType>|<night>` refines the topology's partitioning key (the property), so
 * every stay date of a property lives in the property's task: the stream is marked as partitioned and
 * nothing is repartitioned; reads are routed by the property, like those of `inventory`.
 */
import type { KStream } from '../../../topology/kstream.js';
import type { KTable } from '../../../topology/ktable.js';
import { Materialized } from '../../../topology/materialized.js';
import { Named } from '../../../topology/named.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { addDays, compareDates, type LocalDate } from '../../domain/local-date.js';
import { zonedDate } from '../../domain/timezone.js';
import type { KpiFact } from '../booking-kpis.js';
import { nightKey, type ResolvedConfig } from '../config.js';
import type { Routed } from '../flow.js';

/** The analytics stores. */
export const ANALYTICS_STORES = {
  /** `<propertyId>|<roomType>|<night>` → {@link StayDateBooks}. */
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

/** One stay date of one room type, as the `on-the-books` store keeps it. */
export interface StayDateBooks {
  readonly currency: string;
  readonly roomNights: number;
  readonly revenueMinor: number;
  /** Net changes per business day, oldest first, over the last {@link HISTORY_DAYS} days. */
  readonly daily: readonly DailyChange[];
}

/** A stay-night change as the aggregation folds it: with the currency and the business day. */
export interface BookedNightChange {
  readonly currency: string;
  readonly day: LocalDate;
  readonly roomNights: number;
  readonly revenueMinor: number;
}

/**
 * Adds the `on-the-books` aggregation to the facts the status step routes to the KPIs (keyed by
 * property), and returns its table. Facts without stay-night changes (a cancellation before payment) add
 * nothing.
 */
export function onTheBooks(
  facts: KStream<string, Routed>,
  config: ResolvedConfig,
): KTable<string, StayDateBooks | null> {
  return facts
    .flatMap((propertyId, routed) => {
      const fact = routed.value as KpiFact;
      const changes = fact.stayNights ?? [];
      if (changes.length === 0) return [];
      const day = zonedDate(fact.at ?? 0, config.catalog.property(propertyId).timeZone);
      return changes.map((change) => ({
        key: nightKey(propertyId, change.roomType, change.night),
        value: {
          currency: fact.currency,
          day,
          roomNights: change.roomNights,
          revenueMinor: change.revenueMinor,
        } satisfies BookedNightChange,
      }));
    }, Named.as('on-the-books-nights'))
    .markAsPartitioned()
    .groupByKey()
    .aggregate(
      // Nothing booked yet (null): the currency comes with the first change. The store never holds null.
      (): StayDateBooks | null => null,
      (_key, change, books) => addNightChange(books, change),
      Materialized.as<string, StayDateBooks | null>(ANALYTICS_STORES.onTheBooks)
        .withKeySerde(Serdes.string())
        .withValueSerde(Serdes.json<StayDateBooks | null>())
        .withCachingEnabled(),
    );
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
