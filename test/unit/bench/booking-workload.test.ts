import { describe, expect, it } from 'vitest';
import { BookingWorkload, type Operation, seasonalDemand } from '../../../bench/workload/booking-workload.js';
import { expandProperties, sampleProperties } from '../../../bench/workload/catalog.js';
import { toWorkloadRecord } from '../../../bench/workload/workload-events.js';
import { parsePropertyCatalog } from '../../../processors/domain/reference-data-loader.js';
import { nightsOf } from '../../../processors/domain/stay.js';

const catalog = parsePropertyCatalog({ properties: expandProperties(sampleProperties(), 24) });
const take = (seed: number, count: number) => new BookingWorkload({ seed, catalog }).take(count);
const share = (ops: Operation[], kind: Operation['kind']) =>
  ops.filter((o) => o.kind === kind).length / ops.length;

describe('BookingWorkload', () => {
  it('gives the same stream for the same seed and another for another seed', () => {
    expect(take(7, 2000)).toEqual(take(7, 2000));
    expect(take(8, 200)).not.toEqual(take(7, 200));
  });

  it('mixes creations, cancellations and modifications in the configured shares', () => {
    const ops = take(1, 20_000);
    expect(share(ops, 'cancel')).toBeGreaterThan(0.07);
    expect(share(ops, 'cancel')).toBeLessThan(0.09);
    expect(share(ops, 'modify')).toBeGreaterThan(0.03);
    expect(share(ops, 'modify')).toBeLessThan(0.05);
    const creates = ops.filter((o) => o.kind === 'create');
    const declined = creates.filter((o) => /(0000|0051|0054)$/.test(o.paymentToken)).length / creates.length;
    expect(declined).toBeGreaterThan(0.02);
    expect(declined).toBeLessThan(0.04);
  });

  it('only cancels or modifies reservations it created, and never one twice after cancelling it', () => {
    const created = new Set<string>();
    const cancelled = new Set<string>();
    for (const op of take(3, 10_000)) {
      if (op.kind === 'create') {
        expect(created.has(op.confirmationNumber)).toBe(false);
        created.add(op.confirmationNumber);
      } else {
        expect(created.has(op.confirmationNumber)).toBe(true);
        expect(cancelled.has(op.confirmationNumber)).toBe(false);
        if (op.kind === 'cancel') cancelled.add(op.confirmationNumber);
      }
    }
  });

  it('sends bigger hotels more bookings and concentrates demand on hot dates', () => {
    const workload = new BookingWorkload({ seed: 5, catalog });
    const ops = workload.take(20_000).filter((o) => o.kind === 'create');
    const count = (prefix: string) => ops.filter((o) => o.propertyId.startsWith(prefix)).length;
    // New York has 420 rooms, Zurich 24.
    expect(count('NYC-MIDTOWN')).toBeGreaterThan(5 * count('ZRH-SEEHOF'));
    const property = 'NYC-MIDTOWN-01';
    const hot = new Set(workload.hotDatesOf(property));
    const nights = new Map<string, number>();
    for (const op of ops.filter((o) => o.propertyId === property)) {
      for (const night of nightsOf(op.stay.checkInDate, op.stay.checkOutDate)) {
        nights.set(night, (nights.get(night) ?? 0) + op.stay.rooms);
      }
    }
    // Nights sold on a hot date against the average date of the same horizon (a week to three months).
    const hotAverage = [...hot].reduce((sum, night) => sum + (nights.get(night) ?? 0), 0) / hot.size;
    const others = [...nights.entries()].filter(
      ([night]) => !hot.has(night) && night >= '2027-03-09' && night <= '2027-05-29',
    );
    const otherAverage = others.reduce((sum, [, n]) => sum + n, 0) / others.length;
    expect(hotAverage).toBeGreaterThan(2 * otherAverage);
  });

  it('shapes stays: mostly short, one room, lead times up to eight months', () => {
    const creates = take(9, 10_000).filter((o) => o.kind === 'create');
    const short = creates.filter((o) => o.stay.nights <= 3).length / creates.length;
    expect(short).toBeGreaterThan(0.6);
    expect(creates.filter((o) => o.stay.rooms === 1).length / creates.length).toBeGreaterThan(0.85);
    expect(
      creates.every((o) => o.stay.checkInDate >= '2027-03-01' && o.stay.checkInDate <= '2027-11-01'),
    ).toBe(true);
  });

  it('has a summer peak in seasonal demand', () => {
    expect(seasonalDemand('2027-07-15')).toBeGreaterThan(0.99);
    expect(seasonalDemand('2027-01-15')).toBeLessThan(0.21);
  });
});

describe('toWorkloadRecord', () => {
  it('builds the API events keyed by property, with deterministic event ids', () => {
    const ops = take(2, 3000);
    const kinds = new Set<string>();
    for (const op of ops) {
      const record = toWorkloadRecord(catalog, op, 1_800_000_000_000);
      expect(record.key).toBe(op.propertyId);
      expect(record.value.eventId).toBe(`bench-${op.kind}-${op.seq}`);
      expect(record.value.occurredAt).toBe(1_800_000_000_000);
      expect(record.value.confirmationNumber).toBe(op.confirmationNumber);
      kinds.add(record.topic);
    }
    expect([...kinds].sort()).toEqual([
      'reservation.cancelled',
      'reservation.created',
      'reservation.modified',
    ]);
    const again = ops.map((op) => toWorkloadRecord(catalog, op, 1_800_000_000_000));
    expect(again).toEqual(ops.map((op) => toWorkloadRecord(catalog, op, 1_800_000_000_000)));
  });
});
