import { describe, expect, it } from 'vitest';
import {
  BOOKING_HORIZON_DAYS,
  checkInBreach,
  checkOutBreach,
  horizonBreach,
} from '../../../../processors/domain/stay-rules.js';

const stay = { checkInDate: '2026-08-10', checkOutDate: '2026-08-13' };

describe('stay rules', () => {
  it.each([
    ['2026-08-09', 'CHECK_IN_OUTSIDE_WINDOW'],
    ['2026-03-23', 'CHECK_IN_OUTSIDE_WINDOW'], // 140 days early, as the issue saw accepted
    ['2026-08-10', undefined],
    ['2026-08-11', undefined], // arriving after midnight
    ['2026-08-12', 'CHECK_IN_OUTSIDE_WINDOW'],
    ['2026-08-13', 'CHECK_IN_OUTSIDE_WINDOW'],
  ])('a check-in on %s: %s', (date, rule) => {
    expect(checkInBreach(stay, date)?.rule).toBe(rule);
  });

  it('never lets a one-night stay check in on its check-out date', () => {
    const oneNight = { checkInDate: '2026-08-10', checkOutDate: '2026-08-11' };
    expect(checkInBreach(oneNight, '2026-08-10')).toBeUndefined();
    expect(checkInBreach(oneNight, '2026-08-11')?.rule).toBe('CHECK_IN_OUTSIDE_WINDOW');
  });

  it.each([
    ['2026-08-09', 'CHECK_OUT_BEFORE_CHECK_IN'],
    ['2026-08-10', 'CHECK_OUT_BEFORE_CHECK_IN'], // zero nights
    ['2026-08-11', undefined], // early departure
    ['2026-08-13', undefined],
    ['2026-08-14', 'CHECK_OUT_AFTER_STAY'],
  ])('a check-out on %s: %s', (date, rule) => {
    expect(checkOutBreach(stay, date)?.rule).toBe(rule);
  });

  it(`accepts stays ending within ${BOOKING_HORIZON_DAYS} days of today and refuses later ones`, () => {
    expect(horizonBreach('2028-02-29', '2026-03-01')).toBeUndefined(); // 730 days
    expect(horizonBreach('2028-03-01', '2026-03-01')?.rule).toBe('BEYOND_BOOKING_HORIZON');
    expect(horizonBreach('9999-12-31', '2026-03-01')?.message).toContain('by 2028-02-29');
  });
});
