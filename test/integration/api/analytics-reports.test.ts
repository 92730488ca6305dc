/**
 * The pickup, pace, forecast and alert reports through the HTTP API on the real stack: two instances of one application
 * share the partitions; bookings and a cancellation go in through the API, and both instances answer the
 * reports from the `on-the-books` store of the instance that owns the property (forwarding as the other
 * store reads do). An alert the bookings raise is also emitted on `analytics.alerts`, written to Postgres
 * by the sink and counted in `/metrics`. Bad ranges and unknown properties are refused with 4xx.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVED_BY_HEADER } from '../../../api/queries/forward-read.js';
import { zonedDate } from '../../../processors/domain/timezone.js';
import { STORES } from '../../../processors/topology/config.js';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import type { AnalyticsAlert } from '../../../schemas/generated/types.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { endpoints, readAll, waitFor } from '../../support/index.js';
import { type Node, settled, startNode } from './streams-nodes.js';

const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const FROM = day(60);
const TO = day(63); // 3 nights

interface Night {
  capacity?: number;
  forecastRoomNights?: number;
  roomType: string;
  date: string;
  roomNights: number;
  revenue: string;
  pickup?: Array<{ days: number; roomNights: number; revenue: string }>;
  trend?: string;
  comparableRoomNights?: string;
  roomNightsPacePercent?: string | null;
}

describe('revenue reports through the API', () => {
  let a: Node;
  let b: Node;
  let bookingKey: string;
  let operatorKey: string;

  const get = async (node: Node, path: string, key = operatorKey) => {
    const response = await fetch(`http://${node.server}${path}`, { headers: { 'x-api-key': key } });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };
  const ownerOf = (propertyId: string) =>
    a.t.api.streams!.metadataForKey(STORES.inventory, Buffer.from(propertyId, 'utf8'))?.server;
  const book = async (node: Node, propertyId: string, roomType: string, rooms: number, i: number) => {
    const response = await fetch(`http://${node.server}/reservations?wait=true`, {
      method: 'POST',
      headers: { 'x-api-key': bookingKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        propertyId,
        roomType,
        checkInDate: FROM,
        checkOutDate: TO,
        rooms,
        adults: 2,
        guest: { firstName: 'Rm', lastName: `Guest${i}`, email: `rm${i}@example.com` },
        paymentToken: `tok_test_rm_${i}`,
      }),
    });
    expect(response.status).toBe(201);
    const answer = (await response.json()) as { confirmationNumber: string; status: string };
    expect(answer.status).toBe('CONFIRMED');
    return answer.confirmationNumber;
  };
  /** Reads `path` from both instances: same answer, served by the owner of `propertyId`. */
  const readBoth = async (path: string, propertyId: string) => {
    const [fromA, fromB] = await Promise.all([get(a, path), get(b, path)]);
    expect(fromA.status, `${path} ${fromA.body}`).toBe(200);
    expect(fromB.body).toBe(fromA.body);
    for (const answer of [fromA, fromB])
      expect(answer.headers.get(SERVED_BY_HEADER)).toBe(ownerOf(propertyId));
    return JSON.parse(fromA.body) as { propertyId: string; asOf: string; items: Night[] };
  };

  beforeAll(async () => {
    a = await startNode(undefined, { name: 'it-analytics' });
    b = await startNode(a.t);
    await settled([a, b], 'two instances sharing the partitions');
    bookingKey = await a.t.api.apiKeys.create('it-an-booking', 'booking');
    operatorKey = await a.t.api.apiKeys.create('it-an-operator', 'operator');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('reports the books and today’s pickup from the owner’s store, on either instance', async () => {
    // LIS-ALFAMA STD: 70 rooms at 129.00; 1 + 2 rooms stay far below 50 % occupancy (×1.0).
    await book(a, 'LIS-ALFAMA', 'STD', 1, 1);
    const cancelled = await book(b, 'LIS-ALFAMA', 'STD', 2, 2);
    await book(a, 'LIS-ALFAMA', 'STD', 1, 3);
    const cancel = await fetch(`http://${b.server}/reservations/${cancelled}/cancel`, {
      method: 'POST',
      headers: { 'x-api-key': bookingKey, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'GUEST_REQUEST' }),
    });
    expect(cancel.status).toBe(202);

    const path = `/properties/LIS-ALFAMA/pickup?from=${FROM}&to=${TO}`;
    // The cancellation is applied asynchronously: wait until the books show it (2 rooms a night).
    const report = await waitFor(
      async () => {
        const r = await readBoth(path, 'LIS-ALFAMA');
        const std = r.items.filter((n) => n.roomType === 'STD');
        return std.every((n) => n.roomNights === 2) ? r : undefined;
      },
      { description: 'the cancellation on the books', timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(report.asOf).toBe(zonedDate(Date.now(), 'Europe/Lisbon'));
    const std = report.items.filter((n) => n.roomType === 'STD');
    expect(std.map((n) => n.date)).toEqual([FROM, day(61), day(62)]);
    for (const night of std) {
      // 2 rooms × 129.00; everything was booked today, so every pickup span shows it all (a free
      // cancellation keeps no fee: booked and cancelled today nets to nothing).
      expect(night).toMatchObject({ roomNights: 2, revenue: '258.00' });
      expect(night.pickup).toEqual([1, 7, 30].map((days) => ({ days, roomNights: 2, revenue: '258.00' })));
    }
    const others = report.items.filter((n) => n.roomType !== 'STD');
    expect(others.length).toBe(9); // SUP, JRS, STE × 3 nights
    expect(others.every((n) => n.roomNights === 0 && n.revenue === '0.00')).toBe(true);

    const pace = await readBoth(`/properties/LIS-ALFAMA/pace?from=${FROM}&to=${TO}`, 'LIS-ALFAMA');
    for (const night of pace.items.filter((n) => n.roomType === 'STD')) {
      // Nothing was booked for the same weekdays of the weeks before: ahead, with no percentage.
      expect(night).toMatchObject({
        roomNights: 2,
        revenue: '258.00',
        comparableRoomNights: '0.00',
        roomNightsPacePercent: null,
        trend: 'AHEAD',
      });
    }
  });

  it('forecasts the books plus nothing when the weeks before picked nothing up', async () => {
    const forecast = await readBoth(`/properties/LIS-ALFAMA/forecast?from=${FROM}&to=${TO}`, 'LIS-ALFAMA');
    const std = forecast.items.filter((n) => n.roomType === 'STD');
    expect(std).toHaveLength(3);
    for (const night of std) {
      expect(night).toMatchObject({
        roomNights: 2,
        revenue: '258.00',
        capacity: 70,
        expectedPickupRoomNights: '0.00',
        forecastRoomNights: 2,
        forecastRevenue: '258.00',
        past: null,
      });
    }
  });

  it('raises an occupancy alert when a room type is nearly full on the books', async () => {
    // ZRH-SEEHOF has 2 suites: one booking of both puts 100 % of them on the books for its nights.
    await book(a, 'ZRH-SEEHOF', 'STE', 2, 4);
    const alerts = await waitFor(
      async () => {
        const r = await readBoth(`/properties/ZRH-SEEHOF/alerts?from=${FROM}&to=${TO}`, 'ZRH-SEEHOF');
        return r.items.length > 0 ? r : undefined;
      },
      { description: 'the occupancy alerts', timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(alerts.items).toEqual(
      [FROM, day(61), day(62)].map((date) => ({
        kind: 'OCCUPANCY_HIGH',
        roomType: 'STE',
        date,
        valuePercent: '100.00',
        thresholdPercent: '90.00',
        detail: '2 of 2 rooms on the books',
      })),
    );

    // The same alerts as events on `analytics.alerts`: raised once per night, by the owner's task.
    const topic = `${a.t.prefix}analytics.alerts`;
    const serde = avroReservationSerdes(
      new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl }),
    ).value('analytics.alerts');
    const context = { topic, isKey: false } as const;
    const events = await waitFor(
      async () => {
        const records = await readAll(topic, { isolation: 'read_committed' });
        await serde.prepareBatch?.(
          records.map((r) => r.value),
          context,
        );
        const decoded = records
          .map((r) => serde.deserialize(r.value, context) as AnalyticsAlert)
          .filter((e) => e.propertyId === 'ZRH-SEEHOF');
        return decoded.length >= 3 ? decoded : undefined;
      },
      { description: 'the alert events', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(
      events.map((e) => [e.status, e.kind, e.roomType, e.stayDate, e.sequence, e.value, e.threshold]),
    ).toEqual(
      [FROM, day(61), day(62)].map((date) => [
        'RAISED',
        'OCCUPANCY_HIGH',
        'STE',
        date,
        1,
        '1.0000',
        '0.9000',
      ]),
    );
    expect(events[0]!.eventId).toBe(`ZRH-SEEHOF|STE|${FROM}|OCCUPANCY_HIGH#1`);

    // Written to the system of record by the sink.
    const client = new pg.Client({ connectionString: a.t.databaseUrl });
    await client.connect();
    try {
      const rows = await waitFor(
        async () => {
          const { rows } = await client.query(
            `SELECT to_char(stay_date, 'YYYY-MM-DD') AS date, kind, status, active, value::text AS value,
                    detail, last_event_id
               FROM analytics.alert WHERE property_id = 'ZRH-SEEHOF' ORDER BY stay_date`,
          );
          return rows.length >= 3 ? rows : undefined;
        },
        { description: 'the alerts in Postgres', timeoutMs: 30_000, intervalMs: 300 },
      );
      expect(rows).toEqual(
        [FROM, day(61), day(62)].map((date) => ({
          date,
          kind: 'OCCUPANCY_HIGH',
          status: 'RAISED',
          active: true,
          value: '1.0000',
          detail: '2 of 2 rooms on the books',
          last_event_id: `ZRH-SEEHOF|STE|${date}|OCCUPANCY_HIGH#1`,
        })),
      );
      const history = await client.query(
        `SELECT count(*)::int AS n FROM analytics.alert_event WHERE property_id = 'ZRH-SEEHOF'`,
      );
      expect(history.rows[0].n).toBe(3);
    } finally {
      await client.end();
    }

    // And in the metrics: the owner counts 3 active alerts of the suites, the other instance none.
    const sample = (text: string, metric: string, labels: string) =>
      Number(text.match(new RegExp(`^${metric}\\{${labels}\\} (\\d+)$`, 'm'))?.[1] ?? 0);
    const metrics = await Promise.all([a, b].map(async (node) => (await get(node, '/metrics')).body));
    const active = metrics.map((m) =>
      sample(m, 'analytics_alerts_active', 'kind="OCCUPANCY_HIGH",property="ZRH-SEEHOF"'),
    );
    expect(active.reduce((x, y) => x + y, 0)).toBe(3);
    expect(active).toContain(0);
    const raised = metrics.map((m) =>
      sample(m, 'analytics_alerts_emitted_total', 'kind="OCCUPANCY_HIGH",status="RAISED"'),
    );
    expect(raised.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(3);
  });

  it('refuses unknown properties, bad ranges and booking clients with 4xx', async () => {
    const cases: Array<[string, number, string?]> = [
      [`/properties/ATLANTIS/pickup?from=${FROM}&to=${TO}`, 404],
      [`/properties/LIS-ALFAMA/pace?from=${TO}&to=${FROM}`, 422],
      [`/properties/LIS-ALFAMA/pickup?from=${FROM}&to=${day(200)}`, 422],
      [`/properties/LIS-ALFAMA/pickup?from=${FROM}`, 400],
      [`/properties/LIS-ALFAMA/pace?from=${FROM}&to=${TO}`, 403, bookingKey],
      [`/properties/NOWHERE/forecast?from=${FROM}&to=${TO}`, 404],
      [`/properties/NOWHERE/alerts?from=${FROM}&to=${TO}`, 404],
      [`/properties/LIS-ALFAMA/forecast?from=${FROM}&to=${FROM}`, 422],
    ];
    for (const [path, status, key] of cases) {
      expect((await get(b, path, key)).status, path).toBe(status);
    }
  });
});
