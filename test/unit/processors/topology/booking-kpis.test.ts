import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type KpiTotals, summarizeKpis } from '../../../../processors/domain/kpis.js';
import { windowStartsOf } from '../../../../processors/topology/booking-kpis.js';
import { queryKpis } from '../../../../processors/topology/queries.js';
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

const T = Date.UTC(2026, 6, 1, 12, 0); // a whole minute
const S = 1000;
const eur = (amount: string) => ({ amount, currency: 'EUR' });

/** Books and confirms `rooms` rooms for two nights, confirmed at `confirmedAt`. */
async function book(
  p: Pipeline,
  rooms: number,
  confirmedAt: number,
  checkIn = '2026-08-10',
  checkOut = '2026-08-12',
) {
  const guest = created({ rooms, checkIn, checkOut });
  p.pipe('reservation.created', guest, confirmedAt);
  await p.settlePayments(confirmedAt);
  return guest;
}

/** Moves stream time forward with a record that changes nothing (a command for an unknown reservation). */
function advanceStreamTime(p: Pipeline, to: number) {
  p.pipe('reservation.cancelled', cancelled(created({ confirmationNumber: 'RSV-2026-900000' })), to);
}

const oneMinute = (p: Pipeline) => p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 60_000);

/** The open windows of the 1-minute store starting in [from, to], as the API reads them. */
function openMinutes(p: Pipeline, from: number, to = from) {
  return queryKpis(p.driver.getWindowStore<string, KpiTotals>('kpis-1m'), 'TST-INN', from, to).map(
    ({ windowStart, totals }) => ({ windowStart, ...summarizeKpis(totals, 6) }),
  );
}

describe('booking KPIs (test driver)', () => {
  it('counts every confirmed booking in the open window and publishes the window once, when it closes', async () => {
    const p = await start();
    await book(p, 1, T + 10 * S); // 2 room-nights at 100.00
    await book(p, 2, T + 20 * S); // 4 room-nights at 100.00 (25 % occupancy before: ×1.0)
    // Open: queryable in the window store, not published.
    expect(openMinutes(p, T).map((w) => [w.bookings, w.roomNightsSold, w.revenue.minor])).toEqual([
      [2, 6, 60_000],
    ]);
    expect(oneMinute(p)).toEqual([]);
    advanceStreamTime(p, T + 120 * S); // the end (T+60 s) plus the 60 s grace
    const finals = oneMinute(p);
    expect(finals.map((k) => [k.bookings, k.roomNights, k.revenue.amount, k.adr.amount, k.final])).toEqual([
      [2, 6, '600.00', '100.00', true],
    ]);
    expect(finals[0]).toMatchObject({
      propertyId: 'TST-INN',
      windowStart: T,
      windowEnd: T + 60 * S,
      windowAdvanceMs: 60_000,
      cancellations: 0,
      availableRoomNights: 6, // 6 rooms × 1 day
      revpar: eur('100.00'),
      eventId: `kpis:TST-INN:1m:${T}:final`,
    });
  });

  it('counts each booking in every hopping hour window that contains it', async () => {
    const p = await start();
    await book(p, 1, T + 10 * S);
    advanceStreamTime(p, T + 3_660 * S + 60 * S); // every hour window holding T+10 s has closed
    const hourly = p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 3_600_000);
    expect(hourly.map((k) => (k.windowStart - T) / 60_000)).toEqual([
      -55, -50, -45, -40, -35, -30, -25, -20, -15, -10, -5, 0,
    ]);
    expect(hourly.every((k) => k.bookings === 1 && k.roomNights === 2 && k.final)).toBe(true);
    expect(windowStartsOf({ name: 'x', sizeMs: 600, advanceMs: 200 }, 1000)).toEqual([600, 800, 1000]);
  });

  it('nets cancellations: the room-nights go back, the fee stays revenue', async () => {
    const p = await start();
    const guest = await book(p, 2, T + 5 * S, '2026-07-02', '2026-07-04'); // inside the deadline already
    p.pipe('reservation.cancelled', cancelled(guest), T + 30 * S);
    advanceStreamTime(p, T + 120 * S);
    // 400.00 booked; the first night of two rooms (200.00) is kept as the fee, 200.00 given back.
    expect(oneMinute(p)).toEqual([
      expect.objectContaining({
        bookings: 1,
        cancellations: 1,
        roomNights: 0,
        revenue: eur('200.00'),
        adr: eur('0.00'),
      }),
    ]);
  });

  it('counts a modification as the change in room-nights and revenue of the booking', async () => {
    const p = await start();
    const guest = await book(p, 1, T + 5 * S); // 2 room-nights, 200.00
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-10', '2026-08-13')), T + 20 * S);
    advanceStreamTime(p, T + 120 * S);
    expect(oneMinute(p)).toEqual([
      expect.objectContaining({ bookings: 1, roomNights: 3, revenue: eur('300.00') }),
    ]);
  });

  it('counts a late event inside the grace period and drops one after it, and emits final results once', async () => {
    const p = await start({ kpiGraceMs: 60 * S });
    await book(p, 1, T + 10 * S);
    advanceStreamTime(p, T + 100 * S); // window [T, T+60 s) ends; grace until T+120 s
    await book(p, 1, T + 30 * S, '2026-08-20', '2026-08-21'); // late but inside the grace: counted
    expect(openMinutes(p, T).map((w) => w.bookings)).toEqual([2]);
    expect(oneMinute(p)).toEqual([]); // not final yet
    advanceStreamTime(p, T + 125 * S); // grace over: the window is final
    expect(oneMinute(p)).toEqual([
      expect.objectContaining({
        windowStart: T,
        bookings: 2,
        roomNights: 3,
        final: true,
        eventId: `kpis:TST-INN:1m:${T}:final`,
      }),
    ]);
    await book(p, 1, T + 40 * S, '2026-08-22', '2026-08-23'); // after the grace: dropped
    expect(oneMinute(p)).toEqual([]);
    expect(p.kpiStats.droppedLate).toBe(1);
    advanceStreamTime(p, T + 400 * S);
    expect(oneMinute(p).filter((k) => k.windowStart === T)).toEqual([]); // final only once
  });

  it('publishes each hourly window as the sum of its 5-minute windows, with no hourly store', async () => {
    const p = await start();
    await book(p, 1, T + 10 * S); // part [T, T+5 min)
    await book(p, 2, T + 7 * 60 * S); // part [T+5 min, T+10 min)
    await book(p, 1, T + 62 * 60 * S); // part [T+60 min, T+65 min)
    expect(() => p.driver.getWindowStore('kpis-1h')).toThrow();
    const parts = queryKpis(
      p.driver.getWindowStore<string, KpiTotals>('kpis-5m'),
      'TST-INN',
      T,
      T + 3_600 * S,
    );
    expect(parts.map((w) => [(w.windowStart - T) / 60_000, w.totals.bookings])).toEqual([
      [0, 1],
      [5, 1],
      [60, 1],
    ]);
    advanceStreamTime(p, T + 2 * 3_600 * S + 60 * S); // the last hour holding a booking ends at T+2 h
    const hourly = p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 3_600_000);
    const byStart = new Map(hourly.map((k) => [(k.windowStart - T) / 60_000, k]));
    expect(hourly.length).toBe(byStart.size); // each window once
    // [T-55 min, T+5 min) holds the first booking; [T, T+1 h) the first two; [T+5 min, T+65 min) the last two.
    expect([-55, 0, 5, 10, 60].map((m) => [m, byStart.get(m)?.bookings, byStart.get(m)?.roomNights])).toEqual(
      [
        [-55, 1, 2],
        [0, 2, 6],
        [5, 2, 6],
        [10, 1, 2],
        [60, 1, 2],
      ],
    );
    expect(byStart.get(0)).toMatchObject({
      windowEnd: T + 3_600 * S,
      windowAdvanceMs: 300_000,
      final: true,
      availableRoomNights: 6,
      eventId: `kpis:TST-INN:1h:${T}:final`,
    });
  });

  it('counts a late fact in every hourly window or in none, as its 5-minute window was open or closed', async () => {
    const p = await start({ kpiGraceMs: 60 * S });
    await book(p, 1, T + 10 * S);
    advanceStreamTime(p, T + 350 * S); // part [T, T+5 min) ends at T+300 s; grace until T+360 s
    await book(p, 1, T + 20 * S); // late, inside the part's grace: counted
    advanceStreamTime(p, T + 400 * S); // the part has closed, its hourly windows have not
    await book(p, 1, T + 30 * S); // after the part's grace: in no hourly window, though they are open
    advanceStreamTime(p, T + 3_600 * S + 400 * S);
    const hourly = p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 3_600_000);
    expect(hourly.map((k) => k.bookings)).toEqual(Array(12).fill(2));
  });

  it('publishes the hourly windows whole when a fact moves stream time hours ahead', async () => {
    const p = await start();
    await book(p, 1, T + 10 * S);
    // The next fact comes five hours later: storing it expires the old parts, so the windows holding the
    // first booking are closed before it is stored.
    await book(p, 1, T + 5 * 3_600 * S, '2026-08-20', '2026-08-21');
    const hourly = p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 3_600_000);
    expect(hourly.map((k) => [(k.windowStart - T) / 60_000, k.bookings])).toEqual(
      [-55, -50, -45, -40, -35, -30, -25, -20, -15, -10, -5, 0].map((m) => [m, 1]),
    );
  });

  it('publishes each hourly window once across a restart (the end of the last one published is kept)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kpis-restart-'));
    try {
      const hourly = (p: Pipeline) =>
        p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 3_600_000);
      const first = await startPipeline({ persistentStores: true }, {}, {}, { stateDir });
      await book(first, 1, T + 10 * S);
      advanceStreamTime(first, T + 30 * 60 * S); // the hours ending by T+25 min have closed
      const before = hourly(first);
      await first.close(); // a clean close commits
      const second = await startPipeline({ persistentStores: true }, {}, {}, { stateDir });
      await book(second, 2, T + 40 * 60 * S, '2026-08-20', '2026-08-21'); // in the hours ending T+45 min on
      advanceStreamTime(second, T + 2 * 3_600 * S);
      const after = hourly(second);
      await second.close();
      expect(before.map((k) => (k.windowStart - T) / 60_000)).toEqual([-55, -50, -45, -40, -35]);
      // Then every later hour once: the first booking alone, both (starts -15 to 0), the second alone.
      const starts = Array.from({ length: 15 }, (_, i) => -30 + 5 * i);
      expect(after.map((k) => [(k.windowStart - T) / 60_000, k.bookings])).toEqual(
        starts.map((m) => [m, m >= -15 && m <= 0 ? 2 : 1]),
      );
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
