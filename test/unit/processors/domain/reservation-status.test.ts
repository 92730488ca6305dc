import { describe, expect, it } from 'vitest';
import {
  holdsInventory,
  isFinal,
  RESERVATION_STATUSES,
  type ReservationAction,
  type ReservationStatus,
  transition,
} from '../../../../processors/domain/reservation-status.js';

const ACTIONS: ReservationAction[] = ['CONFIRM', 'REJECT', 'CANCEL', 'CHECK_IN', 'CHECK_OUT', 'MODIFY'];

describe('reservation status machine', () => {
  it('allows exactly the transitions of the lifecycle', () => {
    const allowed: string[] = [];
    for (const from of RESERVATION_STATUSES) {
      for (const action of ACTIONS) {
        const result = transition(from, action);
        if (result.ok) allowed.push(`${from} -${action}-> ${result.to}`);
      }
    }
    expect(allowed).toEqual([
      'PENDING -CONFIRM-> CONFIRMED',
      'PENDING -REJECT-> REJECTED',
      'PENDING -CANCEL-> CANCELLED',
      'CONFIRMED -CANCEL-> CANCELLED',
      'CONFIRMED -CHECK_IN-> CHECKED_IN',
      'CONFIRMED -MODIFY-> CONFIRMED',
      'CHECKED_IN -CHECK_OUT-> CHECKED_OUT',
    ]);
  });

  it('refuses a nonsensical transition with a reason instead of throwing', () => {
    expect(transition('CHECKED_OUT', 'CANCEL')).toEqual({
      ok: false,
      from: 'CHECKED_OUT',
      action: 'CANCEL',
      code: 'FINAL_STATUS',
      reason: 'cannot cancel a reservation that is CHECKED_OUT: CHECKED_OUT is final',
    });
    expect(transition('CHECKED_IN', 'CANCEL')).toEqual({
      ok: false,
      from: 'CHECKED_IN',
      action: 'CANCEL',
      code: 'NOT_ALLOWED',
      reason:
        'cannot cancel a reservation that is CHECKED_IN: only a PENDING or CONFIRMED reservation can be cancelled; ' +
        'a stay that has begun is checked out instead',
    });
    const early = transition('PENDING', 'CHECK_IN');
    expect(early.ok ? '' : early.reason).toBe(
      'cannot check in a reservation that is PENDING: only a CONFIRMED reservation can check in',
    );
  });

  it('marks a replayed event as ALREADY_IN_STATE so it can be ignored', () => {
    const again = transition('CONFIRMED', 'CONFIRM');
    expect(again).toMatchObject({
      ok: false,
      code: 'ALREADY_IN_STATE',
      reason: 'reservation is already CONFIRMED',
    });
    expect(transition('CANCELLED', 'CANCEL')).toMatchObject({ ok: false, code: 'ALREADY_IN_STATE' });
  });

  it('lets nothing leave a final status', () => {
    for (const from of RESERVATION_STATUSES.filter(isFinal)) {
      for (const action of ACTIONS) expect(transition(from, action).ok).toBe(false);
    }
    expect(RESERVATION_STATUSES.filter(isFinal)).toEqual(['REJECTED', 'CANCELLED', 'CHECKED_OUT']);
  });

  it('says which statuses hold rooms', () => {
    const holding = RESERVATION_STATUSES.filter((s: ReservationStatus) => holdsInventory(s));
    expect(holding).toEqual(['PENDING', 'CONFIRMED', 'CHECKED_IN', 'CHECKED_OUT']);
  });
});
