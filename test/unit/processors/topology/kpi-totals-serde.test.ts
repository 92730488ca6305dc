import { describe, expect, it } from 'vitest';
import { measure, storeSerdeCandidates } from '../../../../bench/serdes/store-serdes-bench.js';
import type { KpiTotals } from '../../../../processors/domain/kpis.js';
import { kpiTotalsSerde } from '../../../../processors/topology/kpi-totals-serde.js';

const context = { topic: 'app-kpis-5m-changelog', isKey: false };
const totals: KpiTotals = {
  bookings: 3,
  cancellations: 1,
  roomNightsBooked: 9,
  roomNightsCancelled: 2,
  revenueBooked: { currency: 'JPY', minor: 9_007_199_254_740_991 },
  revenueCancelled: { currency: 'JPY', minor: -1_500 },
};

describe('kpiTotalsSerde (the KPI window stores’ fixed binary layout)', () => {
  it('round-trips totals in 36 bytes, amounts exact to 2^53, and keeps null a tombstone', () => {
    const serde = kpiTotalsSerde();
    const bytes = serde.serialize(totals, context)!;
    expect(bytes.length).toBe(36);
    expect(serde.deserialize(bytes, context)).toEqual(totals);
    expect(serde.serialize(null, context)).toBeNull();
    expect(serde.deserialize(null, context)).toBeNull();
  });

  it('refuses totals in two currencies and bytes of another layout, saying what it got', () => {
    const serde = kpiTotalsSerde();
    const mixed = { ...totals, revenueCancelled: { currency: 'EUR', minor: 0 } };
    expect(() => serde.serialize(mixed, context)).toThrow(/one ISO currency code, got JPY and EUR/);
    expect(() => serde.deserialize(Buffer.from('{"bookings":1}'), context)).toThrow(/layout version 1/);
  });

  it('is measured beside JSON by bench:store-serdes (a functional check; the numbers are the bench’s)', () => {
    const rows = measure(storeSerdeCandidates(), 200, 1);
    expect(rows.map((r) => r.name)).toEqual([
      'KpiTotals: JSON',
      'KpiTotals: binary layout',
      'ReservationState: JSON',
      'ReservationState: Avro layout',
    ]);
    expect(rows.every((r) => r.medianNsPerOp > 0 && r.bytes > 0)).toBe(true);
  });
});
