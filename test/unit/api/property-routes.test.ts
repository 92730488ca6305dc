import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './test-app.js';

describe('property queries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.app.close();
  });
  const get = (url: string, key = t.bookingKey) =>
    t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

  it('answers availability and rates for a known property and date range', async () => {
    const availability = await get('/properties/LIS-ALFAMA/availability?from=2026-04-01&to=2026-04-03');
    const rates = await get('/properties/LIS-ALFAMA/rates?from=2026-04-01&to=2026-04-03');
    expect(availability.statusCode).toBe(200);
    expect(rates.statusCode).toBe(200);
    expect(availability.json()).toEqual({ propertyId: 'LIS-ALFAMA', items: [] });
    expect(t.queryCalls.splice(0)).toEqual([
      'availability LIS-ALFAMA 2026-04-01 2026-04-03',
      'rates LIS-ALFAMA 2026-04-01 2026-04-03',
    ]);
  });

  it.each([
    [
      'an unknown property',
      '/properties/ATLANTIS/availability?from=2026-04-01&to=2026-04-03',
      404,
      /known properties: LIS-ALFAMA/,
    ],
    ['a missing date', '/properties/LIS-ALFAMA/availability?from=2026-04-01', 400, /to/],
    ['an impossible date', '/properties/LIS-ALFAMA/rates?from=2026-02-30&to=2026-03-03', 400, /date/],
    [
      'an unknown parameter',
      '/properties/LIS-ALFAMA/rates?from=2026-04-01&to=2026-04-03&x=1',
      400,
      /additional/,
    ],
    [
      'dates out of order',
      '/properties/LIS-ALFAMA/rates?from=2026-04-03&to=2026-04-01',
      422,
      /must be after/,
    ],
    [
      'too long a range',
      '/properties/LIS-ALFAMA/availability?from=2026-01-01&to=2026-06-01',
      422,
      /at most 90 nights/,
    ],
  ])('refuses %s without querying', async (_what, url, status, message) => {
    const response = await get(url);
    expect(response.statusCode).toBe(status);
    expect(response.json().message).toMatch(message);
    expect(t.queryCalls).toEqual([]);
  });

  it('keeps KPIs to operators, with the 1-hour windows by default', async () => {
    const url = '/properties/LIS-ALFAMA/kpis?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z';
    expect((await get(url)).statusCode).toBe(403);
    expect((await get(url, t.operatorKey)).statusCode).toBe(200);
    expect((await get(`${url}&window=1m`, t.operatorKey)).statusCode).toBe(200);
    expect((await get(`${url}&window=2h`, t.operatorKey)).statusCode).toBe(400);
    const from = Date.UTC(2026, 2, 1);
    expect(t.queryCalls.splice(0)).toEqual([
      `kpis LIS-ALFAMA 3600000 ${from} ${from + 86_400_000}`,
      `kpis LIS-ALFAMA 60000 ${from} ${from + 86_400_000}`,
    ]);
  });

  it('keeps the pickup, pace, forecast and alert reports to operators, as of the property’s business day', async () => {
    for (const report of ['pickup', 'pace', 'forecast', 'alerts']) {
      const url = `/properties/TYO-GINZA/${report}?from=2026-03-10&to=2026-03-12`;
      expect((await get(url)).statusCode).toBe(403);
      const answer = await get(url, t.operatorKey);
      expect(answer.statusCode).toBe(200);
      // 12:00 UTC on 1 March is 21:00 in Tokyo: still 1 March there.
      expect(answer.json()).toEqual({ propertyId: 'TYO-GINZA', asOf: '2026-03-01', items: [] });
    }
    expect(t.queryCalls.splice(0)).toEqual([
      'pickup TYO-GINZA 2026-03-10 2026-03-12 2026-03-01',
      'pace TYO-GINZA 2026-03-10 2026-03-12 2026-03-01',
      'forecast TYO-GINZA 2026-03-10 2026-03-12 2026-03-01',
      'alerts TYO-GINZA 2026-03-10 2026-03-12 2026-03-01',
    ]);
  });

  it.each([
    [
      'an unknown property',
      '/properties/ATLANTIS/pickup?from=2026-04-01&to=2026-04-03',
      404,
      /known properties/,
    ],
    ['a missing date', '/properties/LIS-ALFAMA/pace?from=2026-04-01', 400, /to/],
    [
      'an unknown property’s alerts',
      '/properties/ATLANTIS/alerts?from=2026-04-01&to=2026-04-03',
      404,
      /ATLANTIS/,
    ],
    ['a date that is not one', '/properties/LIS-ALFAMA/forecast?from=soon&to=2026-04-03', 400, /date/],
    ['an impossible date', '/properties/LIS-ALFAMA/pickup?from=2026-02-30&to=2026-03-03', 400, /date/],
    ['dates out of order', '/properties/LIS-ALFAMA/pace?from=2026-04-03&to=2026-04-01', 422, /must be after/],
    [
      'too long a range',
      '/properties/LIS-ALFAMA/pickup?from=2026-01-01&to=2026-06-01',
      422,
      /at most 90 nights/,
    ],
  ])('refuses a report of %s without reading', async (_what, url, status, message) => {
    const response = await get(url, t.operatorKey);
    expect(response.statusCode).toBe(status);
    expect(response.json().message).toMatch(message);
    expect(t.queryCalls).toEqual([]);
  });
});
