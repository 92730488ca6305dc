import { describe, expect, it } from 'vitest';
import {
  decideReservation,
  type InventoryReader,
  type LimitsOf,
  type NightChange,
  planModification,
  planRelease,
  type RoomHolding,
} from '../../../../processors/domain/inventory.js';
import { nightsOf } from '../../../../processors/domain/stay.js';

/** A property's counts in a Map, with the caller applying plans as the inventory processor would. */
class Ledger implements InventoryReader {
  readonly counts = new Map<string, number>();
  sold(roomTypeCode: string, night: string): number {
    return this.counts.get(`${roomTypeCode}|${night}`) ?? 0;
  }
  set(roomTypeCode: string, night: string, sold: number): void {
    this.counts.set(`${roomTypeCode}|${night}`, sold);
  }
  apply(changes: readonly NightChange[]): void {
    for (const c of changes) {
      // A plan is computed against the counts it is applied to: a stale plan would be a bug.
      expect(this.sold(c.roomTypeCode, c.night)).toBe(c.soldBefore);
      this.set(c.roomTypeCode, c.night, c.soldAfter);
    }
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }
}

// STD: 10 rooms and 1 more may be sold; STE: 2 rooms, no overbooking.
const limits: LimitsOf = (code) =>
  code === 'STD' ? { capacity: 10, allowance: 1 } : { capacity: 2, allowance: 0 };

const stay = (roomTypeCode: string, checkIn: string, checkOut: string, rooms = 1): RoomHolding => ({
  roomTypeCode,
  rooms,
  nights: nightsOf(checkIn, checkOut),
});

describe('deciding a reservation', () => {
  it('accepts within capacity and plans one decrement per night', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-15', 4);
    const decision = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-16', 2));
    expect(decision).toEqual({
      outcome: 'ACCEPTED',
      overbookedNights: [],
      changes: [
        {
          roomTypeCode: 'STD',
          night: '2026-03-14',
          soldBefore: 0,
          soldAfter: 2,
          capacity: 10,
          available: 8,
          overbooked: false,
        },
        {
          roomTypeCode: 'STD',
          night: '2026-03-15',
          soldBefore: 4,
          soldAfter: 6,
          capacity: 10,
          available: 4,
          overbooked: false,
        },
      ],
    });
  });

  it('fills exactly to capacity without flagging overbooking', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-14', 9);
    const decision = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-15'));
    expect(decision.outcome).toBe('ACCEPTED');
    expect(decision.changes[0]).toMatchObject({ soldAfter: 10, available: 0, overbooked: false });
  });

  it('accepts beyond capacity within the allowance and names the overbooked nights', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-14', 10);
    ledger.set('STD', '2026-03-15', 7);
    const decision = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-16'));
    expect(decision.outcome).toBe('ACCEPTED');
    if (decision.outcome !== 'ACCEPTED') return;
    expect(decision.overbookedNights).toEqual(['2026-03-14']);
    expect(decision.changes.map((c) => [c.night, c.soldAfter, c.available])).toEqual([
      ['2026-03-14', 11, -1],
      ['2026-03-15', 8, 2],
    ]);
  });

  it('rejects SOLD_OUT beyond the allowance, lists every full night and plans nothing', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-14', 11);
    ledger.set('STD', '2026-03-15', 5);
    ledger.set('STD', '2026-03-16', 10);
    const before = ledger.snapshot();
    const decision = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-17', 2));
    expect(decision).toEqual({ outcome: 'SOLD_OUT', fullNights: ['2026-03-14', '2026-03-16'], changes: [] });
    ledger.apply(decision.changes);
    expect(ledger.snapshot()).toEqual(before);
  });

  it('never overbooks a room type with no allowance', () => {
    const ledger = new Ledger();
    ledger.set('STE', '2026-03-14', 2);
    expect(decideReservation(ledger, limits, stay('STE', '2026-03-14', '2026-03-15')).outcome).toBe(
      'SOLD_OUT',
    );
  });

  it('decides a race for the last room by partition order: the first wins, the second is refused', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-14', 10); // capacity reached: one overbooking slot left
    const first = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-15'));
    ledger.apply(first.changes);
    const second = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-15'));
    ledger.apply(second.changes);
    expect(first.outcome).toBe('ACCEPTED');
    expect(second).toEqual({ outcome: 'SOLD_OUT', fullNights: ['2026-03-14'], changes: [] });
    expect(ledger.sold('STD', '2026-03-14')).toBe(11);
  });

  it('never grants beyond the allowance, whatever the order of many small requests', () => {
    const ledger = new Ledger();
    let accepted = 0;
    for (let i = 0; i < 40; i++) {
      const rooms = (i % 3) + 1;
      const decision = decideReservation(ledger, limits, stay('STD', '2026-03-14', '2026-03-16', rooms));
      ledger.apply(decision.changes);
      if (decision.outcome === 'ACCEPTED') accepted += rooms;
    }
    expect(ledger.sold('STD', '2026-03-14')).toBe(accepted);
    expect(accepted).toBeLessThanOrEqual(11);
    expect(accepted).toBeGreaterThanOrEqual(9); // only a request larger than the rooms left is refused
  });
});

describe('releasing rooms', () => {
  it('gives back every night of a cancelled, rejected or unpaid reservation', () => {
    const ledger = new Ledger();
    const booking = stay('STD', '2026-03-14', '2026-03-17', 2);
    const before = ledger.snapshot();
    ledger.apply(decideReservation(ledger, limits, booking).changes);
    const release = planRelease(ledger, limits, booking);
    expect(release.underflowNights).toEqual([]);
    expect(release.changes.map((c) => [c.night, c.soldBefore, c.soldAfter])).toEqual([
      ['2026-03-14', 2, 0],
      ['2026-03-15', 2, 0],
      ['2026-03-16', 2, 0],
    ]);
    ledger.apply(release.changes);
    expect(Object.values(ledger.snapshot()).every((n) => n === 0)).toBe(true);
    expect(Object.keys(before)).toEqual([]);
  });

  it('stops at zero and reports the nights where more was released than held', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-14', 1);
    const release = planRelease(ledger, limits, stay('STD', '2026-03-14', '2026-03-16', 2));
    expect(release.underflowNights).toEqual(['2026-03-14', '2026-03-15']);
    expect(release.changes.map((c) => c.soldAfter)).toEqual([0, 0]);
  });
});

describe('modifying a reservation', () => {
  it('moves rooms across dates, changing only the nights that differ', () => {
    const ledger = new Ledger();
    const held = stay('STD', '2026-03-14', '2026-03-17'); // 14, 15, 16
    ledger.apply(decideReservation(ledger, limits, held).changes);
    const decision = planModification(ledger, limits, held, stay('STD', '2026-03-16', '2026-03-19')); // 16, 17, 18
    expect(decision.outcome).toBe('ACCEPTED');
    expect(decision.changes.map((c) => [c.night, c.soldBefore, c.soldAfter])).toEqual([
      ['2026-03-14', 1, 0],
      ['2026-03-15', 1, 0],
      ['2026-03-17', 0, 1],
      ['2026-03-18', 0, 1],
    ]);
    ledger.apply(decision.changes);
    expect(ledger.snapshot()).toEqual({
      'STD|2026-03-14': 0,
      'STD|2026-03-15': 0,
      'STD|2026-03-16': 1,
      'STD|2026-03-17': 1,
      'STD|2026-03-18': 1,
    });
  });

  it('lets a guest on the last room move within their own nights (their room is released first)', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-14', 10);
    ledger.set('STD', '2026-03-15', 10);
    const held = stay('STD', '2026-03-14', '2026-03-15');
    ledger.apply(decideReservation(ledger, limits, held).changes); // the 11th room of the 14th
    const decision = planModification(ledger, limits, held, stay('STD', '2026-03-14', '2026-03-16'));
    expect(decision.outcome).toBe('ACCEPTED');
    if (decision.outcome !== 'ACCEPTED') return;
    expect(decision.overbookedNights).toEqual(['2026-03-14', '2026-03-15']);
    expect(decision.changes.map((c) => [c.night, c.soldAfter])).toEqual([['2026-03-15', 11]]);
  });

  it('is all or nothing: a sold-out new night leaves the old nights held and nothing changed', () => {
    const ledger = new Ledger();
    ledger.set('STD', '2026-03-20', 11);
    const held = stay('STD', '2026-03-14', '2026-03-16');
    ledger.apply(decideReservation(ledger, limits, held).changes);
    const before = ledger.snapshot();
    const decision = planModification(ledger, limits, held, stay('STD', '2026-03-19', '2026-03-21'));
    expect(decision).toEqual({ outcome: 'SOLD_OUT', fullNights: ['2026-03-20'], changes: [] });
    ledger.apply(decision.changes);
    expect(ledger.snapshot()).toEqual(before);
  });

  it('moves between room types and changes the room count in one plan', () => {
    const ledger = new Ledger();
    const held = stay('STD', '2026-03-14', '2026-03-16', 2);
    ledger.apply(decideReservation(ledger, limits, held).changes);
    const decision = planModification(ledger, limits, held, stay('STE', '2026-03-15', '2026-03-16', 1));
    expect(decision.changes.map((c) => [c.roomTypeCode, c.night, c.soldBefore, c.soldAfter])).toEqual([
      ['STD', '2026-03-14', 2, 0],
      ['STD', '2026-03-15', 2, 0],
      ['STE', '2026-03-15', 0, 1],
    ]);
    ledger.apply(decision.changes);
    const toMore = planModification(
      ledger,
      limits,
      stay('STE', '2026-03-15', '2026-03-16', 1),
      stay('STE', '2026-03-15', '2026-03-16', 3),
    );
    expect(toMore).toEqual({ outcome: 'SOLD_OUT', fullNights: ['2026-03-15'], changes: [] });
  });

  it('plans no change at all for a modification that keeps the same rooms and nights', () => {
    const ledger = new Ledger();
    const held = stay('STD', '2026-03-14', '2026-03-16');
    ledger.apply(decideReservation(ledger, limits, held).changes);
    const decision = planModification(ledger, limits, held, held);
    expect(decision).toEqual({ outcome: 'ACCEPTED', changes: [], overbookedNights: [] });
  });
});
