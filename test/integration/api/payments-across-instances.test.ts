/**
 * The payment provider's state outlives the instance that authorised: bookings are authorised while one
 * instance runs alone; a second joins (the payment worker's partitions move), then the first leaves; the
 * cancellations' refunds and the check-ins' captures are then performed by the second instance's worker,
 * which never saw those authorisations, through the simulator's Postgres ledger. Every one succeeds and
 * `payment.requests.dlq` stays empty (with the simulator's state in the authorising process's memory,
 * each of them was dead-lettered: `authorization ... does not exist`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAll, waitFor } from '../../support/index.js';
import { type Node, settled, startNode } from './streams-nodes.js';

const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Far ahead (free cancellation: a full refund each), on properties of both partitions. */
const TO_CANCEL = ['LIS-ALFAMA', 'NYC-MIDTOWN', 'TYO-GINZA', 'ZRH-SEEHOF'].map((propertyId) => ({
  propertyId,
  roomType: propertyId === 'NYC-MIDTOWN' ? 'KNG' : propertyId === 'LIS-ALFAMA' ? 'STD' : 'DBL',
  from: 80,
}));
/** Arriving today (UTC, and in Lisbon): checked in, which captures the authorisation. */
const TO_CHECK_IN = [0, 1].map(() => ({ propertyId: 'LIS-ALFAMA', roomType: 'SUP', from: 0 }));

describe('captures and refunds after the authorising instance is gone', () => {
  let a: Node;
  let b: Node | undefined;
  let key: string;

  beforeAll(async () => {
    a = await startNode(undefined, { name: 'it-pay' });
    await settled([a], 'one instance');
    key = await a.t.api.apiKeys.create('it-pay-booking', 'booking');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const post = async (node: Node, path: string, body: unknown) => {
    const response = await fetch(`http://${node.server}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const book = async (node: Node, b: { propertyId: string; roomType: string; from: number }, i: number) => {
    const answer = await post(node, '/reservations?wait=true', {
      propertyId: b.propertyId,
      roomType: b.roomType,
      checkInDate: day(b.from),
      checkOutDate: day(b.from + 2),
      rooms: 1,
      adults: 2,
      guest: { firstName: 'Pay', lastName: `Guest${i}`, email: `pay${i}@example.com` },
      paymentToken: `tok_test_pay_${i}`,
    });
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe('CONFIRMED');
    return answer.body.confirmationNumber as string;
  };

  it('refunds and captures through another instance every authorisation made before the rebalance', async () => {
    const prefix = a.t.prefix;
    const toCancel = await Promise.all(TO_CANCEL.map((b, i) => book(a, b, i)));
    const toCheckIn = await Promise.all(TO_CHECK_IN.map((b, i) => book(a, b, 100 + i)));
    expect((await readAll(`${prefix}payment.authorized`)).length).toBe(6);

    b = await startNode(a.t, { env: { RUN_PAYMENT_WORKER: 'true' } });
    await settled([a, b], 'the second instance sharing the partitions');
    // One cancellation while both run: either worker may take it.
    expect((await post(b, `/reservations/${toCancel[0]}/cancel`, {})).status).toBeLessThan(300);

    // Stops the first instance, keeping the database it created (its close() at the end drops it).
    await a.t.api.close();
    await settled([b], 'the second instance alone');
    for (const n of toCancel.slice(1)) {
      const answer = await post(b, `/reservations/${n}/cancel`, {});
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    }
    for (const [i, n] of toCheckIn.entries()) {
      const answer = await post(b, `/reservations/${n}/check-in`, { roomNumbers: [`10${i}`] });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    }

    await waitFor(
      async () =>
        (await readAll(`${prefix}payment.refunded`)).length === toCancel.length &&
        (await readAll(`${prefix}payment.captured`)).length === toCheckIn.length,
      {
        description: 'a refund per cancellation and a capture per check-in',
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
    expect(await readAll(`${prefix}payment.requests.dlq`)).toEqual([]);
    // The provider's books: each cancelled authorisation fully refunded, each checked-in one captured.
    const books = await b.t.api.pool.query<{ refunded: boolean; captured: boolean }>(
      `SELECT refunded_minor = amount_minor AS refunded, captured_minor = amount_minor AS captured
       FROM payments.simulator_authorization ORDER BY authorization_id`,
    );
    expect(books.rows.filter((r) => r.refunded).length).toBe(toCancel.length);
    expect(books.rows.filter((r) => r.captured).length).toBe(toCheckIn.length);
  });
});
