import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterService } from '../../../api/dlq/dead-letters.js';
import { booking, type TestApp, testApp } from './test-app.js';

/** A DLQ service that records calls, so the test sees whether a refused call reached it. */
function recordingDlq(): DeadLetterService & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async list(topic) {
      calls.push(`list ${topic}`);
      return [];
    },
    async replay(topic) {
      calls.push(`replay ${topic}`);
      return { replayed: [], skipped: [] };
    },
  };
}

describe('API keys and roles', () => {
  let t: TestApp;
  const dlq = recordingDlq();
  beforeAll(async () => {
    t = await testApp({ dlq });
  });
  afterAll(async () => {
    await t.app.close();
  });

  it.each([
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['an unknown key', { 'x-api-key': 'sk_unknown' }],
  ])('refuses %s with 401 before validating the body, producing nothing', async (_what, headers) => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers,
      payload: { not: 'even valid' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'API_ERR_UNAUTHENTICATED' });
    expect(t.publisher.events).toHaveLength(0);
  });

  it('lets a booking key book', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.bookingKey },
      payload: booking(),
    });
    expect(response.statusCode).toBe(201);
  });

  it('lets an operator do what a booking client may', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': t.operatorKey },
      payload: booking(),
    });
    expect(response.statusCode).toBe(201);
  });

  it('refuses the DLQ to a booking key with 403, and the service is never called', async () => {
    const list = await t.app.inject({
      method: 'GET',
      url: '/dlq/reservation.created.dlq',
      headers: { 'x-api-key': t.bookingKey },
    });
    const replay = await t.app.inject({
      method: 'POST',
      url: '/dlq/reservation.created.dlq/replay',
      headers: { 'x-api-key': t.bookingKey },
      payload: { all: true },
    });
    expect(list.statusCode).toBe(403);
    expect(replay.statusCode).toBe(403);
    expect(replay.json().message).toMatch(/role booking may not call this route; it needs one of: operator/);
    expect(dlq.calls).toEqual([]);
  });

  it('lets an operator list and replay dead letters', async () => {
    const list = await t.app.inject({
      method: 'GET',
      url: '/dlq/reservation.created.dlq?limit=10',
      headers: { 'x-api-key': t.operatorKey },
    });
    const replay = await t.app.inject({
      method: 'POST',
      url: '/dlq/reservation.created.dlq/replay',
      headers: { 'x-api-key': t.operatorKey },
      payload: { records: [{ partition: 0, offset: '3' }] },
    });
    expect(list.statusCode).toBe(200);
    expect(replay.statusCode).toBe(200);
    expect(dlq.calls).toEqual(['list reservation.created.dlq', 'replay reservation.created.dlq']);
  });

  it('shows /alerts to operators only', async () => {
    const asBooking = await t.app.inject({
      method: 'GET',
      url: '/alerts',
      headers: { 'x-api-key': t.bookingKey },
    });
    const asOperator = await t.app.inject({
      method: 'GET',
      url: '/alerts',
      headers: { 'x-api-key': t.operatorKey },
    });
    expect(asBooking.statusCode).toBe(403);
    expect(asOperator.statusCode).toBe(200);
    expect(asOperator.json()).toEqual({ alerts: [] });
  });

  it('refuses a DLQ topic name that is not a .dlq topic with 400', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/dlq/reservation.created',
      headers: { 'x-api-key': t.operatorKey },
    });
    expect(response.statusCode).toBe(400);
  });

  it('keeps health, metrics and the OpenAPI document public', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
    }
  });
});

describe('rate limit per key', () => {
  it('answers 429 with a coded body once a key used its requests, while another key goes on', async () => {
    const t = await testApp({ rateLimitMax: 3 });
    try {
      const get = (key: string) =>
        t.app.inject({ method: 'GET', url: '/reservations/RSV-2026-000009', headers: { 'x-api-key': key } });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(t.bookingKey)).statusCode);
      expect(statuses).toEqual([404, 404, 404, 429]);
      const limited = await get(t.bookingKey);
      expect(limited.json()).toMatchObject({ code: 'API_ERR_RATE_LIMITED', retriable: true });
      expect(limited.headers['retry-after']).toBeDefined();
      expect((await get(t.operatorKey)).statusCode).toBe(404);
      // Probes are never limited.
      for (let i = 0; i < 5; i++)
        expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.app.close();
    }
  });
});
