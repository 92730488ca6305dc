/**
 * {@link PropertyQueries} over the streams' state stores of this instance: `inventory`, `rates` and the
 * KPI window stores, read with the topology's own query functions. The caller has already routed the
 * request here (the property's task runs on this instance, see {@link StoreReadRouter}); a store that is
 * not readable any more fails the read with a retriable 503.
 *
 * The stores are ahead of Postgres (the sink writes after the topology), so these answers are the
 * freshest the application has. KPI window stores keep a window only until shortly after it closes: older
 * windows come from the system of record (`archive`), where the sink keeps every window's final result.
 * The hourly windows have no store of their own: they are the sums of the 5-minute windows of `kpis-5m`.
 */
import { type KpiTotals, summarizeKpis } from '../../processors/domain/kpis.js';
import { money } from '../../processors/domain/money.js';
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import { kpiStoreName } from '../../processors/topology/booking-kpis.js';
import {
  DEFAULT_KPI_WINDOWS,
  type KpiWindowSpec,
  partsOf,
  STORES,
} from '../../processors/topology/config.js';
import { basisPointsToDecimal, toEventMoney } from '../../processors/topology/event-values.js';
import type { SoldPerDay } from '../../processors/topology/inventory-store.js';
import {
  queryAvailability,
  queryKpis,
  queryRates,
  queryRolledUpKpis,
} from '../../processors/topology/queries.js';
import type { ReadOnlyKeyValueStore, ReadOnlyWindowStore } from '../../state/store.js';
import type { AvailabilityNight, KpiWindow, NightRate, PropertyQueries } from './property-queries.js';

const DAY_MS = 86_400_000;

/** Hands out this instance's store of a property's partition (a {@link StoreReadRouter}). */
export interface LocalStores {
  localStore<S>(storeName: string, propertyId: string): S;
}

/** Options of {@link StorePropertyQueries}. */
export interface StorePropertyQueriesOptions {
  readonly stores: LocalStores;
  readonly catalog: PropertyCatalog;
  /** Answers KPI windows the window stores no longer hold (the Postgres queries). */
  readonly archive: PropertyQueries;
  /** The topology's KPI windows (default: the topology's default windows). */
  readonly kpiWindows?: readonly KpiWindowSpec[];
}

/** Property read models from the local state stores. */
export class StorePropertyQueries implements PropertyQueries {
  readonly #options: StorePropertyQueriesOptions;

  constructor(options: StorePropertyQueriesOptions) {
    this.#options = options;
  }

  async availability(propertyId: string, from: string, to: string): Promise<AvailabilityNight[]> {
    const { stores, catalog } = this.#options;
    const inventory = stores.localStore<ReadOnlyKeyValueStore<string, SoldPerDay>>(
      STORES.inventory,
      propertyId,
    );
    return queryAvailability(inventory, catalog, propertyId, from, to).map((n) => ({
      roomType: n.roomType,
      date: n.night,
      capacity: n.capacity,
      roomsReserved: n.roomsReserved,
      roomsAvailable: n.roomsAvailable,
      roomsSellable: n.roomsSellable,
    }));
  }

  async rates(propertyId: string, from: string, to: string): Promise<NightRate[]> {
    const { stores, catalog } = this.#options;
    const rates = stores.localStore<ReadOnlyKeyValueStore<string, SoldPerDay>>(STORES.rates, propertyId);
    const property = catalog.property(propertyId);
    const baseOf = new Map(property.roomTypes.map((r) => [r.code, r.baseRate.minor]));
    return queryRates(rates, catalog, propertyId, from, to).map((n) => {
      const baseMinor = baseOf.get(n.roomType)!;
      return {
        roomType: n.roomType,
        date: n.night,
        // Scale-2 decimals, as the sink writes them to Postgres, so both sources format alike.
        rate: toEventMoney(n.rate).amount,
        baseRate: toEventMoney(money(baseMinor, property.currency)).amount,
        currency: property.currency,
        // The store keeps the rate only: the multiplier is rate / base rate, to the basis point.
        demandMultiplier: basisPointsToDecimal(Math.round((n.rate.minor * 10_000) / baseMinor)),
      };
    });
  }

  async kpis(propertyId: string, windowSizeMs: number, from: number, to: number): Promise<KpiWindow[]> {
    const { stores, archive } = this.#options;
    const families = this.#options.kpiWindows ?? DEFAULT_KPI_WINDOWS;
    const spec = families.find((w) => w.sizeMs === windowSizeMs && w.published !== false);
    if (spec === undefined) return archive.kpis(propertyId, windowSizeMs, from, to);
    // A family summed from another has no store of its own: its windows are sums of the other's.
    const parts = spec.sumOf === undefined ? undefined : families.find((w) => w.name === spec.sumOf)!;
    const store = stores.localStore<ReadOnlyWindowStore<string, KpiTotals>>(
      kpiStoreName(parts ?? spec),
      propertyId,
    );
    const open =
      parts === undefined
        ? queryKpis(store, propertyId, from, to - 1)
        : queryRolledUpKpis(store, propertyId, partsOf(spec, parts), from, to - 1);
    const byStart = new Map<number, KpiWindow>();
    for (const window of await archive.kpis(propertyId, windowSizeMs, from, to)) {
      byStart.set(Date.parse(window.windowStart), window);
    }
    for (const { windowStart, totals } of open) {
      // A final row is the closed window's last word; otherwise the store is newer than Postgres.
      if (byStart.get(windowStart)?.final === true) continue;
      byStart.set(windowStart, this.#window(propertyId, spec, windowStart, totals));
    }
    return [...byStart.entries()].sort(([a], [b]) => a - b).map(([, window]) => window);
  }

  /** A window as the KPI aggregations report it (same arithmetic as their `analytics.booking-kpis` events). */
  #window(propertyId: string, spec: KpiWindowSpec, start: number, totals: KpiTotals): KpiWindow {
    const days = Math.max(1, Math.ceil(spec.sizeMs / DAY_MS));
    const summary = summarizeKpis(totals, this.#options.catalog.totalCapacity(propertyId) * days);
    const zero = money(0, summary.revenue.currency);
    return {
      windowStart: new Date(start).toISOString(),
      windowEnd: new Date(start + spec.sizeMs).toISOString(),
      windowSizeMs: spec.sizeMs,
      final: false,
      bookings: summary.bookings,
      cancellations: summary.cancellations,
      roomNights: summary.roomNightsSold,
      revenue: toEventMoney(summary.revenue).amount,
      adr: toEventMoney(summary.adr ?? zero).amount,
      revpar: toEventMoney(summary.revpar ?? zero).amount,
      currency: summary.revenue.currency,
    };
  }
}
