import { afterEach, describe, expect, it } from 'vitest';
import { monthBooksSerde } from '../../../../processors/topology/analytics/month-books-serde.js';
import {
  ANALYTICS_STORES,
  booksOn,
  type MonthBooks,
} from '../../../../processors/topology/analytics/on-the-books.js';
import { Serdes } from '../../../../topology/serdes/index.js';
import { cancelled, created, modified, type Pipeline, startPipeline, stay } from './harness.js';

const pipelines: Pipeline[] = [];
async function start(): Promise<Pipeline> {
  const p = await startPipeline();
  pipelines.push(p);
  return p;
}
afterEach(async () => {
  for (const p of pipelines.splice(0)) await p.close();
});

// Test Inn (Lisbon, UTC+1 in summer): STD 4 rooms at 100.00 EUR, STE 2 at 250.00; ×1.0 below 50 %
// occupancy. Free cancellation until 48 h before check-in at 15:00 local, then the first night is kept.
const T = Date.UTC(2026, 6, 1, 10, 0); // 2026-07-01, 11:00 in Lisbon
const DAY = 86_400_000;

async function book(p: Pipeline, options: Parameters<typeof created>[0], at: number) {
  const guest = created(options);
  p.pipe('reservation.created', guest, at);
  await p.settlePayments(at);
  return guest;
}

const store = (p: Pipeline) => p.driver.getKeyValueStore<string, MonthBooks>(ANALYTICS_STORES.onTheBooks);

/** [roomNights, revenueMinor] of (room type, night) on the books; undefined when never booked. */
function books(p: Pipeline, roomType: string, night: string): [number, number] | undefined {
  const value = booksOn(store(p), 'TST-INN', roomType, night);
  return value === undefined ? undefined : [value.roomNights, value.revenueMinor];
}

describe('on-the-books per property, room type and stay date (test driver)', () => {
  it('counts a confirmed booking once per stay night, and nothing before the payment is authorised', async () => {
    const p = await start();
    const guest = created({ rooms: 2, checkIn: '2026-08-10', checkOut: '2026-08-13' });
    p.pipe('reservation.created', guest, T);
    expect(books(p, 'STD', '2026-08-10')).toBeUndefined(); // pending: not on the books yet
    await p.settlePayments(T);
    // 2 rooms × 100.00 on each of 3 nights.
    for (const night of ['2026-08-10', '2026-08-11', '2026-08-12'])
      expect(books(p, 'STD', night)).toEqual([2, 20_000]);
    expect(books(p, 'STD', '2026-08-13')).toBeUndefined(); // the check-out day is not a night
    expect(booksOn(store(p), 'TST-INN', 'STD', '2026-08-10')).toEqual({
      currency: 'EUR',
      roomNights: 2,
      revenueMinor: 20_000,
      daily: [{ day: '2026-07-01', roomNights: 2, revenueMinor: 20_000 }],
    });
  });

  it('moves the nights of a modification: nights left go, nights added come, nights kept stay', async () => {
    const p = await start();
    const guest = await book(p, { checkIn: '2026-08-10', checkOut: '2026-08-12' }, T); // nights 10, 11
    await book(p, { checkIn: '2026-08-11', checkOut: '2026-08-12' }, T); // another room on the 11th
    // Moved one night later: 11, 12. Repriced at the occupancy without itself: the 11th had 1 other
    // room (25 %, ×1.0), the 12th none: 100.00 each.
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-11', '2026-08-13')), T + DAY);
    expect(books(p, 'STD', '2026-08-10')).toEqual([0, 0]);
    expect(books(p, 'STD', '2026-08-11')).toEqual([2, 20_000]);
    expect(books(p, 'STD', '2026-08-12')).toEqual([1, 10_000]);
    // The daily changes tell when: the 10th lost its room on 2 July, the 12th gained one.
    expect(booksOn(store(p), 'TST-INN', 'STD', '2026-08-10')?.daily).toEqual([
      { day: '2026-07-01', roomNights: 1, revenueMinor: 10_000 },
      { day: '2026-07-02', roomNights: -1, revenueMinor: -10_000 },
    ]);
    // The 11th was kept at the same price: no change on 2 July.
    expect(booksOn(store(p), 'TST-INN', 'STD', '2026-08-11')?.daily).toEqual([
      { day: '2026-07-01', roomNights: 2, revenueMinor: 20_000 },
    ]);
  });

  it('moves nights to another room type on a modification', async () => {
    const p = await start();
    const guest = await book(p, { checkIn: '2026-08-10', checkOut: '2026-08-12' }, T);
    p.pipe('reservation.modified', modified(guest, stay('STE', '2026-08-10', '2026-08-12')), T + DAY);
    expect(books(p, 'STD', '2026-08-10')).toEqual([0, 0]);
    expect(books(p, 'STE', '2026-08-10')).toEqual([1, 25_000]);
    expect(books(p, 'STE', '2026-08-11')).toEqual([1, 25_000]);
  });

  it('takes a cancelled stay off the books and keeps a late fee as revenue of its first night', async () => {
    const p = await start();
    const free = await book(p, { rooms: 1, checkIn: '2026-08-10', checkOut: '2026-08-13' }, T);
    const late = await book(p, { rooms: 2, checkIn: '2026-08-10', checkOut: '2026-08-13' }, T);
    p.pipe('reservation.cancelled', cancelled(free), T + DAY); // weeks before: free
    // After the deadline (48 h before 15:00 local on 10 August): the first night of 2 rooms is kept.
    p.pipe('reservation.cancelled', cancelled(late), Date.UTC(2026, 7, 9, 12, 0));
    expect(p.reservation(late.confirmationNumber)?.cancellation?.feeMinor).toBe(20_000);
    expect(books(p, 'STD', '2026-08-10')).toEqual([0, 20_000]); // the fee: 2 × 100.00
    expect(books(p, 'STD', '2026-08-11')).toEqual([0, 0]);
    expect(books(p, 'STD', '2026-08-12')).toEqual([0, 0]);
  });

  it('ignores a cancellation before the payment decision (nothing was on the books)', async () => {
    const p = await start();
    const guest = created({ checkIn: '2026-08-10', checkOut: '2026-08-11' });
    p.pipe('reservation.created', guest, T);
    p.pipe('reservation.cancelled', cancelled(guest), T + 1);
    await p.settlePayments(T + 2); // the authorisation arrives for a cancelled reservation: voided
    expect(books(p, 'STD', '2026-08-10')).toBeUndefined();
  });

  it('writes one changelog record per month a command changes, and no repartition or output record', async () => {
    const p = await start();
    const changelog = p.driver.createOutputTopic(
      p.driver.changelogTopic(ANALYTICS_STORES.onTheBooks),
      Serdes.string(),
      monthBooksSerde(),
    );
    const guest = await book(p, { checkIn: '2026-08-10', checkOut: '2026-08-13' }, T);
    // Three nights of August: one entry.
    expect(changelog.readKeyValuesToList().map((r) => r.key)).toEqual(['TST-INN|STD|2026-08']);
    p.pipe('reservation.modified', modified(guest, stay('STD', '2026-08-11', '2026-08-14')), T + DAY);
    // One night left, one came; the two kept at the same price are unchanged in the same entry.
    const written = changelog.readKeyValuesToList();
    expect(written.map((r) => r.key)).toEqual(['TST-INN|STD|2026-08']);
    expect(
      written[0]?.value.nights.flatMap((night, i) =>
        night === undefined ? [] : [[i + 1, night.roomNights]],
      ),
    ).toEqual([
      [10, 0],
      [11, 1],
      [12, 1],
      [13, 1],
    ]);
    // A stay across the end of the month changes two entries.
    await book(p, { checkIn: '2026-08-30', checkOut: '2026-09-02' }, T + DAY);
    expect(changelog.readKeyValuesToList().map((r) => r.key)).toEqual([
      'TST-INN|STD|2026-08',
      'TST-INN|STD|2026-09',
    ]);
    expect(books(p, 'STD', '2026-08-31')).toEqual([1, 10_000]);
    expect(books(p, 'STD', '2026-09-01')).toEqual([1, 10_000]);
    expect([...p.driver.producedTopicNames()].filter((t) => t.includes('on-the-books'))).toEqual([
      changelog.name,
    ]);
  });
});
