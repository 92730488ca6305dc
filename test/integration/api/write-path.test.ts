/**
 * The lean write path on the real stack (sink on, no topology): bookings use a Postgres pool of their own,
 * so a busy sink cannot hold the connections they wait for; concurrent bookings' owner rows go out in
 * batches, and every client still owns exactly its own reservations; the process exports its event-loop
 * delay.
 */
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestInstance, type TestInstance } from './api-instance.js';

const plus = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('the write path', () => {
  let t: TestInstance;
  let siteA: string;
  let siteB: string;

  beforeAll(async () => {
    t = await startTestInstance({ RATE_LIMIT_MAX: '100000', DATABASE_BACKGROUND_POOL_SIZE: '2' });
    siteA = await t.api.apiKeys.create('it-write-a', 'booking');
    siteB = await t.api.apiKeys.create('it-write-b', 'booking');
  });
  afterAll(async () => {
    await t?.close();
  });

  const book = (key: string, i: number) =>
    t.api.app.inject({
      method: 'POST',
      url: '/reservations',
      headers: { 'x-api-key': key },
      payload: {
        propertyId: 'LIS-ALFAMA',
        roomType: 'SUP',
        checkInDate: plus(30 + (i % 20)),
        checkOutDate: plus(32 + (i % 20)),
        rooms: 1,
        adults: 2,
        guest: { firstName: 'Rita', lastName: `Costa${i}`, email: `rita${i}@example.com` },
        paymentToken: 'tok_test_write01',
      },
    });
  const read = (key: string, number: string) =>
    t.api.app.inject({ method: 'GET', url: `/reservations/${number}`, headers: { 'x-api-key': key } });

  it("books and cancels while every connection of the sink's pool is taken", async () => {
    expect(t.api.backgroundPool).not.toBe(t.api.pool);
    const held: PoolClient[] = [];
    for (let i = 0; i < 2; i++) held.push(await t.api.backgroundPool.connect());
    try {
      expect(t.api.backgroundPool.totalCount).toBe(2);
      const booked = await book(siteA, 0);
      expect(booked.statusCode).toBe(201);
      const number = booked.json().confirmationNumber as string;
      // The API's own ledger write (request pool) lets the owner act on it at once.
      const cancelled = await t.api.app.inject({
        method: 'POST',
        url: `/reservations/${number}/cancel`,
        headers: { 'x-api-key': siteA },
        payload: {},
      });
      expect(cancelled.statusCode).toBe(202);
    } finally {
      for (const client of held) client.release();
    }
  });

  it('batches concurrent bookings of two clients, and each client owns exactly its own', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? siteA : siteB));
    const answers = await Promise.all(keys.map((key, i) => book(key, i + 1)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(60).fill(201));
    const numbers = answers.map((a) => a.json().confirmationNumber as string);
    expect(new Set(numbers).size).toBe(60);
    const owners = await t.api.pool.query<{ confirmation_number: string; client: string }>(
      'SELECT confirmation_number, client FROM ops.reservation_owner WHERE confirmation_number = ANY($1)',
      [numbers],
    );
    const ownerOf = new Map(owners.rows.map((r) => [r.confirmation_number, r.client]));
    expect(numbers.map((n) => ownerOf.get(n))).toEqual(
      keys.map((key) => (key === siteA ? 'it-write-a' : 'it-write-b')),
    );
    for (const [i, number] of numbers.entries()) {
      const own = keys[i]!;
      const other = own === siteA ? siteB : siteA;
      // Read-your-writes from the API's own ledger write, and the other client's 404.
      expect((await read(own, number)).statusCode).toBe(200);
      expect((await read(other, number)).statusCode).toBe(404);
    }
  });

  it('exports the event-loop delay', async () => {
    const metrics = (await t.api.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_max_seconds \d/m);
  });
});
