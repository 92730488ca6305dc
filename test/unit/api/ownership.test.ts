import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booking, NOW, type TestApp, testApp } from './test-app.js';

// Every route on an existing reservation, as another booking client would call it. The clock sits on the
// arrival date, so a check-in or check-out by the owner would be accepted: only ownership refuses it.
const ROUTES = [
  { route: 'GET /reservations/:n', method: 'GET', path: (n: string) => `/reservations/${n}` },
  {
    route: 'PATCH /reservations/:n',
    method: 'PATCH',
    path: (n: string) => `/reservations/${n}`,
    body: { checkOutDate: '2026-03-04' },
  },
  { route: 'cancel', method: 'POST', path: (n: string) => `/reservations/${n}/cancel`, body: {} },
  {
    route: 'check-in',
    method: 'POST',
    path: (n: string) => `/reservations/${n}/check-in`,
    body: { roomNumbers: ['101'] },
  },
  {
    route: 'check-out',
    method: 'POST',
    path: (n: string) => `/reservations/${n}/check-out`,
    body: { checkOutDate: '2026-03-02' },
  },
] as const;

describe('a reservation belongs to the client that created it', () => {
  let t: TestApp;
  let number: string;
  beforeAll(async () => {
    t = await testApp();
    const created = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.bookingKey },
      payload: booking({ checkInDate: '2026-03-01', checkOutDate: '2026-03-03' }),
    });
    number = created.json().confirmationNumber;
    t.ledger.decide(number, 'CONFIRMED');
    expect(t.clock.now).toBe(NOW);
  });
  afterAll(async () => {
    await t.app.close();
  });

  const call = (key: string, r: (typeof ROUTES)[number], n = number) =>
    t.app.inject({
      method: r.method,
      url: r.path(n),
      headers: { 'x-api-key': key },
      ...('body' in r ? { payload: r.body } : {}),
    });

  it.each(ROUTES)(
    'answers another booking client 404 on $route, as for an unknown number, producing nothing',
    async (r) => {
      const count = t.publisher.events.length;
      const refused = await call(t.otherBookingKey, r);
      expect(refused.statusCode).toBe(404);
      const unknown = await call(t.otherBookingKey, r, 'RSV-2026-999999');
      expect(refused.json()).toEqual({
        ...unknown.json(),
        message: unknown.json().message.replace('RSV-2026-999999', number),
      });
      expect(t.publisher.events).toHaveLength(count);
    },
  );

  it('lets the owner read it and an operator read it', async () => {
    expect((await call(t.bookingKey, ROUTES[0])).statusCode).toBe(200);
    expect((await call(t.operatorKey, ROUTES[0])).statusCode).toBe(200);
  });

  it('lets an operator act on every client’s reservation', async () => {
    const checkIn = await call(t.operatorKey, ROUTES[3]);
    expect(checkIn.statusCode).toBe(202);
    expect(t.publisher.events.at(-1)).toMatchObject({ topic: 'reservation.checkin' });
  });
});
