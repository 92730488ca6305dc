import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PRICING } from '../../../../processors/domain/pricing.js';
import { cancelled, created, modified, type Pipeline, startPipeline, stay } from './harness.js';

const pipelines: Pipeline[] = [];
async function start(...args: Parameters<typeof startPipeline>): Promise<Pipeline> {
  const p = await startPipeline(...args);
  pipelines.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

const T = Date.UTC(2026, 6, 1, 12, 0);
const eur = (amount: string) => ({ amount, currency: 'EUR' });

// The test inn: 4 standard rooms at 100.00. Default tiers: 0-49 % ×1.0, 50 % ×1.1, 75 % ×1.25, ≥95 % ×1.75.
describe('pricing processor (test driver)', () => {
  it('prices a stay on the occupancy the guest saw and records it with rate.applied', async () => {
    const p = await start();
    p.pipe('reservation.created', created({ checkIn: '2026-08-10', checkOut: '2026-08-11', rooms: 2 }), T);
    const guest = created({ checkIn: '2026-08-09', checkOut: '2026-08-11', rooms: 1 });
    guest.pricingDetails.taxes = eur('12.50');
    guest.pricingDetails.fees = eur('3.00');
    p.pipe('reservation.created', guest, T + 1);
    const applied = p.read('rate.applied').at(-1);
    expect(applied).toEqual({
      eventId: `${guest.eventId}:rate-applied`,
      eventType: 'RateApplied',
      occurredAt: T + 1,
      confirmationNumber: guest.confirmationNumber,
      propertyId: 'TST-INN',
      roomType: 'STD',
      rooms: 1,
      ratePlan: 'BAR',
      nightlyRates: [
        { stayDate: '2026-08-09', baseRate: eur('100.00'), demandMultiplier: '1.0000', rate: eur('100.00') },
        { stayDate: '2026-08-10', baseRate: eur('100.00'), demandMultiplier: '1.1000', rate: eur('110.00') },
      ],
      roomTotal: eur('210.00'),
    });
    expect(p.reservation(guest.confirmationNumber)?.price).toMatchObject({
      roomTotalMinor: 21_000,
      taxesMinor: 1250,
      feesMinor: 300,
      totalMinor: 22_550,
    });
    expect(p.readRequests().at(-1)).toMatchObject({ type: 'AUTHORIZE', amount: eur('225.50') });
  });

  it('emits rate.updated only when occupancy moves a night into another tier', async () => {
    const p = await start();
    const oneNight = (rooms: number) => created({ checkIn: '2026-08-10', checkOut: '2026-08-11', rooms });
    p.pipe('reservation.created', oneNight(1), T); // 25 %: first rate of the night
    p.pipe('reservation.created', oneNight(1), T + 1); // 50 %: ×1.1
    const third = oneNight(1);
    p.pipe('reservation.created', third, T + 2); // 75 %: ×1.25
    p.pipe('reservation.created', oneNight(1), T + 3); // 100 %: ×1.75
    expect(
      p
        .read('rate.updated')
        .map((r) => [r.previousRate?.amount ?? null, r.rate.amount, r.demandMultiplier, r.occupancy]),
    ).toEqual([
      [null, '100.00', '1.0000', '0.2500'],
      ['100.00', '110.00', '1.1000', '0.5000'],
      ['110.00', '125.00', '1.2500', '0.7500'],
      ['125.00', '175.00', '1.7500', '1.0000'],
    ]);
    // Each guest pays the rate that was on offer when they booked (the previous rate.updated).
    expect(p.read('rate.applied').map((r) => r.roomTotal.amount)).toEqual([
      '100.00',
      '100.00',
      '110.00',
      '125.00',
    ]);

    await p.settlePayments(T + 4);
    p.pipe('reservation.cancelled', cancelled(third), T + 5); // back to 75 %
    expect(p.read('rate.updated').map((r) => [r.previousRate?.amount, r.rate.amount])).toEqual([
      ['175.00', '125.00'],
    ]);
  });

  it('re-prices a modified stay without charging the guest for their own rooms', async () => {
    const p = await start();
    const guest = created({ checkIn: '2026-08-10', checkOut: '2026-08-11', rooms: 2 });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.read('rate.applied');
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-10', '2026-08-12', 2)), T + 1);
    // Others hold no room on either night: the guest's own two rooms do not raise their price.
    expect(p.read('rate.applied').map((r) => r.nightlyRates.map((n) => n.rate.amount))).toEqual([
      ['100.00', '100.00'],
    ]);
    expect(p.reservation(guest.confirmationNumber)?.price?.roomTotalMinor).toBe(40_000);
  });

  it('prices in zero-decimal currencies exactly (Tokyo, yen)', async () => {
    const p = await start();
    const guest = created({
      propertyId: 'TYO-GINZA',
      roomType: 'SGL',
      checkIn: '2026-08-10',
      checkOut: '2026-08-11',
    });
    p.pipe('reservation.created', guest, T);
    expect(p.read('rate.applied')[0]?.roomTotal).toEqual({ amount: '14800.00', currency: 'JPY' });
  });
});

describe('pricing processor with a pace factor (test driver)', () => {
  it('raises the price when bookings of the room type come quickly, and forgets them after the window', async () => {
    const p = await start({
      pricing: {
        ...DEFAULT_PRICING,
        pace: {
          windowMs: 600_000,
          tiers: [
            { fromBookings: 0, multiplierBp: 10_000 },
            { fromBookings: 2, multiplierBp: 11_000 },
          ],
        },
      },
    });
    // Different nights, so occupancy stays at ×1.0 and only the pace moves the price.
    const on = (day: number) => created({ checkIn: `2026-08-${day}`, checkOut: `2026-08-${day + 1}` });
    p.pipe('reservation.created', on(10), T); // 0 before it
    p.pipe('reservation.created', on(12), T + 60_000); // 1 before it
    p.pipe('reservation.created', on(14), T + 120_000); // 2 before it: ×1.1
    p.pipe('reservation.created', on(16), T + 900_000); // the first three left the 10-minute window
    expect(
      p.read('rate.applied').map((r) => [r.nightlyRates[0]?.demandMultiplier, r.roomTotal.amount]),
    ).toEqual([
      ['1.0000', '100.00'],
      ['1.0000', '100.00'],
      ['1.1000', '110.00'],
      ['1.0000', '100.00'],
    ]);
  });
});
