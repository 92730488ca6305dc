import { describe, expect, it } from 'vitest';
import { sampleReservationState } from '../../../../bench/serdes/store-serdes-bench.js';
import type { ReservationState } from '../../../../processors/topology/reservation-state.js';
import { reservationStateSerde } from '../../../../processors/topology/reservation-state-serde.js';

const context = { topic: 'app-reservations-changelog', isKey: false };

describe('reservationStateSerde (the reservations store’s Avro layout)', () => {
  it('round-trips a state with every nullable part set, and with every one null', () => {
    const serde = reservationStateSerde();
    const full: ReservationState = {
      ...sampleReservationState(7),
      status: 'CANCELLED',
      cancellation: { free: false, deadline: 1_796_100_000_000, feeMinor: 16_500, refundMinor: 37_950 },
      rejection: 'SOLD_OUT',
      payment: { ...sampleReservationState(7).payment!, authorizationCode: null, refundedMinor: 37_950 },
    };
    const bare: ReservationState = {
      ...sampleReservationState(8),
      status: 'PENDING',
      price: null,
      payment: null,
      cancellation: null,
      rejection: null,
      appliedEventIds: [],
    };
    for (const state of [full, bare]) {
      const bytes = serde.serialize(state, context)!;
      expect(bytes.length).toBeLessThan(Buffer.byteLength(JSON.stringify(state)) / 2);
      expect(serde.deserialize(bytes, context)).toEqual(state);
    }
    expect(serde.serialize(null as unknown as ReservationState, context)).toBeNull();
  });

  it('refuses a state missing a field and bytes of another layout, instead of storing or reading garbage', () => {
    const serde = reservationStateSerde();
    const { guestId: _, ...missing } = sampleReservationState(9);
    expect(() => serde.serialize(missing as ReservationState, context)).toThrow();
    expect(() => serde.deserialize(Buffer.from(JSON.stringify(sampleReservationState(9))), context)).toThrow(
      /layout version 1/,
    );
  });
});
