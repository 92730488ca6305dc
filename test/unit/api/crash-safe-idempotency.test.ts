import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PENDING_LEASE_SECONDS } from '../../../api/reservations/idempotency.js';
import type { ReservationCancelled, ReservationCreated } from '../../../schemas/generated/types.js';
import { waitFor } from '../../support/wait-for.js';
import { booking, NOW, type TestApp, testApp } from './test-app.js';

// The request whose process dies after its event reached the broker: the client cannot know whether it
// was booked, and retries. The retry must end with the same reservation, never a second one.
describe('Idempotency-Key across a crash', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.app.close();
  });

  const create = (key: string, body = booking()) =>
    t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.bookingKey, 'idempotency-key': key },
      payload: body,
    });

  it('answers a retry during the lease with 409 and Retry-After, then re-produces the same event and answers with its reservation', async () => {
    t.publisher.dieAfterNext = true;
    void create('crash-1'); // never answers: its process "died" after producing
    await waitFor(() => t.publisher.events.length === 1, {
      intervalMs: 5,
      description: 'the event produced',
    });
    const produced = t.publisher.events[0]?.value as ReservationCreated;

    const during = await create('crash-1');
    expect(during.statusCode).toBe(409);
    expect(during.json()).toMatchObject({ code: 'API_ERR_IDEMPOTENCY_CONFLICT', retriable: true });
    expect(Number(during.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(during.headers['retry-after'])).toBeLessThanOrEqual(PENDING_LEASE_SECONDS);

    t.clock.now = NOW + PENDING_LEASE_SECONDS * 1000 + 1;
    const after = await create('crash-1');
    expect(after.statusCode).toBe(201);
    expect(after.json()).toMatchObject({
      confirmationNumber: produced.confirmationNumber,
      eventId: produced.eventId,
    });
    // The retry produced the very same event (the topology drops it as a replay), not a new booking.
    expect(t.publisher.events).toHaveLength(2);
    expect(t.publisher.events[1]?.value).toEqual(produced);
    expect(t.publisher.events[1]?.timestamp).toBe(t.publisher.events[0]?.timestamp);
    // And from now on the answer is replayed.
    const again = await create('crash-1');
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().confirmationNumber).toBe(produced.confirmationNumber);
    expect(t.publisher.events).toHaveLength(2);
  });

  it('retries a failed produce with the same confirmation number and event id', async () => {
    const { UnavailableError } = await import('../../../api/errors.js');
    t.publisher.failNext = new UnavailableError('Kafka');
    expect((await create('fail-1')).statusCode).toBe(503);
    const retried = await create('fail-1');
    expect(retried.statusCode).toBe(201);
    // The failed attempt had already taken number 1: the retry reuses it rather than taking number 2.
    expect(retried.json().confirmationNumber).toMatch(/-000001$/);
    expect((await create('other')).json().confirmationNumber).toMatch(/-000002$/);
  });

  it('binds the event id of a command too, so a retried cancellation is the same event', async () => {
    const number = (await create('book-1')).json().confirmationNumber;
    const cancel = () =>
      t.app.inject({
        method: 'POST',
        url: `/reservations/${number}/cancel`,
        headers: { 'x-api-key': t.bookingKey, 'idempotency-key': 'cancel-1' },
        payload: {},
      });
    t.publisher.dieAfterNext = true;
    void cancel();
    // Its claim and event exist before the clock moves past the lease (a fixed pause was too short under load).
    await waitFor(() => t.publisher.events.some((e) => e.topic === 'reservation.cancelled'), {
      intervalMs: 5,
      description: 'the cancellation produced',
    });
    const first = t.publisher.events.at(-1)?.value as ReservationCancelled;
    t.clock.now = NOW + PENDING_LEASE_SECONDS * 1000 + 1;
    const retried = await cancel();
    // The dead attempt never recorded its cancellation, so the retry produces it again: the same event,
    // which the topology applies once (it remembers applied event ids).
    expect(retried.statusCode).toBe(202);
    expect(retried.json().eventId).toBe(first.eventId);
    const cancellations = t.publisher.events.filter((e) => e.topic === 'reservation.cancelled');
    expect(cancellations.map((e) => e.value)).toEqual([first, first]);
  });
});
