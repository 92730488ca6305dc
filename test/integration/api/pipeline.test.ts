import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName, waitFor } from '../../support/index.js';
import { startTestInstance, type TestInstance } from './api-instance.js';

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The whole application in one instance, on topics of its own (a topic prefix, which the topology gets
 * too): the topology, the payment worker, the sink and the API.
 */
describe('the life of a reservation through the running application', () => {
  let t: TestInstance;
  let key: string;

  beforeAll(async () => {
    t = await startTestInstance({
      APPLICATION_ID: uniqueName('it-pipeline'),
      RUN_STREAMS: 'true',
      RUN_PAYMENT_WORKER: 'true',
      WAIT_TIMEOUT_MS: '20000',
      // The test polls the API while the pipeline catches up; the per-key limit is tested elsewhere.
      RATE_LIMIT_MAX: '100000',
    });
    key = await t.api.apiKeys.create('it-pipeline', 'booking');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.api.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload ? { payload } : {}) });
  const row = async (number: string) =>
    (
      await t.api.pool.query(
        `SELECT status, to_char(check_out_date, 'YYYY-MM-DD') AS check_out, nights FROM reservations.reservation
         WHERE confirmation_number = $1`,
        [number],
      )
    ).rows[0];

  it('books (wait: CONFIRMED), modifies, cancels with a refund, and refuses a command on the cancelled stay', async () => {
    const checkIn = future(40);
    const created = await call('POST', '/reservations?wait=true', {
      propertyId: 'NYC-MIDTOWN',
      roomType: 'KNG',
      checkInDate: checkIn,
      checkOutDate: future(42),
      rooms: 1,
      adults: 2,
      guest: { firstName: 'Lee', lastName: 'Park', email: 'lee@example.com' },
      paymentToken: 'tok_test_pipeline1',
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({ status: 'CONFIRMED', decided: true });
    const number: string = body.confirmationNumber;

    // Availability from the system of record: the confirmed room is held on its first night.
    const reservedOn = async (date: string) => {
      const response = await call(
        'GET',
        `/properties/NYC-MIDTOWN/availability?from=${date}&to=${future(43)}`,
      );
      const night = response
        .json()
        .items.find((n: { roomType: string; date: string }) => n.roomType === 'KNG' && n.date === date);
      return night.roomsReserved as number;
    };
    const held = await waitFor(async () => ((await reservedOn(checkIn)) >= 1 ? reservedOn(checkIn) : 0), {
      description: 'the held night in availability.calendar',
    });

    const modified = await call('PATCH', `/reservations/${number}`, { checkOutDate: future(43) });
    expect(modified.statusCode).toBe(202);
    await waitFor(async () => (await row(number))?.nights === 3, { description: 'the modified stay' });
    // The row above is the API's own write of the command; the cancellation goes on another topic, which
    // the pipeline orders by time only, so wait until the pipeline applied the modification (the store's
    // view) before cancelling: otherwise it may take the cancellation first and refuse the modification.
    await waitFor(async () => (await call('GET', `/reservations/${number}`)).json().stay?.nights === 3, {
      description: 'the modification applied by the pipeline',
    });

    const cancelled = await call('POST', `/reservations/${number}/cancel`, { reason: 'GUEST_REQUEST' });
    expect(cancelled.statusCode).toBe(202);
    // The refund comes back from the payment worker through the topology and the sink.
    const payment = await waitFor(
      async () => {
        const result = await t.api.pool.query(
          'SELECT authorized::text, refunded::text FROM payments.payment WHERE confirmation_number = $1',
          [number],
        );
        const p = result.rows[0];
        return p !== undefined && p.refunded !== '0' ? p : undefined;
      },
      { description: 'the refund in payments.payment' },
    );
    // Cancelled weeks ahead: free, so everything authorised is refunded.
    expect(payment.refunded).toBe(payment.authorized);
    // The row follows the sink, which may still be a batch behind the refund read above.
    await waitFor(async () => (await row(number))?.status === 'CANCELLED', {
      description: 'the cancelled reservation row',
    });
    expect(await row(number)).toMatchObject({ status: 'CANCELLED', nights: 3, check_out: future(43) });
    await waitFor(async () => (await reservedOn(checkIn)) === held - 1, {
      description: 'the released night',
    });

    const refused = await call('POST', `/reservations/${number}/check-in`, { roomNumbers: ['1201'] });
    expect(refused.statusCode).toBe(409);
    const view = (await call('GET', `/reservations/${number}`)).json();
    expect(view.status).toBe('CANCELLED');
    expect(view.history.map((h: { eventType: string }) => h.eventType)).toEqual([
      'ReservationCreated',
      'ReservationConfirmed',
      'ReservationModified',
      'ReservationCancelled',
    ]);
    // The sink writes the calendar after the store reads above saw it: wait for it (the modification's
    // third night included) rather than read it once.
    await waitFor(
      async () => {
        const calendar = await t.api.pool.query(
          `SELECT count(*)::int AS nights FROM availability.calendar
           WHERE property_id = 'NYC-MIDTOWN' AND room_type = 'KNG' AND stay_date >= $1`,
          [checkIn],
        );
        return calendar.rows[0].nights >= 3;
      },
      { description: 'every night of the modified stay in availability.calendar' },
    );

    // /ready says RUNNING, and /metrics carries the runtime's, the sink's and the HTTP metrics.
    const ready = (await t.api.app.inject({ method: 'GET', url: '/ready' })).json();
    expect(ready.checks).toContainEqual({ name: 'streams', ready: true, detail: 'state RUNNING' });
    const metrics = (await t.api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/tstreams_records_processed_total\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/sink_records_total\{topic="reservation.confirmed",outcome="applied"\} [1-9]/);
    expect(metrics).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/reservations",status_code="201"\} 1/,
    );
  });
});
