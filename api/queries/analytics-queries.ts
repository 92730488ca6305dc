/**
 * The revenue managers' reports of a property (pickup, pace, forecast and alerts per room type and stay date), answered
 * from the `on-the-books` state store of the instance that owns the property, with the topology's own
 * report functions (processors/topology/analytics/pickup-and-pace.ts; formulas in docs/analytics.md).
 * Amounts are scale-2 decimals and percentages 2-decimal strings, exact: computed in minor units and
 * basis points.
 */

import { divideRounded, money } from '../../processors/domain/money.js';
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import { queryAlerts } from '../../processors/topology/analytics/alerts.js';
import { queryForecast } from '../../processors/topology/analytics/forecast.js';
import { ANALYTICS_STORES, type OnTheBooksStore } from '../../processors/topology/analytics/on-the-books.js';
import { queryPace, queryPickup } from '../../processors/topology/analytics/pickup-and-pace.js';
import { toEventMoney } from '../../processors/topology/event-values.js';
import { formatDecimal } from '../../schemas/decimal.js';
import type { LocalStores } from './store-property-queries.js';

/** One room type on one stay date in the pickup report. */
export interface PickupNight {
  readonly roomType: string;
  readonly date: string;
  readonly roomNights: number;
  readonly revenue: string;
  readonly currency: string;
  /** The change over the last 1, 7 and 30 days. */
  readonly pickup: ReadonlyArray<{
    readonly days: number;
    readonly roomNights: number;
    readonly revenue: string;
  }>;
}

/** One room type on one stay date in the pace report. */
export interface PaceNight {
  readonly roomType: string;
  readonly date: string;
  readonly leadDays: number;
  readonly roomNights: number;
  readonly revenue: string;
  readonly currency: string;
  readonly comparableDates: readonly string[];
  /** Average of the comparable dates' books at the same lead time (Σ / 4, to 2 decimals). */
  readonly comparableRoomNights: string;
  readonly comparableRevenue: string;
  /** Percent above (+) or below (−) the comparable average; null when that average is 0. */
  readonly roomNightsPacePercent: string | null;
  readonly revenuePacePercent: string | null;
  readonly trend: 'AHEAD' | 'ON_PACE' | 'BEHIND';
}

/** One room type on one stay date in the forecast report. */
export interface ForecastNight {
  readonly roomType: string;
  readonly date: string;
  readonly leadDays: number;
  readonly roomNights: number;
  readonly revenue: string;
  readonly currency: string;
  readonly capacity: number;
  /** The pickup the comparable dates got from the same lead time on, averaged (Σ / 4, 2 places). */
  readonly expectedPickupRoomNights: string;
  readonly expectedPickupRevenue: string;
  readonly forecastRoomNights: number;
  readonly forecastRevenue: string;
  /** For a night that has passed: the forecast made 7 days before it against the actual books. */
  readonly past: {
    readonly madeOn: string;
    readonly forecastRoomNights: number;
    readonly forecastRevenue: string;
    readonly actualRoomNights: number;
    readonly actualRevenue: string;
    readonly errorRoomNights: number;
    readonly errorRevenue: string;
  } | null;
}

/** One alert of one room type on one stay date. */
export interface AlertNight {
  readonly kind: 'PACE_BEHIND' | 'OCCUPANCY_HIGH' | 'CANCELLATION_SPIKE';
  readonly roomType: string;
  readonly date: string;
  /** The figure that crossed the threshold, percent with 2 places. */
  readonly valuePercent: string;
  readonly thresholdPercent: string;
  readonly detail: string;
}

/** Answers the reports; every method gets a known property and a checked range of stay dates. */
export interface AnalyticsQueries {
  /** Every room type and stay date in [from, to), as of the business day `asOf`. */
  pickup(propertyId: string, from: string, to: string, asOf: string): Promise<PickupNight[]>;
  /** Every room type and stay date in [from, to), as of the business day `asOf`. */
  pace(propertyId: string, from: string, to: string, asOf: string): Promise<PaceNight[]>;
  /** Every room type and stay date in [from, to), as of the business day `asOf`. */
  forecast(propertyId: string, from: string, to: string, asOf: string): Promise<ForecastNight[]>;
  /** The alerts of the stay dates in [from, to) not passed by `asOf`. */
  alerts(propertyId: string, from: string, to: string, asOf: string): Promise<AlertNight[]>;
}

/** The reports from this instance's `on-the-books` store (the caller routed the request to the owner). */
export class StoreAnalyticsQueries implements AnalyticsQueries {
  readonly #stores: LocalStores;
  readonly #catalog: PropertyCatalog;

  constructor(options: { readonly stores: LocalStores; readonly catalog: PropertyCatalog }) {
    this.#stores = options.stores;
    this.#catalog = options.catalog;
  }

  async pickup(propertyId: string, from: string, to: string, asOf: string): Promise<PickupNight[]> {
    const { currency, amount } = this.#money(propertyId);
    return queryPickup(this.#store(propertyId), this.#catalog, propertyId, from, to, asOf).map((n) => ({
      roomType: n.roomType,
      date: n.night,
      roomNights: n.roomNights,
      revenue: amount(n.revenueMinor),
      currency,
      pickup: n.pickup.map((p) => ({
        days: p.days,
        roomNights: p.roomNights,
        revenue: amount(p.revenueMinor),
      })),
    }));
  }

  async pace(propertyId: string, from: string, to: string, asOf: string): Promise<PaceNight[]> {
    const { currency, amount } = this.#money(propertyId);
    const percent = (bp: number | null) => (bp === null ? null : formatDecimal(BigInt(bp), 2));
    return queryPace(this.#store(propertyId), this.#catalog, propertyId, from, to, asOf).map((n) => ({
      roomType: n.roomType,
      date: n.night,
      leadDays: n.leadDays,
      roomNights: n.roomNights,
      revenue: amount(n.revenueMinor),
      currency,
      comparableDates: n.comparableNights,
      comparableRoomNights: quarterOf(n.comparableSum.roomNights),
      // Revenue to the minor unit, rounded.
      comparableRevenue: amount(divideRounded(n.comparableSum.revenueMinor, 4)),
      roomNightsPacePercent: percent(n.roomNightsPaceBp),
      revenuePacePercent: percent(n.revenuePaceBp),
      trend: n.trend,
    }));
  }

  async forecast(propertyId: string, from: string, to: string, asOf: string): Promise<ForecastNight[]> {
    const { currency, amount } = this.#money(propertyId);
    return queryForecast(this.#store(propertyId), this.#catalog, propertyId, from, to, asOf).map((n) => ({
      roomType: n.roomType,
      date: n.night,
      leadDays: n.leadDays,
      roomNights: n.books.roomNights,
      revenue: amount(n.books.revenueMinor),
      currency,
      capacity: n.capacity,
      expectedPickupRoomNights: quarterOf(n.comparablePickupSum.roomNights),
      expectedPickupRevenue: amount(divideRounded(n.comparablePickupSum.revenueMinor, 4)),
      forecastRoomNights: n.forecast.roomNights,
      forecastRevenue: amount(n.forecast.revenueMinor),
      past:
        n.past === null
          ? null
          : {
              madeOn: n.past.madeOn,
              forecastRoomNights: n.past.forecast.roomNights,
              forecastRevenue: amount(n.past.forecast.revenueMinor),
              actualRoomNights: n.past.actual.roomNights,
              actualRevenue: amount(n.past.actual.revenueMinor),
              errorRoomNights: n.past.error.roomNights,
              errorRevenue: amount(n.past.error.revenueMinor),
            },
    }));
  }

  async alerts(propertyId: string, from: string, to: string, asOf: string): Promise<AlertNight[]> {
    const percent = (bp: number) => formatDecimal(BigInt(bp), 2);
    return queryAlerts(this.#store(propertyId), this.#catalog, propertyId, from, to, asOf).map((a) => ({
      kind: a.kind,
      roomType: a.roomType,
      date: a.night,
      valuePercent: percent(a.valueBp),
      thresholdPercent: percent(a.thresholdBp),
      detail: a.detail,
    }));
  }

  /** The property's currency, and minor units as an amount in it. */
  #money(propertyId: string): { currency: string; amount: (minor: number) => string } {
    const currency = this.#catalog.property(propertyId).currency;
    return { currency, amount: (minor) => toEventMoney(money(minor, currency)).amount };
  }

  #store(propertyId: string): OnTheBooksStore {
    return this.#stores.localStore<OnTheBooksStore>(ANALYTICS_STORES.onTheBooks, propertyId);
  }
}

/** The average of the 4 comparable dates' room nights: Σ of 4 integers / 4 is exact to 2 decimals. */
function quarterOf(sum: number): string {
  return formatDecimal(BigInt(sum * 25), 2);
}
