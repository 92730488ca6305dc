/**
 * `POST /reservations?wait=true` on two instances of one application, on the real stack: 200 bookings
 * sent at once, half to each instance, whichever instance owns each property. Every request answers with
 * its decision (pushed by each instance's decision feed, none waits out its bound), the decision is the
 * reservation's status as the owner's store reads it afterwards, and the reservation look-ups of both
 * instances together stay at no more than one per booking (polling made one every 100 ms per waiter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/index.js';
import { type Node, settled, startNode } from './streams-nodes.js';

const BOOKINGS = 200;
const ROOMS = [
  { propertyId: 'LIS-ALFAMA', roomType: 'STD' },
  { propertyId: 'NYC-MIDTOWN', roomType: 'KNG' },
  { propertyId: 'TYO-GINZA', roomType: 'DBL' },
  { propertyId: 'ZRH-SEEHOF', roomType: 'DBL' },
];
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** Both instances run a payment worker (the second joins the first's group), and waits are long. */
const ENV = { RUN_PAYMENT_WORKER: 'true', WAIT_TIMEOUT_MS: '60000' };

/** The value of an unlabelled counter in a node's `/metrics`. */
async function counter(node: Node, name: string): Promise<number> {
  const text = await (await fetch(`http://${node.server}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.slice(name.length + 1));
}

describe('?wait=true answered by pushed decisions', () => {
  let a: Node;
  let b: Node;
  let bookingKey: string;

  beforeAll(async () => {
    a = await startNode(undefined, { name: 'it-wait', env: ENV });
    b = await startNode(a.t, { env: ENV });
    await settled([a, b], 'two instances sharing the tasks');
    bookingKey = await a.t.api.apiKeys.create('it-wait-booking', 'booking');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('answers 200 concurrent bookings on two instances with their decisions, one look-up each at most', async () => {
    const lookupsBefore =
      (await counter(a, 'reservation_ledger_lookups_total')) +
      (await counter(b, 'reservation_ledger_lookups_total'));
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: BOOKINGS }, async (_, i) => {
        const node = i % 2 === 0 ? a : b;
        const room = ROOMS[i % ROOMS.length]!;
        const checkIn = 30 + (i % 50);
        const response = await fetch(`http://${node.server}/reservations?wait=true`, {
          method: 'POST',
          headers: { 'x-api-key': bookingKey, 'content-type': 'application/json' },
          body: JSON.stringify({
            ...room,
            checkInDate: day(checkIn),
            checkOutDate: day(checkIn + 1 + (i % 3)),
            rooms: 1,
            adults: 2,
            guest: { firstName: 'Wait', lastName: `Guest${i}`, email: `wait${i}@example.com` },
            paymentToken: `tok_test_wait_${i}`,
          }),
        });
        expect(response.status).toBe(201);
        return (await response.json()) as {
          confirmationNumber: string;
          status: string;
          decided: boolean;
        };
      }),
    );
    const elapsedMs = Date.now() - started;
    const undecided = answers.filter((x) => !x.decided);
    expect(undecided, `undecided after ${elapsedMs} ms`).toEqual([]);
    for (const answer of answers) expect(answer.status).not.toBe('PENDING');
    expect(new Set(answers.map((x) => x.confirmationNumber)).size).toBe(BOOKINGS);

    const lookups =
      (await counter(a, 'reservation_ledger_lookups_total')) +
      (await counter(b, 'reservation_ledger_lookups_total')) -
      lookupsBefore;
    expect(lookups).toBeLessThanOrEqual(BOOKINGS);

    // Each answer is what the reservation's owner reads afterwards (the payment answers came first).
    const sample = answers.filter((_, i) => i % 10 === 0);
    for (const answer of sample) {
      await waitFor(
        async () => {
          const response = await fetch(`http://${a.server}/reservations/${answer.confirmationNumber}`, {
            headers: { 'x-api-key': bookingKey },
          });
          if (response.status !== 200) return false;
          return ((await response.json()) as { status: string }).status === answer.status;
        },
        { description: `${answer.confirmationNumber} reads ${answer.status}`, timeoutMs: 30_000 },
      );
    }
  });
});
