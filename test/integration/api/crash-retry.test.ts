/**
 * Idempotency-Keys across a crash, on the real stack (issue 22's first "done when"). Two instances of the
 * application run as child processes (`api/main.ts`, each with the topology, payment worker and sink).
 * Bookings with Idempotency-Keys stream into instance A; once A has answered some, A is killed with
 * SIGKILL (the way production dies: no shutdown hook, requests in flight, some produced but never
 * answered). The client then retries every key on the survivor B until it has an answer.
 *
 * Checked afterwards: every key maps to exactly one reservation (B's answer, A's answer when it gave one,
 * and every `reservation.created` on the topic carrying that key name the same confirmation number; no
 * two keys share one), every reservation gets decided, and the availability B reports from its
 * `inventory` store equals an independent sum of the confirmed stays, night by night.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresApiKeyStore } from '../../../api/auth/api-keys.js';
import { migrate } from '../../../api/db/migrate.js';
import { nightsOf } from '../../../processors/domain/stay.js';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import type { ReservationCreated } from '../../../schemas/generated/types.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { endpoints, readAll, uniqueName, waitFor } from '../../support/index.js';
import { createDatabase, testEnv } from './api-instance.js';
import { type ApiProcess, startApiProcess } from './api-process.js';

const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Bookings per run, and how many answers A gives before it is killed. */
const KEYS = 48;
const ANSWERED_BEFORE_KILL = 12;
/** The pending lease in this test (default 10 s), so retries of A's unanswered keys wait less. */
const LEASE_SECONDS = 5;

const STAYS = [
  { propertyId: 'LIS-ALFAMA', roomType: 'STD' },
  { propertyId: 'NYC-MIDTOWN', roomType: 'KNG' },
] as const;

function bookingFor(i: number) {
  const { propertyId, roomType } = STAYS[i % STAYS.length]!;
  const checkInDate = day(60 + (i % 4));
  return {
    propertyId,
    roomType,
    checkInDate,
    checkOutDate: day(62 + (i % 4)),
    rooms: 1 + (i % 2),
    adults: 2,
    guest: { firstName: 'Crash', lastName: `Guest${i}`, email: `crash${i}@example.com` },
    paymentToken: `tok_crash_${i}_ok`,
  };
}

interface Outcome {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly retryAfter: number;
}

async function post(server: string, apiKey: string, idempotencyKey: string, body: unknown): Promise<Outcome> {
  const response = await fetch(`http://${server}/reservations`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'idempotency-key': idempotencyKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    retryAfter: Number(response.headers.get('retry-after') ?? '1'),
  };
}

describe('a booking retried after its instance was SIGKILLed', () => {
  const prefix = `${uniqueName('crash')}.`;
  let database: Awaited<ReturnType<typeof createDatabase>>;
  let pool: pg.Pool;
  let apiKey: string;
  let a: ApiProcess | undefined;
  let b: ApiProcess | undefined;

  beforeAll(async () => {
    database = await createDatabase();
    await migrate(database.url);
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    apiKey = await new PostgresApiKeyStore(pool).create('it-crash-booking', 'booking');
    const env = testEnv(prefix, database.url, {
      RUN_STREAMS: 'true',
      RUN_PAYMENT_WORKER: 'true',
      RUN_SINK: 'true',
      RATE_LIMIT_MAX: '1000000',
      IDEMPOTENCY_PENDING_SECONDS: String(LEASE_SECONDS),
    });
    a = await startApiProcess(env);
    b = await startApiProcess(env);
  }, 240_000);
  afterAll(async () => {
    await a?.kill();
    await b?.stop();
    await pool?.end();
    await database?.drop();
  });

  it('maps every key to exactly one reservation, and availability equals the sum of the confirmed stays', async () => {
    const survivor = b!;
    const read = async (path: string) => {
      const response = await fetch(`http://${survivor.server}${path}`, { headers: { 'x-api-key': apiKey } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    // Both instances run their share of the tasks before the load starts.
    for (const { propertyId } of STAYS) {
      await waitFor(
        async () =>
          (await read(`/properties/${propertyId}/availability?from=${day(60)}&to=${day(61)}`)).status === 200,
        {
          description: `${propertyId} readable before the load`,
          timeoutMs: 60_000,
        },
      );
    }

    // Phase 1: a stream of bookings into A, killed once it has answered a few.
    const keys = Array.from({ length: KEYS }, (_, i) => `crash-${i}`);
    const fromA = new Map<string, Outcome | 'no answer'>();
    let answered = 0;
    let killed: Promise<void> | undefined;
    const inFlight = keys.map(async (key, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 15));
      if (killed !== undefined) return;
      const outcome = await post(a!.server, apiKey, key, bookingFor(i)).catch(() => 'no answer' as const);
      fromA.set(key, outcome);
      if (outcome !== 'no answer' && outcome.status === 201 && ++answered === ANSWERED_BEFORE_KILL) {
        killed = a!.kill();
      }
    });
    await Promise.all(inFlight);
    await killed;
    expect(a!.child.signalCode).toBe('SIGKILL');
    const answeredByA = [...fromA.entries()].filter(([, o]) => o !== 'no answer' && o.status === 201);
    expect(answeredByA.length).toBeGreaterThanOrEqual(ANSWERED_BEFORE_KILL);

    // Phase 2: the client retries every key on B until it has an answer (409 and 503 are retriable).
    const numberOf = new Map<string, string>();
    let conflicts = 0;
    await Promise.all(
      keys.map(async (key, i) => {
        const outcome = await waitFor(
          async () => {
            const o = await post(survivor.server, apiKey, key, bookingFor(i));
            if (o.status === 201) return o;
            if (o.status === 409) conflicts++;
            if (o.status !== 409 && o.status !== 503)
              throw new Error(`${key}: ${o.status} ${JSON.stringify(o.body)}`);
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, o.retryAfter * 1000 - 200)));
            return undefined;
          },
          { description: `an answer for ${key} from the survivor`, timeoutMs: 120_000, intervalMs: 200 },
        );
        numberOf.set(key, outcome.body.confirmationNumber as string);
      }),
    );
    for (const [key, outcome] of answeredByA) {
      expect(numberOf.get(key), key).toBe((outcome as Outcome).body.confirmationNumber);
    }
    expect(new Set(numberOf.values()).size).toBe(KEYS);

    // The topic: every reservation.created of a key names that key's one confirmation number.
    const topic = `${prefix}reservation.created`;
    const serde = avroReservationSerdes(
      new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl }),
    ).value('reservation.created');
    const records = await readAll(topic);
    await serde.prepareBatch?.(
      records.map((r) => r.value),
      { topic, isKey: false },
    );
    const created = records.map(
      (r) => serde.deserialize(r.value, { topic, isKey: false }) as ReservationCreated,
    );
    const byKey = new Map<string, ReservationCreated[]>();
    for (const event of created)
      byKey.set(event.idempotencyKey ?? '', [...(byKey.get(event.idempotencyKey ?? '') ?? []), event]);
    expect([...byKey.keys()].sort()).toEqual([...keys].sort());
    for (const [key, events] of byKey) {
      expect(new Set(events.map((e) => e.confirmationNumber)), key).toEqual(new Set([numberOf.get(key)]));
      expect(new Set(events.map((e) => e.eventId)).size, key).toBe(1);
    }
    const reproduced = [...byKey.values()].filter((events) => events.length > 1).length;
    const unanswered = keys.length - answeredByA.length;
    console.log(
      `crash-retry: A answered ${answeredByA.length} of ${KEYS} before SIGKILL; ${unanswered} retried with no answer from A (in flight at the kill, or not sent yet); ` +
        `${reproduced} keys produced twice (same event: the first attempt's fate was unknown); ${conflicts} × 409 during the lease`,
    );

    // Every reservation decided, read from B's stores (B runs every task once the group dropped A).
    const statuses = new Map<string, string>();
    for (const [key, number] of numberOf) {
      const view = await waitFor(
        async () => {
          const r = await read(`/reservations/${number}`);
          return r.status === 200 && r.body.status !== 'PENDING' ? r.body : undefined;
        },
        { description: `${number} (${key}) decided`, timeoutMs: 120_000, intervalMs: 300 },
      );
      statuses.set(number, view.status as string);
    }
    expect([...statuses.values()].every((s) => s === 'CONFIRMED')).toBe(true);

    // Availability equals an independent sum of the confirmed stays, night by night.
    const expected = new Map<string, number>();
    keys.forEach((key, i) => {
      const booking = bookingFor(i);
      if (statuses.get(numberOf.get(key)!) !== 'CONFIRMED') return;
      for (const night of nightsOf(booking.checkInDate, booking.checkOutDate)) {
        const cell = `${booking.propertyId}|${booking.roomType}|${night}`;
        expected.set(cell, (expected.get(cell) ?? 0) + booking.rooms);
      }
    });
    const actual = new Map<string, number>();
    for (const { propertyId, roomType } of STAYS) {
      const availability = await waitFor(
        async () => {
          const r = await read(`/properties/${propertyId}/availability?from=${day(59)}&to=${day(67)}`);
          return r.status === 200 ? r.body : undefined;
        },
        { description: `${propertyId} availability`, timeoutMs: 60_000 },
      );
      for (const item of availability.items as Array<{
        date: string;
        roomType: string;
        roomsReserved: number;
      }>) {
        if (item.roomType === roomType && item.roomsReserved !== 0) {
          actual.set(`${propertyId}|${roomType}|${item.date}`, item.roomsReserved);
        }
      }
    }
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
  }, 420_000);
});
