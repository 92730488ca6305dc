import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAY_RULES } from '../../../processors/domain/stay-rules.js';
import { booking, NOW, type TestApp, testApp } from './test-app.js';

// Each stay rule refused by the API with a 422 naming it, before anything is produced. The clock starts
// on 2026-03-01 (test-app's NOW).
describe('stay rules at the API', () => {
  let t: TestApp;
  let number: string;
  beforeAll(async () => {
    t = await testApp();
    const created = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.bookingKey },
      payload: booking({ checkInDate: '2026-07-20', checkOutDate: '2026-07-24' }),
    });
    number = created.json().confirmationNumber;
    t.ledger.decide(number, 'CONFIRMED');
  });
  afterAll(async () => {
    await t.app.close();
  });

  const send = async (url: string, payload: unknown, at = NOW, method: 'POST' | 'PATCH' = 'POST') => {
    const count = t.publisher.events.length;
    t.clock.now = at;
    try {
      const response = await t.app.inject({
        method,
        url,
        headers: { 'x-api-key': t.bookingKey },
        payload: payload as object,
      });
      return { response, produced: t.publisher.events.length - count };
    } finally {
      t.clock.now = NOW;
    }
  };
  const refusal = (rule: string, field: string) => ({
    statusCode: 422,
    code: 'API_ERR_BUSINESS_RULE',
    details: { rule, field },
  });

  it('refuses a booking that ends beyond the two-year horizon', async () => {
    for (const dates of [
      { checkInDate: '9999-12-30', checkOutDate: '9999-12-31' },
      { checkInDate: '2028-02-27', checkOutDate: '2028-03-01' },
    ]) {
      const { response, produced } = await send('/reservations', booking(dates));
      expect(response.json()).toMatchObject(refusal('BEYOND_BOOKING_HORIZON', 'checkOutDate'));
      expect(response.json().message).toMatch(/^BEYOND_BOOKING_HORIZON: /);
      expect(produced).toBe(0);
    }
    const within = await send(
      '/reservations',
      booking({ checkInDate: '2028-02-27', checkOutDate: '2028-02-29' }),
    );
    expect(within.response.statusCode).toBe(201);
  });

  it('refuses a modification that moves the stay beyond the horizon', async () => {
    const { response, produced } = await send(
      `/reservations/${number}`,
      { checkInDate: '2030-01-01', checkOutDate: '2030-01-03' },
      NOW,
      'PATCH',
    );
    expect(response.json()).toMatchObject(refusal('BEYOND_BOOKING_HORIZON', 'checkOutDate'));
    expect(produced).toBe(0);
  });

  it('refuses a check-in before the arrival date (140 days early) and after its window', async () => {
    for (const at of [NOW, Date.UTC(2026, 6, 19, 12), Date.UTC(2026, 6, 22, 12)]) {
      const { response, produced } = await send(
        `/reservations/${number}/check-in`,
        { roomNumbers: ['1'] },
        at,
      );
      expect(response.json()).toMatchObject(refusal('CHECK_IN_OUTSIDE_WINDOW', 'checkInDate'));
      expect(produced).toBe(0);
    }
  });

  it('refuses a check-out on or before the arrival date and after the booked stay, accepts an early one', async () => {
    const url = `/reservations/${number}/check-out`;
    const onArrival = Date.UTC(2026, 6, 20, 18);
    expect(
      (await send(`/reservations/${number}/check-in`, { roomNumbers: ['1'] }, onArrival)).response.statusCode,
    ).toBe(202);
    t.ledger.decide(number, 'CHECKED_IN');
    // Without a body the check-out is dated today: on the arrival date that is a stay of no night.
    const sameDay = await send(url, null, onArrival);
    expect(sameDay.response.json()).toMatchObject(refusal('CHECK_OUT_BEFORE_CHECK_IN', 'checkOutDate'));
    const before = await send(url, { checkOutDate: '2026-07-19' }, onArrival);
    expect(before.response.json()).toMatchObject(refusal('CHECK_OUT_BEFORE_CHECK_IN', 'checkOutDate'));
    const after = await send(url, { checkOutDate: '2026-07-25' }, onArrival);
    expect(after.response.json()).toMatchObject(refusal('CHECK_OUT_AFTER_STAY', 'checkOutDate'));
    expect(sameDay.produced + before.produced + after.produced).toBe(0);
    const early = await send(url, null, Date.UTC(2026, 6, 22, 9));
    expect(early.response.statusCode).toBe(202);
    expect(t.publisher.events.at(-1)).toMatchObject({
      topic: 'reservation.checkout',
      value: { checkOutDate: '2026-07-22' },
    });
  });
});

describe('the stay rules in docs/api.md', () => {
  it('lists every rule in its table, and nothing more', () => {
    const doc = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
    // The table right after the "Stay rules." paragraph: its rows up to the first line that is not one.
    const lines = doc.slice(doc.indexOf('**Stay rules.**')).split('\n');
    const start = lines.findIndex((line) => line.startsWith('|'));
    const end = lines.findIndex((line, i) => i > start && !line.startsWith('|'));
    const documented = lines
      .slice(start, end)
      .map((line) => /^\|\s*`([A-Z_]+)`/.exec(line)?.[1])
      .filter((rule) => rule !== undefined);
    expect(documented).toEqual([...STAY_RULES]);
  });
});
