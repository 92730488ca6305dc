import { afterEach, describe, expect, it } from 'vitest';
import { queryAlerts } from '../../../../processors/topology/analytics/alerts.js';
import { ANALYTICS_STORES, type MonthBooks } from '../../../../processors/topology/analytics/on-the-books.js';
import { cancelled, catalog, created, type Pipeline, startPipeline } from './harness.js';

const pipelines: Pipeline[] = [];
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

/** 11:00 in Lisbon on `date`. */
const on = (date: string) => Date.parse(`${date}T10:00:00Z`);

describe('revenue alerts (test driver)', () => {
  it('flags pace behind, high occupancy and a cancellation spike, each on its night', async () => {
    const p = await startPipeline();
    pipelines.push(p);
    const book = async (at: string, rooms: number, checkIn: string, checkOut: string) => {
      const guest = created({ rooms, checkIn, checkOut });
      p.pipe('reservation.created', guest, on(at));
      await p.settlePayments(on(at));
      return guest;
    };
    await book('2026-07-20', 2, '2026-08-22', '2026-08-23'); // 29 Aug's comparable a week before
    await book('2026-07-25', 2, '2026-08-10', '2026-08-11');
    await book('2026-07-25', 2, '2026-08-10', '2026-08-11'); // 4 of 4 STD rooms on 10 Aug
    const group = await book('2026-07-31', 3, '2026-08-12', '2026-08-13');
    p.pipe('reservation.cancelled', cancelled(group), on('2026-08-01')); // all 3 gone today

    const store = p.driver.getKeyValueStore<string, MonthBooks>(ANALYTICS_STORES.onTheBooks);
    const alerts = queryAlerts(store, catalog, 'TST-INN', '2026-08-01', '2026-09-01', '2026-08-01');
    expect(alerts.map((a) => [a.kind, a.roomType, a.night, a.valueBp, a.thresholdBp])).toEqual([
      ['OCCUPANCY_HIGH', 'STD', '2026-08-10', 10_000, 9_000], // 4 / 4 rooms
      ['CANCELLATION_SPIKE', 'STD', '2026-08-12', 10_000, 2_000], // 3 of 3 room-nights lost today
      // 17 August has nothing; its comparable 10 August had 4 as of 25 July: (4 × 0 − 4) / 4 = −100 %.
      ['PACE_BEHIND', 'STD', '2026-08-17', -10_000, -2_000],
      // 29 August has nothing; 22 August had 2 as of 25 July.
      ['PACE_BEHIND', 'STD', '2026-08-29', -10_000, -2_000],
    ]);
    expect(alerts[1]!.detail).toBe('3 of 3 room-nights taken off the books today');
    // Nights already passed raise nothing: as of 11 August, 10 August is history.
    expect(
      queryAlerts(store, catalog, 'TST-INN', '2026-08-10', '2026-08-11', '2026-08-11').map((a) => a.kind),
    ).toEqual([]);
  });
});
