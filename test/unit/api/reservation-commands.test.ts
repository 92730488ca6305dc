import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReservationCancelled, ReservationModified } from '../../../schemas/generated/types.js';
import { booking, NOW, type TestApp, testApp } from './test-app.js';

describe('commands on a reservation', () => {
  let t: TestApp;
  let number: string;
  beforeAll(async () => {
    t = await testApp();
    const created = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.bookingKey },
      payload: booking({ checkInDate: '2026-05-10', checkOutDate: '2026-05-12' }),
    });
    number = created.json().confirmationNumber;
  });
  afterAll(async () => {
    await t.app.close();
  });

  const send = (
    method: 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: { 'x-api-key': t.bookingKey, ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('modifies: 202 and reservation.modified with the previous and the new stay, keyed by property', async () => {
    const count = t.publisher.events.length;
    const response = await send('PATCH', `/reservations/${number}`, { checkOutDate: '2026-05-14' });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ confirmationNumber: number, requested: 'MODIFY' });
    const event = t.publisher.events[count];
    expect(event?.topic).toBe('reservation.modified');
    expect(event?.key).toBe('LIS-ALFAMA');
    const value = event?.value as ReservationModified;
    expect(value.previousStayDetails).toMatchObject({ checkOutDate: '2026-05-12', nights: 2 });
    expect(value.stayDetails).toMatchObject({ checkOutDate: '2026-05-14', nights: 4 });
    expect(value.pricingDetails.totalAmount).toEqual({ amount: '516.00', currency: 'EUR' });
  });

  it.each([
    ['an empty change', {}, 400],
    ['an unknown field', { nights: 3 }, 400],
    ['dates out of order', { checkOutDate: '2026-05-01' }, 422],
    ['an unknown room type', { roomType: 'ROOF' }, 422],
  ])('refuses a modification with %s, producing nothing', async (_what, body, status) => {
    const count = t.publisher.events.length;
    const response = await send('PATCH', `/reservations/${number}`, body);
    expect(response.statusCode).toBe(status);
    expect(t.publisher.events).toHaveLength(count);
  });

  it('refuses a malformed confirmation number with 400 and an unknown one with 404', async () => {
    expect((await send('POST', '/reservations/RSV-26-1/cancel', {})).statusCode).toBe(400);
    const unknown = await send('POST', '/reservations/RSV-2026-999999/cancel', {});
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('API_ERR_NOT_FOUND');
  });

  it('checks in: reservation.checkin with the rooms, dated in the property time zone', async () => {
    t.ledger.decide(number, 'CONFIRMED');
    const count = t.publisher.events.length;
    // 23:30 UTC on the eve of arrival is already the arrival date in Lisbon (UTC+1 in May).
    t.clock.now = Date.UTC(2026, 4, 9, 23, 30);
    try {
      const response = await send('POST', `/reservations/${number}/check-in`, { roomNumbers: ['204'] });
      expect(response.statusCode).toBe(202);
    } finally {
      t.clock.now = NOW;
    }
    expect(t.publisher.events[count]).toMatchObject({
      topic: 'reservation.checkin',
      key: 'LIS-ALFAMA',
      value: { confirmationNumber: number, roomNumbers: ['204'], checkInDate: '2026-05-10' },
    });
  });

  it('refuses a check-in without rooms with 400', async () => {
    expect((await send('POST', `/reservations/${number}/check-in`, { roomNumbers: [] })).statusCode).toBe(
      400,
    );
  });

  it('checks out with no body: reservation.checkout dated today at the property', async () => {
    const count = t.publisher.events.length;
    // Two days before the booked 05-14: an early departure.
    t.clock.now = Date.UTC(2026, 4, 12, 9);
    try {
      const response = await send('POST', `/reservations/${number}/check-out`);
      expect(response.statusCode).toBe(202);
    } finally {
      t.clock.now = NOW;
    }
    expect(t.publisher.events[count]).toMatchObject({
      topic: 'reservation.checkout',
      value: { confirmationNumber: number, checkOutDate: '2026-05-12', finalAmount: null },
    });
  });

  it('refuses to cancel a checked-out stay with 409 and produces nothing', async () => {
    const count = t.publisher.events.length;
    const response = await send('POST', `/reservations/${number}/cancel`, { reason: 'GUEST_REQUEST' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'API_ERR_INVALID_TRANSITION' });
    expect(t.publisher.events).toHaveLength(count);
  });

  it('cancels: reservation.cancelled with the stay, previous status and a free cancellation well ahead', async () => {
    const other = (
      await send('POST', '/reservations', booking({ checkInDate: '2026-06-01', checkOutDate: '2026-06-03' }))
    ).json().confirmationNumber;
    const count = t.publisher.events.length;
    const response = await send('POST', `/reservations/${other}/cancel`);
    expect(response.statusCode).toBe(202);
    const value = t.publisher.events[count]?.value as ReservationCancelled;
    expect(value).toMatchObject({
      confirmationNumber: other,
      previousStatus: 'PENDING',
      reason: 'GUEST_REQUEST',
      withinFreeCancellation: true,
      cancellationFee: { amount: '0.00', currency: 'EUR' },
      stayDetails: { checkInDate: '2026-06-01', nights: 2 },
    });
    // 48 h before a 15:00 check-in in Lisbon (UTC+1 in summer time): 2026-05-30T14:00Z.
    expect(value.freeCancellationDeadline).toBe(Date.UTC(2026, 4, 30, 14));
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer, 422s a reused key, and scopes keys per API key', async () => {
    const t = await testApp();
    try {
      const post = (key: string, body: unknown) =>
        t.app.inject({
          method: 'POST',
          url: '/reservations',
          headers: { 'x-api-key': key, 'idempotency-key': 'abc-1' },
          payload: body as object,
        });
      const first = await post(t.bookingKey, booking());
      const again = await post(t.bookingKey, booking());
      expect(again.json()).toEqual(first.json());
      expect(again.statusCode).toBe(201);
      expect(again.headers.location).toBe(first.headers.location);
      expect(t.publisher.events).toHaveLength(1);
      expect((await post(t.bookingKey, booking({ rooms: 2 }))).statusCode).toBe(422);
      // Another client with the same key string gets its own reservation.
      const other = await post(t.operatorKey, booking());
      expect(other.json().confirmationNumber).not.toBe(first.json().confirmationNumber);
      expect(t.publisher.events).toHaveLength(2);
      // A refused request is refused again the same way, still producing nothing.
      const refused = await t.app.inject({
        method: 'POST',
        url: '/reservations',
        headers: { 'x-api-key': t.bookingKey, 'idempotency-key': 'bad-1' },
        payload: booking({ propertyId: 'NOWHERE' }),
      });
      const refusedAgain = await t.app.inject({
        method: 'POST',
        url: '/reservations',
        headers: { 'x-api-key': t.bookingKey, 'idempotency-key': 'bad-1' },
        payload: booking({ propertyId: 'NOWHERE' }),
      });
      expect(refused.statusCode).toBe(422);
      expect(refusedAgain.statusCode).toBe(422);
      expect(refusedAgain.json().message).toBe(refused.json().message);
      expect(t.publisher.events).toHaveLength(2);
    } finally {
      await t.app.close();
    }
  });

  it('frees the key after a server error so the retry runs again', async () => {
    const t = await testApp();
    try {
      const { UnavailableError } = await import('../../../api/errors.js');
      t.publisher.failNext = new UnavailableError('Kafka');
      const post = () =>
        t.app.inject({
          method: 'POST',
          url: '/reservations',
          headers: { 'x-api-key': t.bookingKey, 'idempotency-key': 'k-503' },
          payload: booking(),
        });
      expect((await post()).statusCode).toBe(503);
      expect((await post()).statusCode).toBe(201);
      expect(t.publisher.events).toHaveLength(1);
    } finally {
      await t.app.close();
    }
  });
});
