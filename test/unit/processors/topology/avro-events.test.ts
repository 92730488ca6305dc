/**
 * The topology's events against the real Avro schemas: the same scenarios run with Avro serdes (Confluent
 * wire format, in-memory registry), so an event that does not fit its schema (a wrong decimal, a missing
 * field, a bad enum symbol) fails here rather than on the broker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { avroReservationSerdes } from '../../../../processors/topology/serdes.js';
import { TOPIC_SCHEMAS, type TopicName } from '../../../../schemas/generated/topics.js';
import { InMemorySchemaRegistry } from '../../../../schemas/registry/in-memory-schema-registry.js';
import {
  cancelled,
  checkedIn,
  checkedOut,
  created,
  modified,
  type Pipeline,
  startPipeline,
  stay,
} from './harness.js';

const pipelines: Pipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

const T = Date.UTC(2026, 6, 1, 12, 0);

describe('reservation events in Avro', () => {
  it('encode and decode every event the topology and the worker write', async () => {
    const serdes = avroReservationSerdes(new InMemorySchemaRegistry());
    // The runtime prepares serdes before use (registering the schemas); the test driver does not.
    for (const topic of Object.keys(TOPIC_SCHEMAS) as TopicName[]) {
      await serdes.value(topic).prepare?.({ topic, isKey: false });
    }
    const p = await startPipeline({ serdes, settlementDelayMs: 0 });
    pipelines.push(p);

    const kept = created({ rooms: 2, checkIn: '2026-08-10', checkOut: '2026-08-12' });
    const moved = created({ rooms: 1, checkIn: '2026-08-10', checkOut: '2026-08-11' });
    const declined = created({ paymentToken: 'tok_visa_0000' });
    const yen = created({ propertyId: 'TYO-GINZA', roomType: 'SGL' });
    for (const guest of [kept, moved, declined, yen]) p.pipe('reservation.created', guest, T);
    p.pipe('reservation.created', created({ rooms: 1 }), T); // the fifth room: overbooks 08-10
    p.pipe('reservation.created', created({ rooms: 9 }), T); // sold out
    await p.settlePayments(T + 1000);
    p.pipe('reservation.modified', modified(moved, stay('STD', '2026-08-15', '2026-08-16')), T + 2000);
    p.pipe('reservation.cancelled', cancelled(yen), T + 3000);
    p.pipe('reservation.checkin', checkedIn(kept), Date.UTC(2026, 7, 10, 15, 0));
    const worker = await p.settlePayments(Date.UTC(2026, 7, 10, 15, 1));
    p.pipe('reservation.checkout', checkedOut(kept), Date.UTC(2026, 7, 12, 10, 0));
    p.pipe('reservation.cancelled', cancelled(kept), Date.UTC(2026, 7, 12, 11, 0)); // refused: stay is over

    const counts = Object.fromEntries(
      (
        [
          'availability.updated',
          'availability.overbooked',
          'rate.applied',
          'rate.updated',
          'reservation.confirmed',
          'reservation.rejected',
          'analytics.booking-kpis',
          'payment.settled',
        ] as const
      ).map((topic) => [topic, p.read(topic).length]),
    );
    for (const [topic, count] of Object.entries(counts)) expect(count, topic).toBeGreaterThan(0);
    expect(worker.captured).toHaveLength(1);

    // The worker's own events go through the same schemas.
    const refunds = await p.settlePayments(Date.UTC(2026, 7, 12, 12, 0));
    for (const [topic, values] of [
      ['payment.captured', worker.captured],
      ['payment.refunded', refunds.refunded],
    ] as const) {
      const serde = serdes.value(topic);
      for (const value of values) {
        const bytes = serde.serialize(value as never, { topic, isKey: false });
        expect(serde.deserialize(bytes, { topic, isKey: false })).toEqual(value);
      }
    }
  });
});
