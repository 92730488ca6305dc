/**
 * Interactive queries across instances, on the real stack: two instances of one application (same
 * application id, topics, database), each listening on its own port and running the topology on its
 * share of the two partitions. Reads of availability, rates, KPIs and reservations answer from the state
 * stores of the instance that owns the property, whichever instance the client asks; while a third
 * instance joins and leaves again, every read is either the right answer or a retriable 503.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVED_BY_HEADER } from '../../../api/queries/forward-read.js';
import { STORES } from '../../../processors/topology/config.js';
import { waitFor } from '../../support/index.js';
import { type Node, settled, startNode } from './streams-nodes.js';

const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const FROM = day(50);
const TO = day(52);

/** The bookings: one per property, two at NYC-MIDTOWN (its room type then holds 2 rooms a night). */
const BOOKINGS = [
  { propertyId: 'LIS-ALFAMA', roomType: 'STD' },
  { propertyId: 'NYC-MIDTOWN', roomType: 'KNG' },
  { propertyId: 'NYC-MIDTOWN', roomType: 'KNG' },
  { propertyId: 'TYO-GINZA', roomType: 'DBL' },
  { propertyId: 'ZRH-SEEHOF', roomType: 'DBL' },
];
const PROPERTIES = [...new Set(BOOKINGS.map((b) => b.propertyId))];

describe('interactive queries answered from the owner’s state stores', () => {
  let a: Node;
  let b: Node;
  let bookingKey: string;
  let operatorKey: string;
  const numbers: Array<{ number: string; propertyId: string }> = [];
  /** Path → body of every settled read (availability, rates, reservations), for the churn phase. */
  const expected = new Map<string, string>();

  const get = async (node: Node, path: string, key = bookingKey) => {
    const response = await fetch(`http://${node.server}${path}`, { headers: { 'x-api-key': key } });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  const ownerOf = (propertyId: string) =>
    a.t.api.streams!.metadataForKey(STORES.inventory, Buffer.from(propertyId, 'utf8'))?.server;

  beforeAll(async () => {
    a = await startNode();
    b = await startNode(a.t);
    await settled([a, b], 'two instances sharing the partitions');
    bookingKey = await a.t.api.apiKeys.create('it-iq-booking', 'booking');
    operatorKey = await a.t.api.apiKeys.create('it-iq-operator', 'operator');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('answers the same from both instances, forwarding to the owner, and each answer is right', async () => {
    // Each instance owns some of the properties: reads on either instance must cross over.
    const owners = new Set(PROPERTIES.map(ownerOf));
    expect(owners).toEqual(new Set([a.server, b.server]));

    const created = await Promise.all(
      BOOKINGS.map(async (booking, i) => {
        const node = i % 2 === 0 ? a : b;
        const response = await fetch(`http://${node.server}/reservations?wait=true`, {
          method: 'POST',
          headers: { 'x-api-key': bookingKey, 'content-type': 'application/json' },
          body: JSON.stringify({
            ...booking,
            checkInDate: FROM,
            checkOutDate: TO,
            rooms: 1,
            adults: 2,
            guest: { firstName: 'Iq', lastName: `Guest${i}`, email: `iq${i}@example.com` },
            paymentToken: `tok_test_iq_${i}`,
          }),
        });
        expect(response.status).toBe(201);
        const answer = (await response.json()) as { confirmationNumber: string; status: string };
        return { ...answer, propertyId: booking.propertyId };
      }),
    );
    for (const c of created) {
      expect(c).toMatchObject({ status: 'CONFIRMED', decided: true });
      numbers.push({ number: c.confirmationNumber, propertyId: c.propertyId });
    }

    let forwarded = 0;
    /** Reads `path` from both instances: same status and body, served by the owner of `propertyId`. */
    const readBoth = async (path: string, propertyId: string, key = bookingKey) => {
      const [fromA, fromB] = await Promise.all([get(a, path, key), get(b, path, key)]);
      expect(fromA.status, `${path} ${fromA.body}`).toBe(200);
      expect(fromB.status, `${path} ${fromB.body}`).toBe(200);
      expect(fromB.body).toBe(fromA.body);
      for (const [node, answer] of [
        [a, fromA],
        [b, fromB],
      ] as const) {
        expect(answer.headers.get(SERVED_BY_HEADER)).toBe(ownerOf(propertyId));
        if (answer.headers.get(SERVED_BY_HEADER) !== node.server) forwarded++;
      }
      return JSON.parse(fromA.body);
    };

    for (const propertyId of PROPERTIES) {
      const booked = BOOKINGS.filter((bk) => bk.propertyId === propertyId);
      const roomType = booked[0]!.roomType;

      const availabilityPath = `/properties/${propertyId}/availability?from=${FROM}&to=${TO}`;
      const availability = await readBoth(availabilityPath, propertyId);
      const nights = availability.items.filter((n: { roomType: string }) => n.roomType === roomType);
      expect(nights.map((n: { date: string; roomsReserved: number }) => [n.date, n.roomsReserved])).toEqual([
        [FROM, booked.length],
        [day(51), booked.length],
      ]);
      const others = availability.items.filter((n: { roomType: string }) => n.roomType !== roomType);
      expect(others.every((n: { roomsReserved: number }) => n.roomsReserved === 0)).toBe(true);
      expected.set(availabilityPath, JSON.stringify(availability));

      const ratesPath = `/properties/${propertyId}/rates?from=${FROM}&to=${TO}`;
      const rates = await readBoth(ratesPath, propertyId);
      expect(rates.items.length).toBe(availability.items.length);
      for (const r of rates.items as Array<{ rate: string; baseRate: string; demandMultiplier: string }>) {
        // rate = base rate × multiplier, rounded to a minor unit (JPY: whole yen).
        expect(Math.abs(Number(r.rate) - Number(r.baseRate) * Number(r.demandMultiplier))).toBeLessThan(1);
      }
      expected.set(ratesPath, JSON.stringify(rates));

      // KPIs are counted as the bookings are decided; the 1-minute windows of this test sum to them.
      const kpisPath = `/properties/${propertyId}/kpis?window=1m&from=${new Date(Date.now() - 600_000).toISOString()}&to=${new Date(Date.now() + 600_000).toISOString()}`;
      const kpis = await waitFor(
        async () => {
          const k = await readBoth(kpisPath, propertyId, operatorKey);
          const sum = k.items.reduce((total: number, w: { bookings: number }) => total + w.bookings, 0);
          return sum === booked.length ? k : undefined;
        },
        { description: `${propertyId}'s bookings in its KPI windows`, timeoutMs: 20_000, intervalMs: 300 },
      );
      expect(kpis.items.every((w: { currency: string }) => w.currency.length === 3)).toBe(true);
    }

    for (const { number, propertyId } of numbers) {
      const path = `/reservations/${number}`;
      // The status comes from the owner's store, the history from the system of record, which follows
      // the sink (docs/api.md): ?wait=true answers on the pushed decision, before the sink wrote it.
      const view = await waitFor(
        async () => {
          const read = await readBoth(path, propertyId);
          return read.history.length >= 2 ? read : undefined;
        },
        { description: `${number}'s history in the system of record`, timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(view).toMatchObject({ confirmationNumber: number, propertyId, status: 'CONFIRMED' });
      expect(view.stay).toMatchObject({ checkInDate: FROM, checkOutDate: TO, rooms: 1, nights: 2 });
      expect(view.history.map((h: { eventType: string }) => h.eventType)).toEqual([
        'ReservationCreated',
        'ReservationConfirmed',
      ]);
      expected.set(path, JSON.stringify(view));
    }
    const unknown = await get(b, '/reservations/RSV-2026-999999');
    expect(unknown.status).toBe(404);
    expect(forwarded).toBeGreaterThan(0);
  });

  it('answers right or a retriable 503 while a third instance joins and an owner leaves, never a wrong body', async () => {
    expect(expected.size).toBeGreaterThan(0);
    const outcome = { ok: 0, unavailable: 0, wrong: [] as string[] };
    /** The instances polled: those listening. */
    const targets = new Set<Node>([a, b]);
    let polling = true;
    const poll = (async () => {
      while (polling) {
        for (const node of [...targets]) {
          for (const [path, body] of expected) {
            const answer = await get(node, path).catch(() => undefined);
            // No answer at all: the instance stopped listening between the check and the call.
            if (answer === undefined || !targets.has(node)) continue;
            if (answer.status === 200 && JSON.stringify(JSON.parse(answer.body)) === body) {
              outcome.ok++;
            } else if (
              answer.status === 503 &&
              answer.headers.get('retry-after') === '1' &&
              JSON.parse(answer.body).code === 'API_ERR_UNAVAILABLE' &&
              JSON.parse(answer.body).retriable === true
            ) {
              outcome.unavailable++;
            } else {
              outcome.wrong.push(`${node.server}${path}: ${answer.status} ${answer.body.slice(0, 300)}`);
            }
          }
        }
      }
    })();
    const c = await startNode(a.t);
    try {
      targets.add(c);
      await settled([a, b, c], 'the group with a third instance');
      // B leaves: its task moves to A or C, which restore its stores from the changelog.
      targets.delete(b);
      await b.close();
      await settled([a, c], 'the group after an owner left', [a, c]);
      const okBefore = outcome.ok;
      await waitFor(() => outcome.ok > okBefore + 2 * expected.size, { description: 'reads after settling' });
    } finally {
      polling = false;
      await poll;
      await c.close();
    }
    expect(outcome.wrong).toEqual([]);
    expect(outcome.ok).toBeGreaterThan(2 * expected.size);
    console.info(`during churn: ${outcome.ok} right answers, ${outcome.unavailable} retriable 503s`);
  });
});
