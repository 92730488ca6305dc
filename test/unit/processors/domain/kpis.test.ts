import { describe, expect, it } from 'vitest';
import {
  addBooking,
  addCancellation,
  addModification,
  adr,
  contributionsByNight,
  emptyKpis,
  mergeKpis,
  occupancyBp,
  revpar,
  roomNights,
  summarizeKpis,
} from '../../../../processors/domain/kpis.js';
import { money, sum } from '../../../../processors/domain/money.js';
import { DEFAULT_PRICING, priceStay } from '../../../../processors/domain/pricing.js';

describe('KPI arithmetic', () => {
  it('computes ADR, RevPAR and occupancy exactly, rounding once', () => {
    // 3 room-nights sold for 100.00 → ADR 33.33; 7 available → RevPAR 14.29; occupancy 3/7 = 42.86 %.
    expect(adr(money(10_000, 'EUR'), 3)).toEqual(money(3333, 'EUR'));
    expect(revpar(money(10_000, 'EUR'), 7)).toEqual(money(1429, 'EUR'));
    expect(occupancyBp(3, 7)).toBe(4286);
    expect(occupancyBp(11, 10)).toBe(11_000); // overbooked beyond 100 %
    expect(roomNights(2, 3)).toBe(6);
  });

  it('answers null rather than a made-up zero when there is nothing to divide by', () => {
    expect(adr(money(0, 'EUR'), 0)).toBeNull();
    expect(revpar(money(5000, 'EUR'), 0)).toBeNull();
    expect(occupancyBp(0, 0)).toBeNull();
  });

  it('folds bookings and cancellations and summarises a window', () => {
    let totals = emptyKpis('USD');
    totals = addBooking(totals, 4, money(120_000, 'USD'));
    totals = addBooking(totals, 2, money(50_000, 'USD'));
    totals = addCancellation(totals, 2, money(25_000, 'USD')); // 50 000 total, 25 000 fee kept
    expect(summarizeKpis(totals, 20)).toEqual({
      bookings: 2,
      cancellations: 1,
      roomNightsBooked: 6,
      roomNightsCancelled: 2,
      revenueBooked: money(170_000, 'USD'),
      revenueCancelled: money(25_000, 'USD'),
      roomNightsSold: 4,
      revenue: money(145_000, 'USD'),
      roomNightsAvailable: 20,
      adr: money(36_250, 'USD'),
      revpar: money(7250, 'USD'),
      occupancyBp: 2000,
    });
  });

  it('applies a modification as a change of room-nights and revenue, not a new booking', () => {
    const booked = addBooking(emptyKpis('EUR'), 4, money(40_000, 'EUR'));
    expect(addModification(booked, -2, money(-20_000, 'EUR'))).toMatchObject({
      bookings: 1,
      roomNightsBooked: 2,
      revenueBooked: money(20_000, 'EUR'),
    });
  });

  it('merges partial totals', () => {
    const a = addBooking(emptyKpis('EUR'), 1, money(100, 'EUR'));
    const b = addCancellation(addBooking(emptyKpis('EUR'), 3, money(300, 'EUR')), 1, money(100, 'EUR'));
    expect(mergeKpis(a, b)).toEqual({
      bookings: 2,
      cancellations: 1,
      roomNightsBooked: 4,
      roomNightsCancelled: 1,
      revenueBooked: money(400, 'EUR'),
      revenueCancelled: money(100, 'EUR'),
    });
  });

  it('splits a stay over its dates so the parts add up to the total exactly', () => {
    const price = priceStay({
      config: DEFAULT_PRICING,
      baseRate: money(12_999, 'EUR'),
      capacity: 70,
      rooms: 3,
      nights: [
        { night: '2026-03-14', soldBefore: 10 },
        { night: '2026-03-15', soldBefore: 49 },
        { night: '2026-03-16', soldBefore: 67 },
      ],
    });
    const parts = contributionsByNight(price);
    expect(parts.map((p) => [p.night, p.roomNights, p.revenue.minor])).toEqual([
      ['2026-03-14', 3, 38_997],
      ['2026-03-15', 3, 48_747],
      ['2026-03-16', 3, 68_244],
    ]);
    expect(
      sum(
        parts.map((p) => p.revenue),
        'EUR',
      ),
    ).toEqual(price.total);
  });
});
