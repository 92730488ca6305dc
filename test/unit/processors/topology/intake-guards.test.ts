import { afterEach, describe, expect, it } from 'vitest';
import { checkedIn, checkedOut, created, type Pipeline, startPipeline } from './harness.js';

const pipelines: Pipeline[] = [];
async function start(): Promise<Pipeline> {
  const p = await startPipeline();
  pipelines.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

const T = Date.UTC(2026, 6, 1, 12, 0);

// What the API's Idempotency-Key relies on: a retry after a crash produces the same reservation.created
// again (same confirmation number, same event id), and the topology books it once.
describe('the intake refuses a second creation of a confirmation number', () => {
  it('applies a creation re-produced by a retry once, even after the reservation was confirmed', async () => {
    const p = await start();
    const guest = created();
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T + 1);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CONFIRMED');
    p.read('availability.updated');
    p.pipe('reservation.created', guest, T + 5_000);
    expect(p.readRequests()).toEqual([]);
    expect(p.read('availability.updated')).toEqual([]);
    expect(p.read('reservation.rejected')).toEqual([]);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CONFIRMED');
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(1);
  });

  it('drops a second creation with the same confirmation number and another event id or stay', async () => {
    const p = await start();
    const guest = created();
    p.pipe('reservation.created', guest, T);
    const other = created({
      confirmationNumber: guest.confirmationNumber,
      checkIn: '2026-09-01',
      checkOut: '2026-09-03',
    });
    p.pipe('reservation.created', other, T + 1);
    expect(p.readRequests()).toHaveLength(1);
    expect(p.reservation(guest.confirmationNumber)?.stay.checkInDate).toBe('2026-08-10');
    expect(p.sold('TST-INN', 'STD', '2026-09-01')).toBe(0);
  });
});

describe('the intake checks the dates of a check-in and a check-out', () => {
  async function confirmed() {
    const p = await start();
    const guest = created({ checkIn: '2026-08-10', checkOut: '2026-08-13' });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T + 1);
    p.read('availability.updated');
    return { p, guest };
  }

  it('refuses a check-in dated before the arrival date and changes nothing', async () => {
    const { p, guest } = await confirmed();
    p.pipe('reservation.checkin', { ...checkedIn(guest), checkInDate: '2026-03-23' }, T + 2);
    expect(p.read('reservation.rejected')).toEqual([
      expect.objectContaining({
        reason: 'INVALID_REQUEST',
        currentStatus: 'CONFIRMED',
        refusedAction: 'ReservationCheckedIn',
        detail: expect.stringMatching(/^CHECK_IN_OUTSIDE_WINDOW: /),
      }),
    ]);
    expect(p.reservation(guest.confirmationNumber)?.status).toBe('CONFIRMED');
  });

  it('refuses a check-out on the arrival date (no night) and keeps the stay and its nights', async () => {
    const { p, guest } = await confirmed();
    p.pipe('reservation.checkin', checkedIn(guest), T + 2);
    p.pipe('reservation.checkout', { ...checkedOut(guest), checkOutDate: '2026-08-10' }, T + 3);
    expect(p.read('reservation.rejected')).toEqual([
      expect.objectContaining({
        reason: 'INVALID_REQUEST',
        currentStatus: 'CHECKED_IN',
        detail: expect.stringMatching(/^CHECK_OUT_BEFORE_CHECK_IN: /),
      }),
    ]);
    expect(p.read('availability.updated')).toEqual([]);
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CHECKED_IN',
      stay: { checkOutDate: '2026-08-13', nights: 3 },
    });
  });

  it('shortens the stay of an early check-out and gives back the unused nights', async () => {
    const { p, guest } = await confirmed();
    p.pipe('reservation.checkin', checkedIn(guest), T + 2);
    p.pipe('reservation.checkout', { ...checkedOut(guest), checkOutDate: '2026-08-11' }, T + 3);
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CHECKED_OUT',
      stay: { checkInDate: '2026-08-10', checkOutDate: '2026-08-11', nights: 1 },
    });
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(1);
    expect(p.sold('TST-INN', 'STD', '2026-08-11')).toBe(0);
    expect(p.sold('TST-INN', 'STD', '2026-08-12')).toBe(0);
  });
});
