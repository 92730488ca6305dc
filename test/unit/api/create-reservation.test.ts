import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { booking, type TestApp, testApp } from './test-app.js';

describe('POST /reservations', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.app.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}, url = '/reservations') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'x-api-key': t.bookingKey, ...headers },
      ...(typeof body === 'string'
        ? {
            payload: body,
            headers: { 'x-api-key': t.bookingKey, 'content-type': 'application/json', ...headers },
          }
        : { payload: body as object }),
    });

  it('answers 201 with a confirmation number, PENDING and a Location, and produces reservation.created keyed by property', async () => {
    const response = await post(booking());
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      confirmationNumber: 'RSV-2026-000001',
      status: 'PENDING',
      propertyId: 'LIS-ALFAMA',
    });
    expect(response.headers.location).toBe('/reservations/RSV-2026-000001');
    expect(t.publisher.events).toHaveLength(1);
    const [event] = t.publisher.events;
    expect(event?.topic).toBe('reservation.created');
    expect(event?.key).toBe('LIS-ALFAMA');
    expect(event?.value).toMatchObject({
      confirmationNumber: 'RSV-2026-000001',
      eventType: 'ReservationCreated',
      stayDetails: {
        checkInDate: '2026-04-10',
        checkOutDate: '2026-04-13',
        nights: 3,
        roomType: 'STD',
        rooms: 1,
        adults: 2,
        children: 0,
      },
      pricingDetails: {
        roomTotal: { amount: '387.00', currency: 'EUR' },
        totalAmount: { amount: '387.00', currency: 'EUR' },
      },
      paymentToken: 'tok_visa_4242abcd',
      idempotencyKey: null,
    });
    expect(body.eventId).toBe((event!.value as { eventId: string }).eventId);
  });

  it('hands out consecutive confirmation numbers', async () => {
    await post(booking());
    const second = await post(booking());
    expect(second.json().confirmationNumber).toBe('RSV-2026-000002');
  });

  it('with ?wait=true answers the decided status once the decision is pushed', async () => {
    const decide = setTimeout(
      () => t.waiters.decide('RSV-2026-000001', { status: 'CONFIRMED', detail: null }),
      50,
    );
    const response = await post(booking(), {}, '/reservations?wait=true');
    clearTimeout(decide);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ status: 'CONFIRMED', decided: true });
  });

  it('with ?wait=true answers a rejection with its reason', async () => {
    const decide = setTimeout(
      () => t.waiters.decide('RSV-2026-000001', { status: 'REJECTED', detail: 'SOLD_OUT: no rooms' }),
      20,
    );
    const response = await post(booking(), {}, '/reservations?wait=true');
    clearTimeout(decide);
    expect(response.json()).toMatchObject({
      status: 'REJECTED',
      detail: 'SOLD_OUT: no rooms',
      decided: true,
    });
  });

  it('with ?wait=true on a retry answers at once the decision the ledger already holds', async () => {
    const key = { 'idempotency-key': 'retry-after-decision' };
    await post(booking(), key);
    t.ledger.decide('RSV-2026-000001', 'CONFIRMED');
    const started = Date.now();
    const response = await post(booking(), key, '/reservations?wait=true');
    expect(Date.now() - started).toBeLessThan(250);
    expect(response.json()).toMatchObject({ confirmationNumber: 'RSV-2026-000001', decided: true });
    expect(response.json().status).toBe('CONFIRMED');
    expect(t.waiters.waiting).toBe(0);
  });

  it('with ?wait=true answers PENDING and decided=false when the bound passes', async () => {
    const response = await post(booking(), {}, '/reservations?wait=true');
    expect(response.json()).toMatchObject({ status: 'PENDING', decided: false });
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['a missing field', booking({ paymentToken: undefined }), /paymentToken/],
    ['an unknown field', booking({ discount: 10 }), /additional properties/],
    ['a number as text', booking({ rooms: '1' }), /rooms.*integer/],
    ['a fractional room count', booking({ rooms: 1.5 }), /rooms.*integer/],
    ['an impossible date', booking({ checkInDate: '2026-02-30' }), /checkInDate.*date/],
    ['a date in another format', booking({ checkOutDate: '13/04/2026' }), /checkOutDate.*date/],
    ['a bad e-mail', booking({ guest: { firstName: 'A', lastName: 'B', email: 'nope' } }), /email/],
    [
      'an unknown guest field',
      booking({ guest: { firstName: 'A', lastName: 'B', email: 'a@b.co', ssn: 'x' } }),
      /additional/,
    ],
    ['a negative child count', booking({ children: -1 }), /children/],
    ['an unknown channel', booking({ channel: 'FAX' }), /channel/],
    ['an array body', [booking()], /object/],
    ['a null body', null, /object|body/],
    ['a token with spaces', booking({ paymentToken: 'tok visa 1234' }), /paymentToken/],
  ];
  it.each(invalid)(
    'refuses %s with 400 naming the field, producing nothing',
    async (_what, body, message) => {
      const response = await post(body);
      expect(response.statusCode).toBe(400);
      const json = response.json();
      expect(json.code).toBe('API_ERR_VALIDATION');
      expect(json.message).toMatch(message);
      expect(t.publisher.events).toHaveLength(0);
    },
  );

  it('refuses malformed JSON with 400 and produces nothing', async () => {
    const response = await post('{"propertyId": "LIS-ALFAMA",');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/JSON/i);
    expect(t.publisher.events).toHaveLength(0);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const response = await post('propertyId=LIS', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.statusCode).toBe(415);
    expect(t.publisher.events).toHaveLength(0);
  });

  it('refuses a huge body with 413 and produces nothing', async () => {
    const response = await post(
      booking({ guest: { firstName: 'x'.repeat(20_000), lastName: 'B', email: 'a@b.co' } }),
    );
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('API_ERR_PAYLOAD_TOO_LARGE');
    expect(t.publisher.events).toHaveLength(0);
  });

  const broken: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown property', { propertyId: 'NOWHERE' }, /propertyId NOWHERE is not a known property/],
    ['an unknown room type', { roomType: 'PENTHOUSE' }, /has no room type PENTHOUSE/],
    [
      'dates out of order',
      { checkInDate: '2026-04-13', checkOutDate: '2026-04-10' },
      /must be after checkIn/,
    ],
    ['a zero-night stay', { checkInDate: '2026-04-10', checkOutDate: '2026-04-10' }, /must be after checkIn/],
    ['a stay too long', { checkInDate: '2026-04-01', checkOutDate: '2026-06-01' }, /at most 30 nights/],
    ['too many rooms', { rooms: 12, adults: 12 }, /rooms must be a whole number from 1 to 9/],
    ['a stay in the past', { checkInDate: '2026-01-10', checkOutDate: '2026-01-12' }, /in the past/],
    ['too many guests for the rooms', { adults: 3 }, /do not fit/],
    ['a raw card number as token', { paymentToken: '4242424242424242' }, /raw card number/],
  ];
  it.each(broken)('refuses %s with 422 saying why, producing nothing', async (_what, patch, message) => {
    const response = await post(booking(patch));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'API_ERR_BUSINESS_RULE' });
    expect(response.json().message).toMatch(message);
    expect(JSON.stringify(response.json())).not.toContain('4242424242424242');
    expect(t.publisher.events).toHaveLength(0);
  });

  it('answers 503 and keeps nothing when Kafka refuses the record', async () => {
    const { UnavailableError } = await import('../../../api/errors.js');
    t.publisher.failNext = new UnavailableError('Kafka (producing to reservation.created)');
    const response = await post(booking());
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'API_ERR_UNAVAILABLE', retriable: true });
    expect(response.headers['retry-after']).toBe('1');
    expect(await t.ledger.get('RSV-2026-000001')).toBeUndefined();
  });
});
