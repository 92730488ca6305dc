import { afterEach, describe, expect, it } from 'vitest';
import { windowStartsOf } from '../../../../processors/topology/kpi-processor.js';
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

describe('booking KPI processor (test driver)', () => {
  it('updates the 1-minute window with every confirmed booking: room-nights, revenue, ADR, RevPAR', async () => {
    const p = await start();
    await book(p, 1, T + 10 * S); // 2 room-nights at 100.00
    await book(p, 2, T + 20 * S); // 4 room-nights at 100.00 (25 % occupancy before: ×1.0)
    const updates = oneMinute(p);
    expect(updates.map((k) => [k.bookings, k.roomNights, k.revenue.amount, k.adr.amount, k.final])).toEqual([
      [1, 2, '200.00', '100.00', false],
      [2, 6, '600.00', '100.00', false],
    ]);
    expect(updates[1]).toMatchObject({
      propertyId: 'TST-INN',
      windowStart: T,
      windowEnd: T + 60 * S,
      windowAdvanceMs: 60_000,
      cancellations: 0,
      availableRoomNights: 6, // 6 rooms × 1 day
      revpar: eur('100.00'),
    });
  });

  it('counts each booking in every hopping hour window that contains it', async () => {
    const p = await start();
    await book(p, 1, T + 10 * S);
    const hourly = p.read('analytics.booking-kpis').filter((k) => k.windowSizeMs === 3_600_000);
    expect(hourly.map((k) => (k.windowStart - T) / 60_000)).toEqual([
      -55, -50, -45, -40, -35, -30, -25, -20, -15, -10, -5, 0,
    ]);
    expect(windowStartsOf({ name: 'x', sizeMs: 600, advanceMs: 200 }, 1000)).toEqual([600, 800, 1000]);
  });

  it('nets cancellations: the room-nights go back, the fee stays revenue', async () => {
    const p = await start();
    const guest = await book(p, 2, T + 5 * S, '2026-07-02', '2026-07-04'); // inside the deadline already
    p.pipe('reservation.cancelled', cancelled(guest), T + 30 * S);
    const last = oneMinute(p).at(-1);
    // 400.00 booked; the first night of two rooms (200.00) is kept as the fee, 200.00 given back.
    expect(last).toMatchObject({
      bookings: 1,
      cancellations: 1,
      roomNights: 0,
      revenue: eur('200.00'),
      adr: eur('0.00'),
    });
  });

  it('counts a modification as the change in room-nights and revenue of the booking', async () => {
    const p = await start();
    const guest = await book(p, 1, T + 5 * S); // 2 room-nights, 200.00
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-10', '2026-08-13')), T + 20 * S);
    expect(oneMinute(p).at(-1)).toMatchObject({ bookings: 1, roomNights: 3, revenue: eur('300.00') });
  });

  it('counts a late event inside the grace period and drops one after it, and emits final results once', async () => {
    const p = await start({ kpiGraceMs: 60 * S });
    await book(p, 1, T + 10 * S);
    advanceStreamTime(p, T + 100 * S); // window [T, T+60 s) ends; grace until T+120 s
    await book(p, 1, T + 30 * S, '2026-08-20', '2026-08-21'); // late but inside the grace: counted
    expect(oneMinute(p).map((k) => [k.windowStart, k.bookings, k.final])).toEqual([
      [T, 1, false],
      [T, 2, false],
    ]);
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
});
