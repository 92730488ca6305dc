/**
 * `StorePropertyQueries` over stores of the shapes the topology keeps (nightKey → rooms or rate in minor
 * units, KPI totals per window start): the same answer format as the Postgres queries, and KPI windows
 * merged with the system of record for the windows the store no longer holds.
 */
import { describe, expect, it } from 'vitest';
import type { KpiWindow, PropertyQueries } from '../../../api/queries/property-queries.js';
import { StorePropertyQueries } from '../../../api/queries/store-property-queries.js';
import type { KpiTotals } from '../../../processors/domain/kpis.js';
import { loadPropertyCatalog } from '../../../processors/domain/reference-data-loader.js';
import { nightKey } from '../../../processors/topology/config.js';
import { monthKey } from '../../../processors/topology/inventory-store.js';

const catalog = loadPropertyCatalog();
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 3, 1, 10);

/** A read-only store over a map, with the two reads the queries use. */
function keyValue(entries: Record<string, number>) {
  return { get: (key: string) => entries[key] };
}
/** A read-only store of the month layout (`inventory-store.ts`) holding the given nights' values. */
function byMonth(nights: Record<string, number>) {
  const months = new Map<string, Int32Array>();
  for (const [key, value] of Object.entries(nights)) {
    const [propertyId, roomType, night] = key.split('|') as [string, string, string];
    const month = monthKey(propertyId, roomType, night);
    const days = months.get(month) ?? new Int32Array(31);
    days[Number(night.slice(8)) - 1] = value;
    months.set(month, days);
  }
  return { get: (key: string) => months.get(key) };
}
function windows(propertyId: string, byStart: Map<number, KpiTotals>) {
  return {
    fetchRange: (key: string, from: number, to: number) => {
      const found = key !== propertyId ? [] : [...byStart].filter(([start]) => start >= from && start <= to);
      const iterator = found.map(([start, value]) => ({ key: start, value }))[Symbol.iterator]();
      return Object.assign(iterator, { close: () => undefined });
    },
  };
}
const totals = (bookings: number, revenueMinor: number): KpiTotals => ({
  bookings,
  cancellations: 0,
  roomNightsBooked: bookings * 2,
  roomNightsCancelled: 0,
  revenueBooked: { currency: 'EUR', minor: revenueMinor },
  revenueCancelled: { currency: 'EUR', minor: 0 },
});
const archived = (start: number, final: boolean, bookings: number): KpiWindow => ({
  windowStart: new Date(start).toISOString(),
  windowEnd: new Date(start + MINUTE).toISOString(),
  windowSizeMs: MINUTE,
  final,
  bookings,
  cancellations: 0,
  roomNights: bookings * 2,
  revenue: '0.00',
  adr: '0.00',
  revpar: '0.00',
  currency: 'EUR',
});

function queries(stores: Record<string, unknown>, archive: KpiWindow[] = []) {
  const asked: string[] = [];
  const archiveQueries = { kpis: async () => archive } as unknown as PropertyQueries;
  const q = new StorePropertyQueries({
    catalog,
    archive: archiveQueries,
    stores: {
      localStore: <S>(name: string, propertyId: string) => {
        asked.push(`${name} ${propertyId}`);
        return stores[name] as S;
      },
    },
  });
  return { q, asked };
}

describe('StorePropertyQueries', () => {
  it('answers availability per room type and night from the inventory store', async () => {
    // One entry per month of a room type: 72 rooms sold on April 1st.
    const april = new Int32Array(31);
    april[0] = 72;
    const { q, asked } = queries({
      inventory: {
        get: (key: string) => (key === monthKey('LIS-ALFAMA', 'STD', '2026-04-01') ? april : undefined),
      },
    });
    const items = await q.availability('LIS-ALFAMA', '2026-04-01', '2026-04-03');
    expect(asked).toEqual(['inventory LIS-ALFAMA']);
    expect(items).toHaveLength(4 * 2);
    expect(items[0]).toEqual({
      roomType: 'STD',
      date: '2026-04-01',
      capacity: 70,
      roomsReserved: 72,
      roomsAvailable: -2,
      roomsSellable: expect.any(Number),
    });
    expect(items.filter((n) => n !== items[0]).every((n) => n.roomsReserved === 0)).toBe(true);
  });

  it('answers rates as the sink writes them (scale-2 decimals), with the multiplier rate / base', async () => {
    const { q } = queries({
      rates: byMonth({
        [nightKey('LIS-ALFAMA', 'STD', '2026-04-01')]: 15_480,
        [nightKey('TYO-GINZA', 'SGL', '2026-04-01')]: 17_760,
      }),
    });
    const lisbon = await q.rates('LIS-ALFAMA', '2026-04-01', '2026-04-03');
    expect(lisbon.slice(0, 2)).toEqual([
      {
        roomType: 'STD',
        date: '2026-04-01',
        rate: '154.80',
        baseRate: '129.00',
        currency: 'EUR',
        demandMultiplier: '1.2000',
      },
      {
        roomType: 'STD',
        date: '2026-04-02',
        rate: '129.00',
        baseRate: '129.00',
        currency: 'EUR',
        demandMultiplier: '1.0000',
      },
    ]);
    const tokyo = await q.rates('TYO-GINZA', '2026-04-01', '2026-04-02');
    expect(tokyo[0]).toMatchObject({ rate: '17760.00', baseRate: '14800.00', demandMultiplier: '1.2000' });
  });

  it('answers KPI windows from the store where it holds them and from Postgres where it does not', async () => {
    const store = new Map<number, KpiTotals>([
      [T0 + MINUTE, totals(3, 60_000)],
      [T0 + 2 * MINUTE, totals(1, 20_000)],
      [T0 + 3 * MINUTE, totals(9, 1)],
    ]);
    const { q, asked } = queries({ 'kpis-1m': windows('LIS-ALFAMA', store) }, [
      archived(T0, true, 5), // closed and dropped from the store: Postgres only
      archived(T0 + MINUTE, false, 2), // Postgres behind the store: the store wins
      archived(T0 + 3 * MINUTE, true, 4), // final in Postgres: the closed window's last word
    ]);
    const items = await q.kpis('LIS-ALFAMA', MINUTE, T0, T0 + 10 * MINUTE);
    expect(asked).toEqual(['kpis-1m LIS-ALFAMA']);
    expect(items.map((w) => [w.windowStart, w.final, w.bookings])).toEqual([
      [new Date(T0).toISOString(), true, 5],
      [new Date(T0 + MINUTE).toISOString(), false, 3],
      [new Date(T0 + 2 * MINUTE).toISOString(), false, 1],
      [new Date(T0 + 3 * MINUTE).toISOString(), true, 4],
    ]);
    // 3 bookings of 2 room-nights for 600.00: ADR 100.00; LIS-ALFAMA has 120 rooms for the one day.
    expect(items[1]).toMatchObject({ roomNights: 6, revenue: '600.00', adr: '100.00', currency: 'EUR' });
    expect(items[1]!.revpar).toBe((600 / catalog.totalCapacity('LIS-ALFAMA')).toFixed(2));
  });

  it('answers the hourly windows as sums of the 5-minute windows of kpis-5m (they have no store of their own)', async () => {
    const FIVE = 5 * MINUTE;
    const store = new Map<number, KpiTotals>([
      [T0, totals(1, 10_000)],
      [T0 + 55 * MINUTE, totals(2, 20_000)],
      [T0 + 60 * MINUTE, totals(4, 40_000)],
    ]);
    const { q, asked } = queries({ 'kpis-5m': windows('LIS-ALFAMA', store) });
    const items = await q.kpis('LIS-ALFAMA', 60 * MINUTE, T0 - FIVE, T0 + 2 * FIVE);
    expect(asked).toEqual(['kpis-5m LIS-ALFAMA']);
    // Hours starting every 5 minutes: [T0-5m, T0+55m) holds parts T0 and T0+50m..; [T0, T0+1h) the first
    // two; [T0+5m, T0+65m) the last two.
    expect(items.map((w) => [w.windowStart, w.windowSizeMs, w.final, w.bookings])).toEqual([
      [new Date(T0 - FIVE).toISOString(), 60 * MINUTE, false, 1],
      [new Date(T0).toISOString(), 60 * MINUTE, false, 3],
      [new Date(T0 + FIVE).toISOString(), 60 * MINUTE, false, 6],
    ]);
    expect(items[1]).toMatchObject({ roomNights: 6, revenue: '300.00', adr: '50.00' });
  });
});
