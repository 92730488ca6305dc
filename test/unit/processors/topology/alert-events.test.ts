/**
 * The alert emitter in the test driver: `analytics.alerts` carries an event when an alert starts, when its
 * figure changes and when it ends, and nothing when a stay date is evaluated again with the same figures.
 * A new business day (stream time, seen by the punctuator or by the next change) re-evaluates the
 * property: the pace moves, today's cancellations become yesterday's, nights pass.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_STORES, newAlertStats } from '../../../../processors/topology/analytics/alerts-processor.js';
import type { AnalyticsAlert } from '../../../../schemas/generated/types.js';
import { cancelled, created, type Pipeline, startPipeline } from './harness.js';

const pipelines: Pipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

/** 11:00 in Lisbon on `date`. */
const on = (date: string) => Date.parse(`${date}T10:00:00Z`);

/** The events of the Test Inn, as [status, kind, room type, night, sequence, value, detail]. */
function summary(events: AnalyticsAlert[]) {
  return events
    .filter((e) => e.propertyId === 'TST-INN')
    .map((e) => [e.status, e.kind, e.roomType, e.stayDate, e.sequence, e.value, e.detail]);
}

async function start(persistentStores: boolean) {
  const alertStats = newAlertStats();
  const p = await startPipeline({ persistentStores }, {}, { alertStats });
  pipelines.push(p);
  const book = async (at: string, roomType: string, rooms: number, checkIn: string, checkOut: string) => {
    const guest = created({ roomType, rooms, checkIn, checkOut });
    p.pipe('reservation.created', guest, on(at));
    await p.settlePayments(on(at));
    return guest;
  };
  /** An event of another property: advances the task's stream time, as any record of the partition does. */
  const tick = async (at: string) => {
    await bookElsewhere(p, at);
  };
  return { p, book, tick, alertStats };
}

let elsewhere = 0;
async function bookElsewhere(p: Pipeline, at: string) {
  const guest = created({ propertyId: 'LIS-ALFAMA', checkIn: '2026-12-01', checkOut: '2026-12-02' });
  guest.guestDetails.email = `other${++elsewhere}@example.org`;
  p.pipe('reservation.created', guest, on(at));
  await p.settlePayments(on(at));
}

describe.each([
  ['in-memory', false],
  ['RocksDB', true],
])('alert events on analytics.alerts (test driver, %s stores)', (_stores, persistent) => {
  it('raises an alert when it starts, updates it when its figure changes, clears it when it ends', async () => {
    const { p, book, alertStats } = await start(persistent);
    // Both suites of 10 August: 100 % of the room type on the books.
    const suites = await book('2026-07-25', 'STE', 2, '2026-08-10', '2026-08-11');
    const raised = p.read('analytics.alerts');
    expect(summary(raised)).toEqual([
      ['RAISED', 'OCCUPANCY_HIGH', 'STE', '2026-08-10', 1, '1.0000', '2 of 2 rooms on the books'],
    ]);
    expect(raised[0]).toMatchObject({
      eventId: 'TST-INN|STE|2026-08-10|OCCUPANCY_HIGH#1',
      eventType: 'AnalyticsAlert',
      threshold: '0.9000',
      asOf: '2026-07-25',
      occurredAt: on('2026-07-25'),
      raisedAt: on('2026-07-25'),
    });

    // 4 standard rooms for 12 August, then a 5th (the overbooking allowance): raised, then updated.
    await book('2026-07-25', 'STD', 4, '2026-08-12', '2026-08-13');
    await book('2026-07-25', 'STD', 1, '2026-08-12', '2026-08-13');
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['RAISED', 'OCCUPANCY_HIGH', 'STD', '2026-08-12', 1, '1.0000', '4 of 4 rooms on the books'],
      ['UPDATED', 'OCCUPANCY_HIGH', 'STD', '2026-08-12', 2, '1.2500', '5 of 4 rooms on the books'],
    ]);

    // The suites cancelled (free, the same day): occupancy cleared, and 2 of 2 room-nights lost today.
    p.pipe('reservation.cancelled', cancelled(suites), on('2026-07-25'));
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['CLEARED', 'OCCUPANCY_HIGH', 'STE', '2026-08-10', 2, '1.0000', 'back within the threshold'],
    ]);
    // Booked and cancelled on one day nets to nothing today: no spike. Booked again, and cancelled the
    // next day, it is one.
    const again = await book('2026-07-26', 'STE', 2, '2026-08-10', '2026-08-11');
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['RAISED', 'OCCUPANCY_HIGH', 'STE', '2026-08-10', 3, '1.0000', '2 of 2 rooms on the books'],
    ]);
    p.pipe('reservation.cancelled', cancelled(again), on('2026-07-27'));
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['CLEARED', 'OCCUPANCY_HIGH', 'STE', '2026-08-10', 4, '1.0000', 'back within the threshold'],
      [
        'RAISED',
        'CANCELLATION_SPIKE',
        'STE',
        '2026-08-10',
        1,
        '1.0000',
        '2 of 2 room-nights taken off the books today',
      ],
    ]);
    expect(Object.fromEntries(alertStats.emitted)).toEqual({
      'OCCUPANCY_HIGH|RAISED': 3,
      'OCCUPANCY_HIGH|UPDATED': 1,
      'OCCUPANCY_HIGH|CLEARED': 2,
      'CANCELLATION_SPIKE|RAISED': 1,
    });
  });

  it('emits nothing when a stay date is evaluated again with the same figures', async () => {
    const { p, book } = await start(persistent);
    await book('2026-07-25', 'STE', 2, '2026-08-10', '2026-08-11');
    expect(p.read('analytics.alerts')).toHaveLength(1);
    // Other nights and room types of the property change; 10 August's suites are evaluated again on the
    // next day's turn with the same figures.
    await book('2026-07-25', 'STD', 1, '2026-08-10', '2026-08-12');
    await book('2026-07-26', 'STD', 1, '2026-08-11', '2026-08-12');
    await bookElsewhere(p, '2026-07-27');
    expect(summary(p.read('analytics.alerts'))).toEqual([]);
    // Replayed input (the same reservation again) changes nothing on the books, so nothing either.
    const store = p.driver.getKeyValueStore<string, { status: string; sequence: number }>(
      ALERT_STORES.alerts,
    );
    expect(store.get('TST-INN|STE|2026-08-10|OCCUPANCY_HIGH')).toMatchObject({
      status: 'RAISED',
      sequence: 1,
    });
  });

  it('re-evaluates a property when its business day turns, by stream time alone', async () => {
    const { p, book, tick } = await start(persistent);
    // 22 August booked on 20 July: from 27 July on (lead time 26 days) it is the comparable of 29 August
    // (a week later, as of a week before), which has nothing: pace (4 × 0 − 2) / 2 = −100 %.
    await book('2026-07-20', 'STD', 2, '2026-08-22', '2026-08-23');
    await tick('2026-07-26');
    expect(summary(p.read('analytics.alerts'))).toEqual([]);
    await tick('2026-07-27'); // only stream time moves: another property's record
    expect(summary(p.read('analytics.alerts'))).toEqual([
      [
        'RAISED',
        'PACE_BEHIND',
        'STD',
        '2026-08-29',
        1,
        '-1.0000',
        '0 room-nights against 2/4 at the same lead time',
      ],
    ]);
    // Booked up to the comparable figure, 29 August is on pace again: cleared by its change.
    await book('2026-07-27', 'STD', 2, '2026-08-29', '2026-08-30');
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['CLEARED', 'PACE_BEHIND', 'STD', '2026-08-29', 2, '-1.0000', 'back within the threshold'],
    ]);
  });

  it('clears a cancellation spike the next day and every alert once its night has passed', async () => {
    const { p, book, tick } = await start(persistent);
    const group = await book('2026-08-01', 'STD', 3, '2026-08-05', '2026-08-06');
    await book('2026-08-01', 'STE', 2, '2026-08-05', '2026-08-06');
    p.pipe('reservation.cancelled', cancelled(group), on('2026-08-02'));
    expect(summary(p.read('analytics.alerts')).map((e) => [e[0], e[1], e[2]])).toEqual([
      ['RAISED', 'OCCUPANCY_HIGH', 'STE'],
      ['RAISED', 'CANCELLATION_SPIKE', 'STD'],
    ]);
    await tick('2026-08-03');
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['CLEARED', 'CANCELLATION_SPIKE', 'STD', '2026-08-05', 2, '1.0000', 'back within the threshold'],
    ]);
    await tick('2026-08-06'); // 5 August is history
    expect(summary(p.read('analytics.alerts'))).toEqual([
      ['CLEARED', 'OCCUPANCY_HIGH', 'STE', '2026-08-05', 2, '1.0000', 'the night has passed'],
    ]);
    // Nothing is kept for a night that has passed.
    const store = p.driver.getKeyValueStore<string, unknown>(ALERT_STORES.alerts);
    expect([...store.all()].filter((e) => e.key.startsWith('TST-INN|'))).toEqual([]);
  });
});
