/**
 * The system of record follows the topology's order, not the API instances' clocks: two instances of one
 * application, one clock 20 minutes ahead and one 20 minutes behind, accept bookings and cancellations
 * for the same room type and nights, interleaved. Afterwards the Postgres calendar equals the `inventory`
 * store (read through the availability query) on every night, and every reservation row (status, stay)
 * equals the `reservations` store; then one instance leaves, its tasks move to the other, more commands
 * arrive, and they agree again. A sink ordering by event time fails this: a
 * count decided later but stamped by the clock behind loses to an older one stamped by the clock ahead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/index.js';
import { type Node, settled, startNode } from './streams-nodes.js';

const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const PROPERTY = 'LIS-ALFAMA';
/** Capacity 6 and no overbooking allowance (5 % of 6, rounded down): the last rooms run out. */
const ROOM_TYPE = 'STE';
const FIRST_NIGHT = 60;
const LAST_NIGHT = 66;
const SKEW_MS = 20 * 60_000;

interface Night {
  readonly roomType: string;
  readonly date: string;
  readonly roomsReserved: number;
  readonly roomsAvailable: number;
}

describe('the Postgres calendar equals the inventory store whatever the instances’ clocks say', () => {
  let a: Node;
  let b: Node;
  let key: string;
  let bookings = 0;
  /** Every confirmation number booked. */
  const numbers: string[] = [];

  beforeAll(async () => {
    a = await startNode(undefined, { name: 'it-sor', api: { clock: () => Date.now() + SKEW_MS } });
    b = await startNode(a.t, { api: { clock: () => Date.now() - SKEW_MS } });
    await settled([a, b], 'two instances sharing the partitions');
    key = await a.t.api.apiKeys.create('it-sor-booking', 'booking');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const book = async (node: Node, from: number, nights: number) => {
    const i = bookings++;
    const response = await fetch(`http://${node.server}/reservations?wait=true`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({
        propertyId: PROPERTY,
        roomType: ROOM_TYPE,
        checkInDate: day(from),
        checkOutDate: day(from + nights),
        rooms: 1,
        adults: 2,
        guest: { firstName: 'Sor', lastName: `Guest${i}`, email: `sor${i}@example.com` },
        paymentToken: `tok_test_sor_${i}`,
      }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { confirmationNumber: string; status: string };
  };
  const cancel = async (node: Node, confirmationNumber: string) => {
    const response = await fetch(`http://${node.server}/reservations/${confirmationNumber}/cancel`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status, await response.text()).toBeLessThan(300);
  };

  /** Books on both nodes at once (a booking from each per round), then cancels every third confirmed one on the other node. */
  const interleave = async (nodes: readonly Node[], rounds: number) => {
    const confirmed: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const answers = await Promise.all(
        nodes.map((node, i) => book(node, FIRST_NIGHT + ((round + i) % 4), 1 + ((round * 2 + i) % 3))),
      );
      for (const answer of answers) {
        numbers.push(answer.confirmationNumber);
        if (answer.status === 'CONFIRMED') confirmed.push(answer.confirmationNumber);
      }
    }
    const cancelled = confirmed.filter((_, i) => i % 3 === 0);
    await Promise.all(cancelled.map((n, i) => cancel(nodes[(i + 1) % nodes.length]!, n)));
    return { confirmed: confirmed.length, cancelled: cancelled.length };
  };

  /** The store's nights (through the availability query, forwarded to the owner) and the calendar's. */
  const bothViews = async (node: Node) => {
    const response = await fetch(
      `http://${node.server}/properties/${PROPERTY}/availability?from=${day(FIRST_NIGHT)}&to=${day(LAST_NIGHT + 1)}`,
      { headers: { 'x-api-key': key } },
    );
    if (response.status !== 200) return undefined;
    const store = ((await response.json()) as { items: Night[] }).items
      .filter((n) => n.roomType === ROOM_TYPE)
      .map((n) => ({ date: n.date, reserved: n.roomsReserved, available: n.roomsAvailable }));
    const rows = await node.t.api.pool.query<{ date: string; reserved: number; available: number }>(
      `SELECT to_char(stay_date, 'YYYY-MM-DD') AS date, rooms_reserved AS reserved, rooms_available AS available
       FROM availability.calendar WHERE property_id = $1 AND room_type = $2 AND stay_date BETWEEN $3 AND $4
       ORDER BY stay_date`,
      [PROPERTY, ROOM_TYPE, day(FIRST_NIGHT), day(LAST_NIGHT)],
    );
    // A night nobody booked has no calendar row: it holds the full capacity in both.
    const calendar = store.map((n) => rows.rows.find((r) => r.date === n.date) ?? { ...n, reserved: 0 });
    return { store, calendar };
  };

  const expectEqualEveryNight = async (node: Node, description: string) => {
    let last: unknown;
    const views = await waitFor(
      async () => {
        const v = await bothViews(node);
        last = v;
        return v !== undefined && JSON.stringify(v.store) === JSON.stringify(v.calendar) ? v : undefined;
      },
      { description, timeoutMs: 30_000, intervalMs: 300 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last views: ${JSON.stringify(last)}`);
    });
    expect(views.calendar).toEqual(views.store);
    // Something was booked on every night the rounds touched: the comparison is not of empty nights.
    expect(views.store.filter((n) => n.reserved > 0).length).toBeGreaterThanOrEqual(6);
  };

  /** Each reservation's status and stay in Postgres equal the `reservations` store's (GET answers from it). */
  const expectReservationsEqual = async (node: Node) => {
    let last: unknown;
    await waitFor(
      async () => {
        const diffs: unknown[] = [];
        for (const n of numbers) {
          const response = await fetch(`http://${node.server}/reservations/${n}`, {
            headers: { 'x-api-key': key },
          });
          if (response.status !== 200) return undefined;
          const view = (await response.json()) as { status: string; stay: object };
          const row = (
            await node.t.api.pool.query(
              `SELECT status, room_type AS "roomType", to_char(check_in_date, 'YYYY-MM-DD') AS "checkInDate",
                 to_char(effective_check_out_date, 'YYYY-MM-DD') AS "checkOutDate", effective_nights AS nights,
                 rooms, adults, children FROM reservations.reservation WHERE confirmation_number = $1`,
              [n],
            )
          ).rows[0];
          const { status, ...stay } = row ?? {};
          const sorted = (o: object) =>
            JSON.stringify(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));
          if (status !== view.status || sorted(stay) !== sorted(view.stay)) {
            diffs.push({ n, store: view, postgres: row });
          }
        }
        last = diffs;
        return diffs.length === 0;
      },
      { description: 'every reservation row equal to the store', timeoutMs: 30_000, intervalMs: 500 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; differences: ${JSON.stringify(last)}`);
    });
  };

  it('agrees on every night after interleaved commands from instances with skewed clocks', async () => {
    const outcome = await interleave([a, b], 6);
    // The room type sold out on some nights: refusals are part of the history too.
    expect(outcome.confirmed).toBeGreaterThan(0);
    expect(outcome.confirmed).toBeLessThan(12);
    await expectEqualEveryNight(b, 'calendar equal to the store');
    await expectReservationsEqual(a);
  });

  it('agrees again after a failover', async () => {
    await b.close();
    await settled([a], 'the survivor owning every task');
    await interleave([a], 4);
    await expectEqualEveryNight(a, 'calendar equal to the store after the failover');
    await expectReservationsEqual(a);
  });
});
