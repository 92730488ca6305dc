import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import type { TopicName } from '../../../schemas/generated/topics.js';
import type { ReservationConfirmed, ReservationCreated } from '../../../schemas/generated/types.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { endpoints, inputProducer, kafka, readAll, waitFor } from '../../support/index.js';
import { startTestInstance, type TestInstance } from './api-instance.js';

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function booking(patch: Record<string, unknown> = {}) {
  return {
    propertyId: 'LIS-ALFAMA',
    roomType: 'SUP',
    checkInDate: future(30),
    checkOutDate: future(32),
    rooms: 1,
    adults: 2,
    guest: { firstName: 'Ana', lastName: 'Silva', email: 'ana@example.com' },
    paymentToken: 'tok_test_9f8e7d6c',
    ...patch,
  };
}

/** Requests per key per minute in this file's instance. */
const LIMIT = 30;

describe('reservations API on the real stack', () => {
  let t: TestInstance;
  let key: string;
  const serdes = avroReservationSerdes(new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl }));

  async function decoded<T>(topic: TopicName): Promise<Array<{ key: string; value: T }>> {
    const name = `${t.prefix}${topic}`;
    const records = await readAll(name);
    const serde = serdes.value(topic);
    await serde.prepareBatch?.(
      records.map((r) => r.value),
      { topic: name, isKey: false },
    );
    return records.map((r) => ({
      key: r.key!.toString(),
      value: serde.deserialize(r.value, { topic: name, isKey: false }) as T,
    }));
  }

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    t.api.app.inject({
      method: 'POST',
      url,
      payload: body as object,
      headers: { 'x-api-key': key, ...headers },
    });

  beforeAll(async () => {
    t = await startTestInstance({ RATE_LIMIT_MAX: String(LIMIT) });
    key = await t.api.apiKeys.create('it-booking', 'booking');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates a reservation: 201, PENDING, Location, and reservation.created keyed by the property in Avro', async () => {
    const response = await post('/reservations', booking());
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.confirmationNumber).toMatch(/^RSV-\d{4}-000001$/);
    expect(body.status).toBe('PENDING');
    expect(response.headers.location).toBe(`/reservations/${body.confirmationNumber}`);
    const records = await decoded<ReservationCreated>('reservation.created');
    expect(records).toHaveLength(1);
    expect(records[0]?.key).toBe('LIS-ALFAMA');
    expect(records[0]?.value).toMatchObject({
      eventId: body.eventId,
      confirmationNumber: body.confirmationNumber,
      stayDetails: { roomType: 'SUP', nights: 2, rooms: 1 },
      pricingDetails: { totalAmount: { amount: '338.00', currency: 'EUR' } },
    });
  });

  it('answers a retried request with the same Idempotency-Key with the first answer and produces nothing new', async () => {
    const before = (await readAll(`${t.prefix}reservation.created`)).length;
    const headers = { 'idempotency-key': 'retry-me-1' };
    const first = await post('/reservations', booking({ rooms: 2, adults: 3 }), headers);
    const second = await post('/reservations', booking({ rooms: 2, adults: 3 }), headers);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    const reused = await post('/reservations', booking({ rooms: 1 }), headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('API_ERR_IDEMPOTENCY_MISMATCH');
    const records = await decoded<ReservationCreated>('reservation.created');
    expect(records).toHaveLength(before + 1);
    expect(records.at(-1)?.value.idempotencyKey).toBe('retry-me-1');
  });

  it('refuses unauthenticated and bad requests without producing anything', async () => {
    const before = (await readAll(`${t.prefix}reservation.created`)).length;
    const noKey = await t.api.app.inject({ method: 'POST', url: '/reservations', payload: booking() });
    expect(noKey.statusCode).toBe(401);
    const badKey = await post('/reservations', booking(), { 'x-api-key': 'sk_not-a-key' });
    expect(badKey.statusCode).toBe(401);
    const unknownProperty = await post('/reservations', booking({ propertyId: 'ATLANTIS' }));
    expect(unknownProperty.statusCode).toBe(422);
    expect((await readAll(`${t.prefix}reservation.created`)).length).toBe(before);
  });

  it(`limits requests per API key in Redis: request ${LIMIT + 1} within the window gets 429`, async () => {
    const limited = await t.api.apiKeys.create('it-rate-limited', 'booking');
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) {
      const response = await t.api.app.inject({
        method: 'GET',
        url: '/reservations/RSV-2026-999999',
        headers: { 'x-api-key': limited },
      });
      statuses.push(response.statusCode);
    }
    expect(statuses.slice(0, LIMIT).every((s) => s === 404)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
    const counters = await t.api.redis.keys(`${t.prefix}:ratelimit:*`);
    expect(counters.length).toBeGreaterThan(0);
    // Another key is not affected.
    const other = await t.api.app.inject({
      method: 'GET',
      url: '/reservations/RSV-2026-999999',
      headers: { 'x-api-key': key },
    });
    expect(other.statusCode).toBe(404);
  });

  it('takes 40 concurrent bookings: 40 distinct confirmation numbers, 40 records, batched by the publisher', async () => {
    const before = (await readAll(`${t.prefix}reservation.created`)).length;
    // Two keys, 20 each: under the per-key limit.
    const keys = [
      await t.api.apiKeys.create('it-concurrent-1', 'booking'),
      await t.api.apiKeys.create('it-concurrent-2', 'booking'),
    ];
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(
          '/reservations',
          booking({
            propertyId: i % 2 === 0 ? 'LIS-ALFAMA' : 'NYC-MIDTOWN',
            roomType: i % 2 === 0 ? 'STD' : 'KNG',
          }),
          { 'x-api-key': keys[i % 2]! },
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    const numbers = new Set(responses.map((r) => r.json().confirmationNumber));
    expect(numbers.size).toBe(40);
    const records = await decoded<ReservationCreated>('reservation.created');
    expect(records).toHaveLength(before + 40);
    const produced = new Set(records.slice(before).map((r) => r.value.confirmationNumber));
    expect(produced).toEqual(numbers);
    for (const record of records) expect(record.key).toBe(record.value.propertyId);
  });

  it('hands out unique confirmation numbers from several Redis connections at once (several instances)', async () => {
    const { Redis } = await import('ioredis');
    const { RedisConfirmationNumbers } = await import('../../../api/reservations/confirmation-numbers.js');
    const clients = [new Redis(endpoints().redisUrl), new Redis(endpoints().redisUrl)];
    try {
      const prefix = `${t.prefix}:multi:`;
      const allocators = clients.map((c) => new RedisConfirmationNumbers(c, prefix));
      const numbers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => allocators[i % 2]!.next(Date.UTC(2027, 0, 1))),
      );
      expect(new Set(numbers).size).toBe(200);
      expect([...numbers].sort().at(-1)).toBe('RSV-2027-000200');
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('writes the system of record from the topics, and a replay of every record changes nothing', async () => {
    const created = (await post('/reservations', booking({ roomType: 'STD' }))).json();
    // Play the pipeline's part for this instance's topics: confirm the reservation.
    const confirmed: ReservationConfirmed = {
      eventId: `${created.eventId}:confirmed`,
      eventType: 'ReservationConfirmed',
      occurredAt: Date.now() + 1,
      confirmationNumber: created.confirmationNumber,
      propertyId: 'LIS-ALFAMA',
      guestId: `G-${created.confirmationNumber}`,
      stayDetails: {
        checkInDate: booking().checkInDate,
        checkOutDate: booking().checkOutDate,
        nights: 2,
        roomType: 'STD',
        rooms: 1,
        adults: 2,
        children: 0,
      },
      totalAmount: { amount: '258.00', currency: 'EUR' },
      paymentId: `PAY-${created.confirmationNumber}`,
      authorizationCode: 'AUTH-1',
    };
    const producer = inputProducer();
    await producer.connect();
    const serde = serdes.value('reservation.confirmed');
    const topic = `${t.prefix}reservation.confirmed`;
    await serde.prepare?.({ topic, isKey: false });
    await producer.send({
      topic,
      messages: [{ key: 'LIS-ALFAMA', value: serde.serialize(confirmed, { topic, isKey: false }) }],
    });
    const view = await waitFor(
      async () => {
        const response = await t.api.app.inject({
          method: 'GET',
          url: `/reservations/${created.confirmationNumber}`,
          headers: { 'x-api-key': key },
        });
        const body = response.json();
        return body.status === 'CONFIRMED' ? body : undefined;
      },
      { description: 'the sink to apply reservation.confirmed' },
    );
    expect(view.history.map((h: { eventType: string }) => h.eventType)).toEqual([
      'ReservationCreated',
      'ReservationConfirmed',
    ]);

    const snapshot = async () => {
      const reservations = await t.api.pool.query(
        'SELECT * FROM reservations.reservation ORDER BY confirmation_number',
      );
      const history = await t.api.pool.query('SELECT * FROM reservations.status_history ORDER BY event_id');
      return { reservations: reservations.rows, history: history.rows };
    };
    const events =
      (await readAll(`${t.prefix}reservation.created`)).length +
      (await readAll(`${t.prefix}reservation.confirmed`)).length;
    await waitFor(async () => (await snapshot()).history.length === events, {
      description: 'the sink to record every event',
    });
    const before = await snapshot();

    // Replay: every record of both topics once more, byte for byte, then a marker to know the sink got there.
    for (const name of ['reservation.created', 'reservation.confirmed']) {
      const records = await readAll(`${t.prefix}${name}`);
      await producer.send({
        topic: `${t.prefix}${name}`,
        messages: records.map((r) => ({ key: r.key, value: r.value })),
      });
    }
    const marker = (await post('/reservations', booking({ roomType: 'JRS' }))).json();
    await waitFor(
      async () =>
        (
          await t.api.pool.query('SELECT 1 FROM reservations.status_history WHERE event_id = $1', [
            marker.eventId,
          ])
        ).rowCount === 1,
      { description: 'the sink to reach the marker' },
    );
    // The marker was recorded by the API itself; wait until the sink's committed offsets reach the ends.
    const admin = kafka().admin();
    await admin.connect();
    await waitFor(
      async () => {
        for (const name of ['reservation.created', 'reservation.confirmed']) {
          const ends = await admin.watermarks(`${t.prefix}${name}`);
          const committed = await admin.committedOffsets(`${t.prefix.slice(0, -1)}-sink`, [
            `${t.prefix}${name}`,
          ]);
          for (const end of ends) {
            if (end.high === end.low) continue; // an empty partition has nothing to commit
            const done = committed.find((p) => p.partition === end.partition);
            if (done === undefined || done.offset < end.high) return false;
          }
        }
        return true;
      },
      { description: 'the sink to commit the replayed records' },
    );
    await admin.disconnect();
    await producer.disconnect();
    const after = await snapshot();
    const withoutMarker = {
      reservations: after.reservations.filter((r) => r.confirmation_number !== marker.confirmationNumber),
      history: after.history.filter((h) => h.event_id !== marker.eventId),
    };
    expect(withoutMarker).toEqual(before);
  });
});
