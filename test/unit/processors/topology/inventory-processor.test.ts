import { afterEach, describe, expect, it } from 'vitest';
import {
  cancelled,
  checkedIn,
  checkedOut,
  created,
  modified,
  type Pipeline,
  startPipeline,
  stay,
} from './harness.js';

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

describe('inventory processor (test driver)', () => {
  it('takes one room per night and announces availability per night', async () => {
    const p = await start();
    p.pipe('reservation.created', created({ checkIn: '2026-08-10', checkOut: '2026-08-12', rooms: 2 }), T);
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(2);
    expect(p.sold('TST-INN', 'STD', '2026-08-11')).toBe(2);
    expect(p.sold('TST-INN', 'STD', '2026-08-12')).toBe(0);
    const updates = p.read('availability.updated');
    expect(updates.map((u) => [u.stayDate, u.roomsReserved, u.roomsAvailable, u.delta, u.cause])).toEqual([
      ['2026-08-10', 2, 2, 2, 'RESERVATION_CREATED'],
      ['2026-08-11', 2, 2, 2, 'RESERVATION_CREATED'],
    ]);
    expect(updates[0]).toMatchObject({
      capacity: 4,
      overbookingAllowance: 1,
      occurredAt: T,
      propertyId: 'TST-INN',
    });
    expect(p.read('availability.overbooked')).toEqual([]);
  });

  it('accepts within the allowance and raises availability.overbooked for that night only', async () => {
    const p = await start();
    p.pipe('reservation.created', created({ checkIn: '2026-08-10', checkOut: '2026-08-11', rooms: 4 }), T);
    const fifth = created({ checkIn: '2026-08-10', checkOut: '2026-08-12', rooms: 1 });
    p.pipe('reservation.created', fifth, T + 1);
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(5);
    expect(p.read('availability.overbooked')).toEqual([
      {
        eventId: `${fifth.eventId}:overbooked:STD:2026-08-10`,
        eventType: 'AvailabilityOverbooked',
        occurredAt: T + 1,
        propertyId: 'TST-INN',
        roomType: 'STD',
        stayDate: '2026-08-10',
        capacity: 4,
        overbookingAllowance: 1,
        roomsReserved: 5,
        overbookedBy: 1,
        confirmationNumber: fifth.confirmationNumber,
      },
    ]);
    expect(p.reservation(fifth.confirmationNumber)?.status).toBe('PENDING');
  });

  it('rejects SOLD_OUT beyond the allowance with the full nights, and takes nothing', async () => {
    const p = await start();
    p.pipe('reservation.created', created({ checkIn: '2026-08-11', checkOut: '2026-08-12', rooms: 5 }), T);
    p.read('availability.updated');
    const late = created({ checkIn: '2026-08-10', checkOut: '2026-08-13', rooms: 1 });
    p.pipe('reservation.created', late, T + 1);
    expect(p.read('availability.updated')).toEqual([]);
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(0);
    expect(p.sold('TST-INN', 'STD', '2026-08-11')).toBe(5);
    const [rejection] = p.read('reservation.rejected');
    expect(rejection).toMatchObject({
      confirmationNumber: late.confirmationNumber,
      reason: 'SOLD_OUT',
      fullNights: ['2026-08-11'],
      currentStatus: 'REJECTED',
      refusedAction: null,
    });
    expect(p.reservation(late.confirmationNumber)).toMatchObject({
      status: 'REJECTED',
      rejection: 'SOLD_OUT',
    });
    expect(p.readRequests()).toHaveLength(1); // only the first reservation asked for payment
  });

  it('decides a race for the last room by partition order', async () => {
    const p = await start();
    p.pipe('reservation.created', created({ roomType: 'STE', rooms: 1 }), T);
    const first = created({ roomType: 'STE', rooms: 1 });
    const second = created({ roomType: 'STE', rooms: 1 });
    p.pipe('reservation.created', first, T + 1);
    p.pipe('reservation.created', second, T + 1);
    expect(p.reservation(first.confirmationNumber)?.status).toBe('PENDING');
    expect(p.reservation(second.confirmationNumber)?.status).toBe('REJECTED');
    expect(p.sold('TST-INN', 'STE', '2026-08-10')).toBe(2);
    expect(p.read('reservation.rejected').map((r) => r.confirmationNumber)).toEqual([
      second.confirmationNumber,
    ]);
  });

  it('moves a modified stay across dates in one step and refuses a sold-out move without changing anything', async () => {
    const p = await start();
    const guest = created({ checkIn: '2026-08-10', checkOut: '2026-08-13' });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T + 1);
    p.read('availability.updated');

    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-12', '2026-08-15')), T + 2);
    expect(p.read('availability.updated').map((u) => [u.stayDate, u.delta, u.cause])).toEqual([
      ['2026-08-10', -1, 'RESERVATION_MODIFIED'],
      ['2026-08-11', -1, 'RESERVATION_MODIFIED'],
      ['2026-08-13', 1, 'RESERVATION_MODIFIED'],
      ['2026-08-14', 1, 'RESERVATION_MODIFIED'],
    ]);
    expect(p.reservation(guest.confirmationNumber)?.stay).toEqual(stay('STD', '2026-08-12', '2026-08-15'));

    p.pipe(
      'reservation.created',
      created({ checkIn: '2026-08-20', checkOut: '2026-08-21', rooms: 5 }),
      T + 3,
    );
    p.read('availability.updated');
    const before = [12, 13, 14, 20].map((d) => p.sold('TST-INN', 'STD', `2026-08-${d}`));
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-19', '2026-08-21')), T + 4);
    expect([12, 13, 14, 20].map((d) => p.sold('TST-INN', 'STD', `2026-08-${d}`))).toEqual(before);
    expect(p.read('availability.updated')).toEqual([]);
    expect(p.read('reservation.rejected').at(-1)).toMatchObject({
      reason: 'SOLD_OUT',
      fullNights: ['2026-08-20'],
      currentStatus: 'CONFIRMED',
      refusedAction: 'ReservationModified',
    });
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CONFIRMED',
      stay: stay('STD', '2026-08-12', '2026-08-15'),
    });
  });

  it('gives the rooms back on cancellation', async () => {
    const p = await start();
    const guest = created({ rooms: 3 });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.read('availability.updated');
    p.pipe('reservation.cancelled', cancelled(guest), T + 5);
    expect(p.sold('TST-INN', 'STD', '2026-08-10')).toBe(0);
    expect(
      p.read('availability.updated').map((u) => [u.stayDate, u.delta, u.cause, u.roomsAvailable]),
    ).toEqual([
      ['2026-08-10', -3, 'RESERVATION_CANCELLED', 4],
      ['2026-08-11', -3, 'RESERVATION_CANCELLED', 4],
    ]);
  });

  it('gives back the unused nights of an early departure', async () => {
    const p = await start();
    const guest = created({ rooms: 2, checkIn: '2026-08-10', checkOut: '2026-08-14' });
    p.pipe('reservation.created', guest, T);
    await p.settlePayments(T);
    p.pipe('reservation.checkin', checkedIn(guest), Date.UTC(2026, 7, 10, 15, 0));
    p.read('availability.updated');
    p.pipe(
      'reservation.checkout',
      { ...checkedOut(guest), checkOutDate: '2026-08-12' },
      Date.UTC(2026, 7, 12, 9, 0),
    );
    expect(p.read('availability.updated').map((u) => [u.stayDate, u.delta, u.cause])).toEqual([
      ['2026-08-12', -2, 'OTHER'],
      ['2026-08-13', -2, 'OTHER'],
    ]);
    expect(p.reservation(guest.confirmationNumber)).toMatchObject({
      status: 'CHECKED_OUT',
      stay: stay('STD', '2026-08-10', '2026-08-12', 2),
    });
  });

  it('keeps the counts in RocksDB stores as well', async () => {
    const p = await start({ persistentStores: true });
    p.pipe('reservation.created', created({ rooms: 2 }), T);
    expect(p.sold('TST-INN', 'STD', '2026-08-11')).toBe(2);
    expect(p.driver.getStateStore('inventory').persistent).toBe(true);
  });
});
