import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareDates,
  daysBetween,
  isLocalDate,
  parseLocalDate,
  utcDateOf,
} from '../../../../processors/domain/local-date.js';
import { checkStay, nightsOf } from '../../../../processors/domain/stay.js';
import { InvalidDateError } from '../../../../processors/errors.js';

describe('local dates', () => {
  it('accepts real calendar dates only', () => {
    expect(isLocalDate('2026-03-14')).toBe(true);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2026-13-01')).toBe(false);
    expect(isLocalDate('2026-3-14')).toBe(false);
    expect(isLocalDate('2026-03-14T00:00:00Z')).toBe(false);
    expect(isLocalDate(20260314)).toBe(false);
    expect(() => parseLocalDate('2026-02-30', 'checkIn')).toThrow(InvalidDateError);
    expect(() => parseLocalDate('2026-02-30', 'checkIn')).toThrow(
      /checkIn "2026-02-30" is not a calendar date/,
    );
  });

  it('moves across month, year and leap-day boundaries', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-28', '2026-04-02')).toBe(5);
    expect(compareDates('2026-03-28', '2026-04-02')).toBe(-1);
    expect(utcDateOf(Date.UTC(2026, 2, 14, 23, 59))).toBe('2026-03-14');
  });

  it('is unaffected by daylight saving: the night clocks change is still one day', () => {
    // Europe changes clocks on 2026-03-29; the date arithmetic runs on UTC midnights, so nothing shifts.
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
  });
});

describe('stay nights', () => {
  it('counts check-in inclusive and check-out exclusive', () => {
    expect(nightsOf('2026-03-14', '2026-03-16')).toEqual(['2026-03-14', '2026-03-15']);
    expect(nightsOf('2026-03-14', '2026-03-15')).toEqual(['2026-03-14']);
    expect(nightsOf('2026-03-14', '2026-03-14')).toEqual([]);
    expect(nightsOf('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
  });

  it('checks a stay and lists its nights', () => {
    const check = checkStay('2026-02-27', '2026-03-02', 2);
    expect(check).toEqual({
      ok: true,
      stay: {
        checkIn: '2026-02-27',
        checkOut: '2026-03-02',
        rooms: 2,
        nights: ['2026-02-27', '2026-02-28', '2026-03-01'],
      },
    });
  });

  it('names the problem of a bad stay without throwing', () => {
    const code = (checkIn: unknown, checkOut: unknown, rooms: unknown) => {
      const check = checkStay(checkIn, checkOut, rooms, { minNights: 2, maxNights: 14, maxRooms: 4 });
      return check.ok ? 'OK' : check.problem.code;
    };
    expect(code('2026-03-14', '2026-03-16', 1)).toBe('OK');
    expect(code('2026-02-30', '2026-03-16', 1)).toBe('INVALID_DATE');
    expect(code('2026-03-14', null, 1)).toBe('INVALID_DATE');
    expect(code('2026-03-14', '2026-03-14', 1)).toBe('CHECK_OUT_NOT_AFTER_CHECK_IN');
    expect(code('2026-03-16', '2026-03-14', 1)).toBe('CHECK_OUT_NOT_AFTER_CHECK_IN');
    expect(code('2026-03-14', '2026-03-15', 1)).toBe('TOO_FEW_NIGHTS');
    expect(code('2026-03-14', '2026-03-29', 1)).toBe('TOO_MANY_NIGHTS');
    expect(code('2026-03-14', '2026-03-28', 1)).toBe('OK');
    expect(code('2026-03-14', '2026-03-16', 0)).toBe('INVALID_ROOMS');
    expect(code('2026-03-14', '2026-03-16', 5)).toBe('INVALID_ROOMS');
    expect(code('2026-03-14', '2026-03-16', 1.5)).toBe('INVALID_ROOMS');
  });

  it('applies the default limits (1-30 nights, up to 9 rooms)', () => {
    expect(checkStay('2026-03-01', '2026-03-31', 9).ok).toBe(true);
    const tooLong = checkStay('2026-03-01', '2026-04-01', 1);
    expect(tooLong.ok ? undefined : tooLong.problem.message).toBe(
      'a stay may have at most 30 nights, this one has 31',
    );
  });
});
