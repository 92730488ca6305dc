/**
 * Ownership through the running application on the real stack (topology, payment worker, sink, API): a
 * reservation belongs to the client that booked it. Another booking client gets the 404 of an unknown
 * number on every route and changes nothing; the owner and an operator go through. The stay arrives
 * today at the property, so a check-in and an (early) check-out are within the stay rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedDate } from '../../../processors/domain/timezone.js';
import { readAll, uniqueName, waitFor } from '../../support/index.js';
import { startTestInstance, type TestInstance } from './api-instance.js';

const TIME_ZONE = 'Europe/Lisbon';
const today = () => zonedDate(Date.now(), TIME_ZONE);
const plus = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('a reservation belongs to the client that booked it', () => {
  let t: TestInstance;
  let owner: string;
  let other: string;
  let operator: string;

  beforeAll(async () => {
    t = await startTestInstance({
      APPLICATION_ID: uniqueName('it-owner'),
      RUN_STREAMS: 'true',
      RUN_PAYMENT_WORKER: 'true',
      WAIT_TIMEOUT_MS: '20000',
      RATE_LIMIT_MAX: '100000',
    });
    owner = await t.api.apiKeys.create('it-owner-site', 'booking');
    other = await t.api.apiKeys.create('it-other-site', 'booking');
    operator = await t.api.apiKeys.create('it-front-desk', 'operator');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (key: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.api.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });
  const book = async (checkInDate: string, nights: number) => {
    const response = await call(owner, 'POST', '/reservations?wait=true', {
      propertyId: 'LIS-ALFAMA',
      roomType: 'SUP',
      checkInDate,
      checkOutDate: plus(checkInDate, nights),
      rooms: 1,
      adults: 2,
      guest: { firstName: 'Rita', lastName: 'Costa', email: 'rita@example.com' },
      paymentToken: 'tok_test_owner01',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'CONFIRMED', decided: true });
    return response.json().confirmationNumber as string;
  };
  const viewOf = async (key: string, number: string, until: (view: Record<string, unknown>) => boolean) =>
    waitFor(
      async () => {
        const response = await call(key, 'GET', `/reservations/${number}`);
        const body = response.json();
        return response.statusCode === 200 && until(body) ? body : undefined;
      },
      { description: `${number} as expected`, timeoutMs: 30_000, intervalMs: 200 },
    );
  const commandRecords = async () => {
    let count = 0;
    for (const topic of [
      'reservation.modified',
      'reservation.cancelled',
      'reservation.checkin',
      'reservation.checkout',
    ]) {
      count += (await readAll(`${t.prefix}${topic}`)).length;
    }
    return count;
  };

  it('answers another booking client 404 on read, modify, cancel, check-in and check-out, and changes nothing', async () => {
    const number = await book(today(), 3);
    const routes = [
      ['GET', `/reservations/${number}`, undefined],
      ['PATCH', `/reservations/${number}`, { checkOutDate: plus(today(), 4) }],
      ['POST', `/reservations/${number}/cancel`, { reason: 'GUEST_REQUEST' }],
      ['POST', `/reservations/${number}/check-in`, { roomNumbers: ['301'] }],
      ['POST', `/reservations/${number}/check-out`, { checkOutDate: plus(today(), 1) }],
    ] as const;
    for (const [method, url, payload] of routes) {
      const refused = await call(other, method, url, payload);
      expect(refused.statusCode, `${method} ${url}`).toBe(404);
      const unknown = await call(other, method, url.replace(number, 'RSV-2026-999999'), payload);
      expect(refused.json(), `${method} ${url}`).toEqual({
        ...unknown.json(),
        message: unknown.json().message.replace('RSV-2026-999999', number),
      });
    }
    expect(await commandRecords()).toBe(0);
    const untouched = await call(owner, 'GET', `/reservations/${number}`);
    expect(untouched.statusCode).toBe(200);
    expect(untouched.json()).toMatchObject({ status: 'CONFIRMED', stay: { nights: 3 } });
  });

  it('lets an operator check the guest in and read it, and the owner check out early, which shortens the stay', async () => {
    const number = await book(today(), 3);
    const checkIn = await call(operator, 'POST', `/reservations/${number}/check-in`, {
      roomNumbers: ['302'],
    });
    expect(checkIn.statusCode).toBe(202);
    await viewOf(operator, number, (v) => v.status === 'CHECKED_IN');
    const checkOut = await call(owner, 'POST', `/reservations/${number}/check-out`, {
      checkOutDate: plus(today(), 1),
    });
    expect(checkOut.statusCode).toBe(202);
    const view = await viewOf(owner, number, (v) => v.status === 'CHECKED_OUT');
    expect(view.stay).toMatchObject({ checkInDate: today(), checkOutDate: plus(today(), 1), nights: 1 });
  });

  it('lets an operator modify and cancel a client’s reservation', async () => {
    const number = await book(plus(today(), 20), 2);
    const modified = await call(operator, 'PATCH', `/reservations/${number}`, {
      checkOutDate: plus(today(), 23),
    });
    expect(modified.statusCode).toBe(202);
    await viewOf(owner, number, (v) => (v.stay as { nights: number }).nights === 3);
    const cancelled = await call(operator, 'POST', `/reservations/${number}/cancel`, {
      reason: 'GUEST_REQUEST',
    });
    expect(cancelled.statusCode).toBe(202);
    await viewOf(owner, number, (v) => v.status === 'CANCELLED');
  });
});
