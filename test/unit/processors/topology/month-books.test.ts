/**
 * The month layout of the `on-the-books` store: its binary serde, the fold of a fact's changes into a
 * month, and which stay dates a change of a month touched (what the alert emitter evaluates).
 */
import { describe, expect, it } from 'vitest';
import { monthBooksSerde } from '../../../../processors/topology/analytics/month-books-serde.js';
import {
  addMonthChange,
  bookedNights,
  changedNights,
  type MonthBooks,
  type StayDateBooks,
} from '../../../../processors/topology/analytics/on-the-books.js';

const serde = monthBooksSerde();
const context = { topic: 'test-app-on-the-books-changelog', isKey: false };
const night = (roomNights: number, revenueMinor: number, daily: StayDateBooks['daily']): StayDateBooks => ({
  currency: 'EUR',
  roomNights,
  revenueMinor,
  daily,
});

describe('on-the-books month layout', () => {
  it('round-trips a month through the binary serde: nights left empty, negative and large amounts', () => {
    const nights: Array<StayDateBooks | undefined> = [
      undefined,
      night(2, 20_000, [{ day: '2026-07-01', roomNights: 2, revenueMinor: 20_000 }]),
      undefined,
      night(0, 0, [
        { day: '2026-06-20', roomNights: 1, revenueMinor: 12_345 },
        { day: '2026-07-02', roomNights: -1, revenueMinor: -12_345 },
      ]),
    ];
    nights[30] = night(300, 2 ** 40, []);
    const month: MonthBooks = { nights };
    const bytes = serde.serialize(month, context)!;
    // Header 5, three nights of 14, three daily changes of 16.
    expect(bytes.length).toBe(5 + 3 * 14 + 3 * 16);
    const back = serde.deserialize(bytes, context);
    expect([...bookedNights('2026-08', back)]).toEqual([...bookedNights('2026-08', month)]);
    expect([...bookedNights('2026-08', back)].map(([date]) => date)).toEqual([
      '2026-08-02',
      '2026-08-04',
      '2026-08-31',
    ]);
    expect(back.nights[30]?.revenueMinor).toBe(2 ** 40);
  });

  it('refuses a month whose stay dates carry different currencies, and bytes of another layout', () => {
    const mixed: MonthBooks = { nights: [night(1, 100, []), { ...night(1, 100, []), currency: 'USD' }] };
    expect(() => serde.serialize(mixed, context)).toThrow(/one currency/);
    expect(() => serde.deserialize(Buffer.from('{"nights":[]}'), context)).toThrow(/layout version/);
  });

  it('folds a fact into its month: each night once, the other nights as they were', () => {
    const first = addMonthChange(
      { nights: [] },
      {
        currency: 'EUR',
        day: '2026-07-01',
        nights: [
          { night: '2026-08-10', roomNights: 1, revenueMinor: 10_000 },
          { night: '2026-08-11', roomNights: 1, revenueMinor: 10_000 },
        ],
      },
    );
    const second = addMonthChange(first, {
      currency: 'EUR',
      day: '2026-07-02',
      nights: [{ night: '2026-08-11', roomNights: 1, revenueMinor: 12_000 }],
    });
    expect(second.nights[9]).toBe(first.nights[9]);
    expect(second.nights[10]).toEqual(
      night(2, 22_000, [
        { day: '2026-07-01', roomNights: 1, revenueMinor: 10_000 },
        { day: '2026-07-02', roomNights: 1, revenueMinor: 12_000 },
      ]),
    );
    expect(changedNights('2026-08', first, second)).toEqual(['2026-08-11']);
    expect(changedNights('2026-08', null, first)).toEqual(['2026-08-10', '2026-08-11']);
    // Equal books read back from bytes are not a change.
    const again = serde.deserialize(serde.serialize(second, context), context);
    expect(changedNights('2026-08', second, again)).toEqual([]);
  });
});
