/**
 * The pickup, pace and forecast reports over the `on-the-books` store of the real topology in the test
 * driver: hand-computed figures, then a generated scenario of nine weeks whose reports (and the alerts
 * the topology emitted) are checked against the test's own computation from the reservations' successive
 * states (not from the store's daily changes).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addDays, daysBetween, type LocalDate } from '../../../../processors/domain/local-date.js';
import { seededRandom } from '../../../../processors/domain/payment/seeded-random.js';
import { zonedDate } from '../../../../processors/domain/timezone.js';
import { forecastOf, queryForecast } from '../../../../processors/topology/analytics/forecast.js';
import { ANALYTICS_STORES, type MonthBooks } from '../../../../processors/topology/analytics/on-the-books.js';
import {
  type Books,
  PACE_WEEKS,
  PICKUP_DAYS,
  paceBp,
  queryPace,
  queryPickup,
  trendOf,
} from '../../../../processors/topology/analytics/pickup-and-pace.js';
import type { ReservationState } from '../../../../processors/topology/reservation-state.js';
import type { AnalyticsAlert, ReservationCreated } from '../../../../schemas/generated/types.js';
import { cancelled, catalog, created, modified, type Pipeline, startPipeline, stay } from './harness.js';

const pipelines: Pipeline[] = [];
async function start(): Promise<Pipeline> {
  const p = await startPipeline();
  pipelines.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

/** 11:00 in Lisbon (UTC+1 in summer) on `date`: the event's business day is `date`. */
const on = (date: LocalDate) => Date.parse(`${date}T10:00:00Z`);

async function book(p: Pipeline, at: LocalDate, options: Parameters<typeof created>[0]) {
  const guest = created(options);
  p.pipe('reservation.created', guest, on(at));
  await p.settlePayments(on(at));
  return guest;
}

const store = (p: Pipeline) => p.driver.getKeyValueStore<string, MonthBooks>(ANALYTICS_STORES.onTheBooks);

describe('pickup report (test driver)', () => {
  it('reports the books and their change over the last 1, 7 and 30 days, a late cancellation included', async () => {
    const p = await start();
    await book(p, '2026-07-01', { checkIn: '2026-08-10', checkOut: '2026-08-12' }); // 100.00 (0 of 4 sold)
    await book(p, '2026-07-20', { checkIn: '2026-08-10', checkOut: '2026-08-11' }); // 100.00 (1 of 4: 25 %)
    const group = await book(p, '2026-08-01', { rooms: 2, checkIn: '2026-08-10', checkOut: '2026-08-11' }); // 2 × 110.00 (2 of 4: 50 %, ×1.1)
    const august10 = (asOf: LocalDate) =>
      queryPickup(store(p), catalog, 'TST-INN', '2026-08-10', '2026-08-11', asOf).find(
        (n) => n.roomType === 'STD',
      )!;
    expect(august10('2026-08-01')).toEqual({
      roomType: 'STD',
      night: '2026-08-10',
      roomNights: 4,
      revenueMinor: 42_000,
      pickup: [
        { days: 1, roomNights: 2, revenueMinor: 22_000 }, // booked on 1 August
        { days: 7, roomNights: 2, revenueMinor: 22_000 }, // since the end of 25 July
        { days: 30, roomNights: 3, revenueMinor: 32_000 }, // since the end of 2 July: not the 1 July booking
      ],
    });
    // As of an earlier day, the later changes are taken back out: on 20 July, 2 rooms for 200.00.
    expect(august10('2026-07-20')).toMatchObject({ roomNights: 2, revenueMinor: 20_000 });

    // Cancelled late (after 48 h before check-in): the 2 rooms go, their first night's 220.00 is kept.
    p.pipe('reservation.cancelled', cancelled(group), on('2026-08-09'));
    expect(august10('2026-08-09')).toEqual({
      roomType: 'STD',
      night: '2026-08-10',
      roomNights: 2,
      revenueMinor: 42_000,
      pickup: [
        { days: 1, roomNights: -2, revenueMinor: 0 },
        { days: 7, roomNights: -2, revenueMinor: 0 },
        // Since the end of 10 July: the 20 July room (1, 100.00) and the group, booked and cancelled (0, 220.00).
        { days: 30, roomNights: 1, revenueMinor: 32_000 },
      ],
    });
    // The other room type of the property is reported with nothing on the books.
    expect(
      queryPickup(store(p), catalog, 'TST-INN', '2026-08-10', '2026-08-11', '2026-08-09').find(
        (n) => n.roomType === 'STE',
      ),
    ).toMatchObject({ roomNights: 0, revenueMinor: 0 });
  });

  it('refuses a report of no nights or of more than 90', async () => {
    const p = await start();
    expect(() => queryPickup(store(p), catalog, 'TST-INN', '2026-08-10', '2026-08-10', '2026-08-01')).toThrow(
      RangeError,
    );
    expect(() => queryPace(store(p), catalog, 'TST-INN', '2026-08-01', '2026-11-01', '2026-08-01')).toThrow(
      RangeError,
    );
  });
});

describe('pace report (test driver)', () => {
  it('compares a stay date with the same weekday of the 4 weeks before, at the same lead time', async () => {
    const p = await start();
    // Stay date 29 August, as of 1 August (lead 28 days); comparable: 22, 15, 8 and 1 August as of
    // 25, 18, 11 and 4 July.
    await book(p, '2026-07-03', { checkIn: '2026-08-01', checkOut: '2026-08-02' }); // counts (k = 4)
    await book(p, '2026-07-10', { checkIn: '2026-08-08', checkOut: '2026-08-09' }); // counts (k = 3)
    await book(p, '2026-07-12', { checkIn: '2026-08-08', checkOut: '2026-08-09' }); // after 11 July: not
    await book(p, '2026-07-17', { rooms: 2, checkIn: '2026-08-15', checkOut: '2026-08-16' }); // counts (k = 2)
    await book(p, '2026-07-31', { checkIn: '2026-08-29', checkOut: '2026-08-30' });
    await book(p, '2026-08-01', { checkIn: '2026-08-29', checkOut: '2026-08-30' });
    const [std] = queryPace(store(p), catalog, 'TST-INN', '2026-08-29', '2026-08-30', '2026-08-01');
    // Σ comparable = 1 + 1 + 2 + 0 = 4 room-nights (average 1), 400.00; now 2 and 200.00:
    // (4 × 2 − 4) / 4 = +100 %.
    expect(std).toEqual({
      roomType: 'STD',
      night: '2026-08-29',
      roomNights: 2,
      revenueMinor: 20_000,
      leadDays: 28,
      comparableNights: ['2026-08-22', '2026-08-15', '2026-08-08', '2026-08-01'],
      comparableSum: { roomNights: 4, revenueMinor: 40_000 },
      roomNightsPaceBp: 10_000,
      revenuePaceBp: 10_000,
      trend: 'AHEAD',
    });
  });

  it('rounds the pace to the basis point and flags it within ±5 % as on pace', () => {
    expect(paceBp(3, 12)).toBe(0); // average 3
    expect(paceBp(2, 7)).toBe(1_429); // (8 − 7) / 7 = 14.2857 %
    expect(paceBp(1, 7)).toBe(-4_286); // (4 − 7) / 7
    expect(paceBp(5, 0)).toBeNull();
    expect([trendOf(500, 1), trendOf(501, 1), trendOf(-501, 1), trendOf(null, 1), trendOf(null, 0)]).toEqual([
      'ON_PACE',
      'AHEAD',
      'BEHIND',
      'AHEAD',
      'ON_PACE',
    ]);
  });
});

describe('forecast (test driver)', () => {
  it('adds the pickup the same weekdays of the 4 weeks before got from the same lead time on', async () => {
    const p = await start();
    // Stay date 29 August, as of 1 August: comparable 22, 15, 8 and 1 August from 25, 18, 11 and 4 July on.
    await book(p, '2026-07-03', { checkIn: '2026-08-01', checkOut: '2026-08-02' }); // before 4 July
    await book(p, '2026-07-30', { checkIn: '2026-08-01', checkOut: '2026-08-02' }); // +1, 100.00 (k = 4)
    await book(p, '2026-07-10', { checkIn: '2026-08-08', checkOut: '2026-08-09' }); // before 11 July
    await book(p, '2026-07-12', { checkIn: '2026-08-08', checkOut: '2026-08-09' }); // +1, 100.00 (k = 3)
    await book(p, '2026-07-17', { rooms: 2, checkIn: '2026-08-15', checkOut: '2026-08-16' }); // before 18 July
    await book(p, '2026-07-20', { checkIn: '2026-08-15', checkOut: '2026-08-16' }); // +1, 110.00 (50 %: ×1.1)
    await book(p, '2026-07-31', { checkIn: '2026-08-29', checkOut: '2026-08-30' });
    await book(p, '2026-08-01', { checkIn: '2026-08-29', checkOut: '2026-08-30' });
    const [std] = queryForecast(store(p), catalog, 'TST-INN', '2026-08-29', '2026-08-30', '2026-08-01');
    // Expected pickup: Σ = 3 room-nights, 310.00; ÷ 4 = 0.75 → 1 and 77.50. 2 + 1 ≤ 4 rooms: not capped.
    expect(std).toEqual({
      roomType: 'STD',
      night: '2026-08-29',
      leadDays: 28,
      books: { roomNights: 2, revenueMinor: 20_000 },
      comparablePickupSum: { roomNights: 3, revenueMinor: 31_000 },
      capacity: 4,
      forecast: { roomNights: 3, revenueMinor: 27_750 },
      past: null,
    });
  });

  it('caps the forecast at capacity, scaling the revenue pickup by the share that fits', () => {
    // Books 3 of 4 rooms at 300.00; the comparables picked up 8 room-nights for 1 000.00 (2 expected):
    // only 1 fits, so 1/8 of the 1 000.00 is added.
    const booksOf = (stayDate: string, day: string): Books =>
      stayDate === '2026-09-29'
        ? { roomNights: 3, revenueMinor: 30_000 }
        : day < stayDate && day <= '2026-09-01'
          ? { roomNights: 0, revenueMinor: 0 }
          : { roomNights: 2, revenueMinor: 25_000 };
    expect(forecastOf(booksOf, 4, '2026-09-29', '2026-09-08')).toEqual({
      books: { roomNights: 3, revenueMinor: 30_000 },
      comparablePickupSum: { roomNights: 8, revenueMinor: 100_000 },
      capacity: 4,
      forecast: { roomNights: 4, revenueMinor: 42_500 },
    });
    // A night that has passed: its books.
    expect(forecastOf(booksOf, 4, '2026-09-29', '2026-09-30').forecast).toEqual({
      roomNights: 3,
      revenueMinor: 30_000,
    });
  });
});

describe('a generated scenario of nine weeks', () => {
  it('reports the pickup, pace and forecast the reservations’ own history gives', async () => {
    const p = await start();
    const random = seededRandom(18);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;
    const between = (low: number, high: number) => low + Math.floor(random.next() * (high - low + 1));
    /** Every state each reservation had, with the business day it got it, oldest first. */
    const history = new Map<string, Array<{ day: LocalDate; state: ReservationState }>>();
    const confirmed: ReservationCreated[] = [];
    const record = (guest: ReservationCreated, day: LocalDate) => {
      const state = p.reservation(guest.confirmationNumber)!;
      const states = history.get(guest.confirmationNumber) ?? [];
      states.push({ day, state });
      history.set(guest.confirmationNumber, states);
      return state;
    };

    const first = '2026-06-01';
    const last = '2026-08-02';
    for (let day = first; daysBetween(day, last) >= 0; day = addDays(day, 1)) {
      for (let i = between(2, 6); i > 0; i--) {
        const at = on(day) + i * 60_000;
        const roll = random.next();
        if (roll < 0.6 || confirmed.length === 0) {
          const checkIn = addDays(day, between(1, 45));
          const guest = created({
            roomType: pick(['STD', 'STD', 'STE']),
            checkIn,
            checkOut: addDays(checkIn, between(1, 3)),
            rooms: between(1, 2),
          });
          p.pipe('reservation.created', guest, at);
          await p.settlePayments(at);
          if (record(guest, day).status === 'CONFIRMED') confirmed.push(guest);
        } else {
          const guest = confirmed.splice(between(0, confirmed.length - 1), 1)[0]!;
          const before = p.reservation(guest.confirmationNumber)!;
          if (roll < 0.8) {
            p.pipe('reservation.cancelled', cancelled(guest), at);
          } else {
            const checkIn = addDays(before.stay.checkInDate, between(-2, 2));
            const next = stay(
              pick(['STD', 'STE']),
              checkIn,
              addDays(checkIn, between(1, 3)),
              before.stay.rooms,
            );
            p.pipe(
              'reservation.modified',
              { ...modified(guest, next), previousStayDetails: before.stay },
              at,
            );
          }
          if (record(guest, day).status === 'CONFIRMED') confirmed.push(guest);
        }
      }
    }

    /** The books of (room type, night) at the end of `day`, from each reservation's state then. */
    const booksAt = (roomType: string, night: LocalDate, day: LocalDate) => {
      let roomNights = 0;
      let revenueMinor = 0;
      for (const states of history.values()) {
        const then = states.filter((s) => daysBetween(s.day, day) >= 0).at(-1)?.state;
        if (then?.price == null) continue;
        if (then.status === 'CONFIRMED' && then.stay.roomType === roomType) {
          const booked = then.price.nightly.find((n) => n.night === night);
          if (booked !== undefined) {
            roomNights += then.stay.rooms;
            revenueMinor += booked.rateMinor * then.stay.rooms;
          }
        }
        // A cancelled booking keeps its fee on the first night of the stay it had.
        if (then.status === 'CANCELLED' && then.stay.roomType === roomType) {
          if (then.price.nightly[0]?.night === night) revenueMinor += then.cancellation?.feeMinor ?? 0;
        }
      }
      return { roomNights, revenueMinor };
    };

    const asOf = last;
    const from = addDays(asOf, -10);
    const to = addDays(asOf, 35);
    const pickup = queryPickup(store(p), catalog, 'TST-INN', from, to, asOf);
    const pace = queryPace(store(p), catalog, 'TST-INN', from, to, asOf);
    let moved = 0;
    let fees = 0;
    for (const item of pickup) {
      const now = booksAt(item.roomType, item.night, asOf);
      expect({ roomNights: item.roomNights, revenueMinor: item.revenueMinor }, item.night).toEqual(now);
      for (const { days, roomNights, revenueMinor } of item.pickup) {
        const then = booksAt(item.roomType, item.night, addDays(asOf, -days));
        expect({ days, roomNights, revenueMinor }).toEqual({
          days,
          roomNights: now.roomNights - then.roomNights,
          revenueMinor: now.revenueMinor - then.revenueMinor,
        });
        if (roomNights !== 0) moved++;
      }
    }
    for (const item of pace) {
      let roomNights = 0;
      let revenueMinor = 0;
      for (let week = 1; week <= PACE_WEEKS; week++) {
        const then = booksAt(item.roomType, addDays(item.night, -7 * week), addDays(asOf, -7 * week));
        roomNights += then.roomNights;
        revenueMinor += then.revenueMinor;
      }
      expect(item.comparableSum, `${item.roomType} ${item.night}`).toEqual({ roomNights, revenueMinor });
      expect(item.roomNightsPaceBp).toBe(
        roomNights === 0 ? null : Math.round(((4 * item.roomNights - roomNights) * 10_000) / roomNights),
      );
    }
    /** The forecast of (room type, night) made at the end of `madeOn`, from `booksAt` (docs/analytics.md). */
    const forecastAt = (roomType: string, night: LocalDate, madeOn: LocalDate) => {
      const books = booksAt(roomType, night, madeOn);
      if (daysBetween(madeOn, night) < 0) return books;
      let rn = 0;
      let rev = 0;
      for (let week = 1; week <= PACE_WEEKS; week++) {
        const comparable = addDays(night, -7 * week);
        const until = daysBetween(comparable, madeOn) > 0 ? comparable : madeOn;
        rn += booksAt(roomType, comparable, until).roomNights;
        rn -= booksAt(roomType, comparable, addDays(madeOn, -7 * week)).roomNights;
        rev += booksAt(roomType, comparable, until).revenueMinor;
        rev -= booksAt(roomType, comparable, addDays(madeOn, -7 * week)).revenueMinor;
      }
      const room = Math.max(0, catalog.roomType('TST-INN', roomType).capacity - books.roomNights);
      const half = (n: number, d: number) => Math.sign(n) * Math.round(Math.abs(n) / d);
      return rn > 4 * room
        ? { roomNights: books.roomNights + room, revenueMinor: books.revenueMinor + half(rev * room, rn) }
        : {
            roomNights: Math.max(0, books.roomNights + half(rn, 4)),
            revenueMinor: Math.max(0, books.revenueMinor + half(rev, 4)),
          };
    };
    let judged = 0;
    for (const item of queryForecast(store(p), catalog, 'TST-INN', from, to, asOf)) {
      expect(item.forecast, `forecast ${item.roomType} ${item.night}`).toEqual(
        forecastAt(item.roomType, item.night, asOf),
      );
      if (daysBetween(item.night, asOf) > 0) {
        const made = forecastAt(item.roomType, item.night, addDays(item.night, -7));
        const actual = booksAt(item.roomType, item.night, item.night);
        expect(item.past).toEqual({
          madeOn: addDays(item.night, -7),
          forecast: made,
          actual,
          error: {
            roomNights: made.roomNights - actual.roomNights,
            revenueMinor: made.revenueMinor - actual.revenueMinor,
          },
        });
        if (actual.roomNights > 0) judged++;
      } else expect(item.past).toBeNull();
    }
    expect(judged).toBeGreaterThan(0);

    // The alerts the topology emitted over the nine weeks: each alert's events are a clean life (raised,
    // updated only with new figures, cleared, raised again), and the alerts holding at the end are those
    // the figures above give as of the last day (docs/analytics.md, "Alerts").
    const events = p.read('analytics.alerts');
    const lives = new Map<string, AnalyticsAlert[]>();
    for (const e of events) {
      const key = `${e.roomType}|${e.stayDate}|${e.kind}`;
      lives.set(key, [...(lives.get(key) ?? []), e]);
    }
    const holding = new Set<string>();
    for (const [key, life] of lives) {
      life.forEach((e, i) => {
        const before = life[i - 1];
        expect(e.sequence, key).toBe(i + 1);
        if (e.status === 'RAISED')
          expect(before === undefined || before.status === 'CLEARED', key).toBe(true);
        else expect(before !== undefined && before.status !== 'CLEARED', key).toBe(true);
        if (e.status === 'UPDATED')
          expect([e.value, e.detail], key).not.toEqual([before!.value, before!.detail]);
      });
      const lastEvent = life.at(-1)!;
      if (lastEvent.status !== 'CLEARED' && daysBetween(asOf, lastEvent.stayDate) >= 0) {
        holding.add(`${key}|${lastEvent.value}`);
      }
    }
    const expected = new Set<string>();
    const ratio = (bp: number) => (bp / 10_000).toFixed(4);
    for (const { code, capacity } of catalog.property('TST-INN').roomTypes) {
      for (let night = asOf; daysBetween(night, addDays(asOf, 60)) > 0; night = addDays(night, 1)) {
        const rn = booksAt(code, night, asOf).roomNights;
        let comparable = 0;
        for (let week = 1; week <= PACE_WEEKS; week++) {
          comparable += booksAt(code, addDays(night, -7 * week), addDays(asOf, -7 * week)).roomNights;
        }
        // Rounded half away from zero, as the pace is.
        const exact = ((4 * rn - comparable) * 10_000) / comparable;
        const pace = comparable === 0 ? 0 : Math.sign(exact) * Math.round(Math.abs(exact));
        if (pace < -2_000) expected.add(`${code}|${night}|PACE_BEHIND|${ratio(pace)}`);
        if (Math.floor((rn * 10_000) / capacity) >= 9_000) {
          expected.add(`${code}|${night}|OCCUPANCY_HIGH|${ratio(Math.floor((rn * 10_000) / capacity))}`);
        }
        const yesterday = booksAt(code, night, addDays(asOf, -1)).roomNights;
        const lost = yesterday - rn;
        if (lost >= 2 && Math.floor((lost * 10_000) / yesterday) >= 2_000) {
          expected.add(
            `${code}|${night}|CANCELLATION_SPIKE|${ratio(Math.floor((lost * 10_000) / yesterday))}`,
          );
        }
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expect([...holding].sort()).toEqual([...expected].sort());
    // ... and the scenario raised and cleared alerts of every kind on its way.
    const kinds = (status: string) => new Set(events.filter((e) => e.status === status).map((e) => e.kind));
    expect(kinds('RAISED')).toEqual(new Set(['PACE_BEHIND', 'OCCUPANCY_HIGH', 'CANCELLATION_SPIKE']));
    expect(kinds('CLEARED')).toEqual(new Set(['PACE_BEHIND', 'OCCUPANCY_HIGH', 'CANCELLATION_SPIKE']));

    for (const states of history.values()) if ((states.at(-1)!.state.cancellation?.feeMinor ?? 0) > 0) fees++;
    // The scenario exercised what it claims to: changes in every pickup span, late cancellations with
    // fees, moved nights, and every trend.
    expect(moved).toBeGreaterThan(PICKUP_DAYS.length * 10);
    expect(fees).toBeGreaterThan(0);
    expect(new Set(pace.map((n) => n.trend))).toEqual(new Set(['AHEAD', 'ON_PACE', 'BEHIND']));
    expect(zonedDate(on(asOf), 'Europe/Lisbon')).toBe(asOf);
  });
});
