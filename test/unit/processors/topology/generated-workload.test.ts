/**
 * A generated workload through the whole topology in the test driver: a few thousand creations,
 * cancellations (some while the payment is in flight), modifications, check-ins and payment failures on
 * small hotels that sell out, in a seeded random order. The final state is checked against what the test
 * computes itself from the reservations and from the emitted events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../../../processors/domain/local-date.js';
import { seededRandom } from '../../../../processors/domain/payment/seeded-random.js';
import { overbookingAllowance } from '../../../../processors/domain/reference-data.js';
import { nightsOf } from '../../../../processors/domain/stay.js';
import { type SoldPerDay, storedNights } from '../../../../processors/topology/inventory-store.js';
import type { ReservationState } from '../../../../processors/topology/reservation-state.js';
import type { ReservationCreated } from '../../../../schemas/generated/types.js';
import {
  cancelled,
  catalog,
  checkedIn,
  checkedOut,
  created,
  modified,
  type Pipeline,
  startPipeline,
  stay,
} from './harness.js';

const PROPERTIES = ['TST-INN', 'ZRH-SEEHOF'];
const OPERATIONS = 2500;
const T0 = Date.UTC(2026, 6, 1, 0, 0);

describe('a generated workload through the reservation topology', () => {
  let p: Pipeline;
  const booked: ReservationCreated[] = [];
  const arrived: ReservationCreated[] = [];
  const random = seededRandom(2026);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;
  const between = (low: number, high: number) => low + Math.floor(random.next() * (high - low + 1));
  const randomStay = (propertyId: string) => {
    const roomType = pick(catalog.property(propertyId).roomTypes).code;
    const checkIn = addDays('2026-08-01', between(0, 12));
    return stay(roomType, checkIn, addDays(checkIn, between(1, 4)), between(1, 3));
  };
  const updates: { key: string; roomsReserved: number; delta: number }[] = [];
  const outcomes = new Map<string, string[]>();

  beforeAll(async () => {
    p = await startPipeline();
    let now = T0;
    for (let i = 0; i < OPERATIONS; i++) {
      now += between(1, 30) * 1000;
      const roll = random.next();
      if (roll < 0.55 || booked.length === 0) {
        const propertyId = pick(PROPERTIES);
        const s = randomStay(propertyId);
        const guest = created({
          propertyId,
          roomType: s.roomType,
          checkIn: s.checkInDate,
          checkOut: s.checkOutDate,
          rooms: s.rooms,
          paymentToken: random.next() < 0.1 ? 'tok_decline_0000' : 'tok_visa_4242',
        });
        booked.push(guest);
        p.pipe('reservation.created', guest, now);
      } else if (roll < 0.7) {
        p.pipe('reservation.cancelled', cancelled(pick(booked)), now);
      } else if (roll < 0.85) {
        const guest = pick(booked);
        p.pipe('reservation.modified', modified(guest, randomStay(guest.propertyId)), now);
      } else if (roll < 0.88) {
        const guest = pick(booked);
        p.pipe('reservation.checkin', checkedIn(guest), now);
        if (p.reservation(guest.confirmationNumber)?.status === 'CHECKED_IN') arrived.push(guest);
      } else if (roll < 0.9 && arrived.length > 0) {
        // A check-out, sometimes a night or two early (the unused nights go back).
        const guest = arrived.splice(Math.floor(random.next() * arrived.length), 1)[0]!;
        const stored = p.reservation(guest.confirmationNumber);
        if (stored !== undefined) {
          const early = addDays(stored.stay.checkOutDate, -between(0, 2));
          const checkOutDate = early > stored.stay.checkInDate ? early : stored.stay.checkOutDate;
          p.pipe('reservation.checkout', { ...checkedOut(guest), checkOutDate }, now);
        }
      }
      // The payment worker lags behind: answers arrive a few operations later, so some reservations are
      // cancelled or modified while their payment is still in flight.
      if (random.next() < 0.3) await p.settlePayments(now);
      for (const u of p.read('availability.updated')) {
        updates.push({
          key: `${u.propertyId}|${u.roomType}|${u.stayDate}`,
          roomsReserved: u.roomsReserved,
          delta: u.delta,
        });
      }
      for (const r of p.read('reservation.confirmed')) record(r.confirmationNumber, 'CONFIRMED');
      for (const r of p.read('reservation.rejected')) {
        if (r.refusedAction === null) record(r.confirmationNumber, `REJECTED:${r.reason}`);
      }
    }
    await p.settlePayments(now + 1000);
    for (const r of p.read('reservation.confirmed')) record(r.confirmationNumber, 'CONFIRMED');
    for (const r of p.read('reservation.rejected'))
      if (r.refusedAction === null) record(r.confirmationNumber, `REJECTED:${r.reason}`);
    for (const u of p.read('availability.updated')) {
      updates.push({
        key: `${u.propertyId}|${u.roomType}|${u.stayDate}`,
        roomsReserved: u.roomsReserved,
        delta: u.delta,
      });
    }
  }, 60_000);
  afterAll(async () => {
    await p.close();
  });

  function record(confirmationNumber: string, outcome: string) {
    outcomes.set(confirmationNumber, [...(outcomes.get(confirmationNumber) ?? []), outcome]);
  }

  const states = () =>
    booked
      .map((b) => p.reservation(b.confirmationNumber))
      .filter((s): s is ReservationState => s !== undefined);

  it('exercised every path: sell-outs, overbooking, payment failures, cancellations, modifications', () => {
    const all = states();
    const count = (status: string) => all.filter((s) => s.status === status).length;
    expect(booked.length).toBeGreaterThan(1000);
    expect(count('CONFIRMED')).toBeGreaterThan(50);
    expect(count('CANCELLED')).toBeGreaterThan(50);
    expect(count('CHECKED_OUT')).toBeGreaterThan(5); // checked in, then out (some early)
    expect(all.filter((s) => s.rejection === 'SOLD_OUT').length).toBeGreaterThan(50);
    expect(all.filter((s) => s.rejection === 'PAYMENT_FAILED').length).toBeGreaterThan(10);
    expect(p.driver.producedTopicNames().has('availability.overbooked')).toBe(true);
  });

  it('leaves availability equal to capacity minus the rooms of the reservations that still hold them', () => {
    const expected = new Map<string, number>();
    for (const s of states()) {
      if (s.status === 'REJECTED' || s.status === 'CANCELLED') continue;
      for (const night of nightsOf(s.stay.checkInDate, s.stay.checkOutDate)) {
        const key = `${s.propertyId}|${s.stay.roomType}|${night}`;
        expected.set(key, (expected.get(key) ?? 0) + s.stay.rooms);
      }
    }
    const actual = new Map<string, number>();
    const iterator = p.driver.getKeyValueStore<string, SoldPerDay>('inventory').all();
    for (const [key, value] of storedNights(iterator)) if (value !== 0) actual.set(key, value);
    iterator.close();
    expect(actual).toEqual(expected);
  });

  it('never sold a night beyond capacity plus the allowance, at any point', () => {
    const running = new Map<string, number>();
    for (const u of updates) {
      const [propertyId, roomType] = u.key.split('|') as [string, string];
      const property = catalog.property(propertyId);
      const type = catalog.roomType(propertyId, roomType);
      const next = (running.get(u.key) ?? 0) + u.delta;
      expect(next).toBe(u.roomsReserved); // the events alone replay to the same counts
      expect(next).toBeGreaterThanOrEqual(0);
      expect(next).toBeLessThanOrEqual(type.capacity + overbookingAllowance(property, type));
      running.set(u.key, next);
    }
  });

  it('brought every reservation to exactly one decision, and no payment is left undecided', () => {
    for (const b of booked) {
      const state = p.reservation(b.confirmationNumber)!;
      const decisions = outcomes.get(b.confirmationNumber) ?? [];
      if (state.status === 'CANCELLED' && decisions.length === 0) continue; // cancelled while pending
      expect(decisions, b.confirmationNumber).toHaveLength(1);
      if (state.status === 'REJECTED') expect(decisions[0]).toBe(`REJECTED:${state.rejection}`);
      else expect(decisions[0]).toBe('CONFIRMED');
    }
    expect(states().filter((s) => s.status === 'PENDING')).toEqual([]);
  });
});
