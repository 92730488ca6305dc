import { afterEach, describe, expect, it } from 'vitest';
import type { KpiTotals } from '../../../../processors/domain/kpis.js';
import {
  queryAvailability,
  queryKpis,
  queryRates,
  queryReservation,
} from '../../../../processors/topology/queries.js';
import { catalog, created, type Pipeline, startPipeline } from './harness.js';

const pipelines: Pipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

const T = Date.UTC(2026, 6, 1, 12, 0);

describe('interactive queries over the reservation stores', () => {
  it('answers availability, rates, a reservation and KPI windows from the stores', async () => {
    const p = await startPipeline();
    pipelines.push(p);
    const guest = created({ rooms: 4, checkIn: '2026-08-10', checkOut: '2026-08-11' });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T + 1000);

    const availability = queryAvailability(
      p.driver.getKeyValueStore('inventory'),
      catalog,
      'TST-INN',
      '2026-08-09',
      '2026-08-11',
    );
    expect(availability.filter((a) => a.roomType === 'STD')).toEqual([
      {
        roomType: 'STD',
        night: '2026-08-09',
        capacity: 4,
        overbookingAllowance: 1,
        roomsReserved: 0,
        roomsAvailable: 4,
        roomsSellable: 5,
      },
      {
        roomType: 'STD',
        night: '2026-08-10',
        capacity: 4,
        overbookingAllowance: 1,
        roomsReserved: 4,
        roomsAvailable: 0,
        roomsSellable: 1,
      },
    ]);
    expect(availability).toHaveLength(4); // two room types, two nights

    const rates = queryRates(
      p.driver.getKeyValueStore('rates'),
      catalog,
      'TST-INN',
      '2026-08-09',
      '2026-08-11',
    );
    expect(rates.filter((r) => r.roomType === 'STD').map((r) => [r.night, r.rate.minor])).toEqual([
      ['2026-08-09', 10_000], // nothing sold: the base rate
      ['2026-08-10', 17_500], // full: ×1.75
    ]);

    expect(
      queryReservation(p.driver.getKeyValueStore('reservations'), guest.confirmationNumber)?.status,
    ).toBe('CONFIRMED');
    const kpis = queryKpis(
      p.driver.getWindowStore<string, KpiTotals>('kpis-1m'),
      'TST-INN',
      T - 60_000,
      T + 60_000,
    );
    expect(kpis).toEqual([
      { windowStart: T, totals: expect.objectContaining({ bookings: 1, roomNightsBooked: 4 }) },
    ]);
  });

  it('refuses an empty or overlong range', () => {
    const store = { get: () => undefined } as never;
    expect(() => queryAvailability(store, catalog, 'TST-INN', '2026-08-10', '2026-08-10')).toThrow(/spans 0/);
    expect(() => queryRates(store, catalog, 'TST-INN', '2026-01-01', '2027-06-01')).toThrow(RangeError);
  });
});
