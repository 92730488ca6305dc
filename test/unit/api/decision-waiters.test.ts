import { afterEach, describe, expect, it, vi } from 'vitest';
import { decisionOf } from '../../../api/reservations/decision-feed.js';
import { DecisionWaiters } from '../../../api/reservations/decision-waiters.js';
import type { ReservationRejected } from '../../../schemas/generated/types.js';

describe('DecisionWaiters', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('completes every request waiting for a confirmation number when its decision is pushed', async () => {
    const waiters = new DecisionWaiters();
    const first = waiters.wait('RSV-1', 1_000);
    const second = waiters.wait('RSV-1', 1_000);
    const other = waiters.wait('RSV-2', 50);
    expect(waiters.waiting).toBe(3);
    waiters.decide('RSV-1', { status: 'CONFIRMED', detail: null });
    await expect(first).resolves.toEqual({ status: 'CONFIRMED', detail: null });
    await expect(second).resolves.toEqual({ status: 'CONFIRMED', detail: null });
    await expect(other).resolves.toBeUndefined();
    expect(waiters.waiting).toBe(0);
    expect(waiters.stats).toEqual({ pushed: 2, timedOut: 1, overflowed: 0 });
  });

  it('answers a request that registers after its decision went by from the recent decisions', async () => {
    const waiters = new DecisionWaiters({ recentDecisions: 2 });
    waiters.decide('RSV-1', { status: 'REJECTED', detail: 'SOLD_OUT' });
    waiters.decide('RSV-2', { status: 'CONFIRMED', detail: null });
    await expect(waiters.wait('RSV-1', 10)).resolves.toEqual({ status: 'REJECTED', detail: 'SOLD_OUT' });
    waiters.decide('RSV-3', { status: 'CONFIRMED', detail: null });
    // Only the last two decisions are kept: RSV-1 is forgotten and waits out its bound.
    await expect(waiters.wait('RSV-1', 10)).resolves.toBeUndefined();
  });

  it('keeps at most maxWaiters requests waiting; the next one answers at once, undecided', async () => {
    vi.useFakeTimers();
    const waiters = new DecisionWaiters({ maxWaiters: 2 });
    const held = [waiters.wait('RSV-1', 60_000), waiters.wait('RSV-2', 60_000)];
    await expect(waiters.wait('RSV-3', 60_000)).resolves.toBeUndefined();
    expect(waiters.stats.overflowed).toBe(1);
    waiters.close();
    await expect(Promise.all(held)).resolves.toEqual([undefined, undefined]);
    expect(waiters.waiting).toBe(0);
  });
});

describe('DecisionWaiters.answer and close', () => {
  it('answers waiting requests with a looked-up status without announcing, remembering or counting it', async () => {
    const waiters = new DecisionWaiters();
    const heard: string[] = [];
    waiters.onDecision((number) => heard.push(number));
    const waiting = waiters.wait('RSV-1', 1_000);
    waiters.answer('RSV-1', { status: 'CANCELLED', detail: null });
    await expect(waiting).resolves.toEqual({ status: 'CANCELLED', detail: null });
    expect(heard).toEqual([]);
    expect(waiters.stats.pushed).toBe(0);
    expect(waiters.waiting).toBe(0);
    // Not remembered: a later wait on the number waits for a decision.
    await expect(waiters.wait('RSV-1', 10)).resolves.toBeUndefined();
  });

  it('answers a wait that starts after close at once, undecided', async () => {
    const waiters = new DecisionWaiters();
    waiters.close();
    const started = Date.now();
    await expect(waiters.wait('RSV-1', 60_000)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('decisionOf', () => {
  const rejected = (patch: Partial<ReservationRejected>): ReservationRejected => ({
    eventId: 'e',
    eventType: 'ReservationRejected',
    occurredAt: 0,
    confirmationNumber: 'RSV-1',
    propertyId: 'P',
    stayDetails: {} as ReservationRejected['stayDetails'],
    reason: 'SOLD_OUT',
    fullNights: [],
    currentStatus: 'REJECTED',
    refusedAction: null,
    detail: null,
    ...patch,
  });

  it('reads a confirmation and a refused reservation as decisions, with the sink’s detail text', () => {
    expect(decisionOf('reservation.confirmed', {} as never)).toEqual({ status: 'CONFIRMED', detail: null });
    expect(decisionOf('reservation.rejected', rejected({ detail: 'no rooms on 2027-01-15' }))).toEqual({
      status: 'REJECTED',
      detail: 'SOLD_OUT: no rooms on 2027-01-15',
    });
  });

  it('does not read a refused command as a decision on the reservation', () => {
    const refusedCancel = rejected({
      reason: 'INVALID_TRANSITION',
      currentStatus: 'CHECKED_OUT',
      refusedAction: 'ReservationCancelled',
    });
    expect(decisionOf('reservation.rejected', refusedCancel)).toBeUndefined();
    expect(decisionOf('reservation.rejected', rejected({ currentStatus: null }))).toBeUndefined();
  });
});
