import { describe, expect, it } from 'vitest';
import {
  isValidTimeZone,
  offsetMs,
  zonedDate,
  zonedInstant,
} from '../../../../processors/domain/timezone.js';
import { InvalidDateError } from '../../../../processors/errors.js';

const HOUR = 3_600_000;

describe('property wall-clock time', () => {
  it('turns a local date and time into the right instant, summer and winter', () => {
    // Lisbon is UTC+0 in winter and UTC+1 in summer; New York UTC-5 / UTC-4; Tokyo always UTC+9.
    expect(zonedInstant('2026-01-15', '15:00', 'Europe/Lisbon')).toBe(Date.UTC(2026, 0, 15, 15, 0));
    expect(zonedInstant('2026-07-15', '15:00', 'Europe/Lisbon')).toBe(Date.UTC(2026, 6, 15, 14, 0));
    expect(zonedInstant('2026-01-15', '16:00', 'America/New_York')).toBe(Date.UTC(2026, 0, 15, 21, 0));
    expect(zonedInstant('2026-07-15', '16:00', 'America/New_York')).toBe(Date.UTC(2026, 6, 15, 20, 0));
    expect(zonedInstant('2026-07-15', '15:00', 'Asia/Tokyo')).toBe(Date.UTC(2026, 6, 15, 6, 0));
  });

  it('is exact on the days the clocks change', () => {
    // Europe/Zurich goes from +1 to +2 at 01:00 UTC on 2026-03-29 and back at 01:00 UTC on 2026-10-25.
    expect(zonedInstant('2026-03-29', '14:00', 'Europe/Zurich')).toBe(Date.UTC(2026, 2, 29, 12, 0));
    expect(zonedInstant('2026-03-29', '01:30', 'Europe/Zurich')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(zonedInstant('2026-10-25', '14:00', 'Europe/Zurich')).toBe(Date.UTC(2026, 9, 25, 13, 0));
  });

  it('moves a skipped wall time forward and takes the first of a repeated one', () => {
    // 02:30 does not exist in Zurich on 2026-03-29: read with the winter offset it is 03:30 summer time.
    const skipped = zonedInstant('2026-03-29', '02:30', 'Europe/Zurich');
    expect(skipped).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(offsetMs(skipped, 'Europe/Zurich')).toBe(2 * HOUR);
    // 02:30 happens twice on 2026-10-25: first at 00:30 UTC (summer time), again at 01:30 UTC.
    expect(zonedInstant('2026-10-25', '02:30', 'Europe/Zurich')).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('tells the local date of an instant', () => {
    const instant = Date.UTC(2026, 6, 15, 20, 0);
    expect(zonedDate(instant, 'Asia/Tokyo')).toBe('2026-07-16');
    expect(zonedDate(instant, 'America/New_York')).toBe('2026-07-15');
  });

  it('tells the same local date as Intl for every 7 minutes around the clock changes, in any order of calls', () => {
    const formats = new Map<string, Intl.DateTimeFormat>();
    const intlDate = (epochMs: number, timeZone: string) => {
      let format = formats.get(timeZone);
      if (format === undefined) {
        format = new Intl.DateTimeFormat('en-CA', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
        });
        formats.set(timeZone, format);
      }
      return format.format(epochMs);
    };
    // Zurich and New York change by an hour, Lord Howe by 30 minutes at 02:00 local; Kathmandu is +5:45.
    const zones = ['Europe/Zurich', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu'];
    const spans = [
      Date.UTC(2026, 2, 7),
      Date.UTC(2026, 2, 28),
      Date.UTC(2026, 3, 4),
      Date.UTC(2026, 9, 3),
      Date.UTC(2026, 9, 24),
      Date.UTC(2026, 10, 1),
    ];
    const instants = spans.flatMap((start) =>
      Array.from({ length: (3 * 24 * 60) / 7 }, (_, i) => start + i * 7 * 60_000),
    );
    // Backwards as well: the per-zone memory must not depend on calls moving forward.
    for (const instant of [...instants, ...instants.reverse()]) {
      for (const zone of zones)
        expect(zonedDate(instant, zone), `${zone} ${new Date(instant).toISOString()}`).toBe(
          intlDate(instant, zone),
        );
    }
  });

  it('validates zones and times', () => {
    expect(isValidTimeZone('Europe/Lisbon')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(() => zonedInstant('2026-07-15', '25:00', 'Europe/Lisbon')).toThrow(InvalidDateError);
    expect(() => zonedInstant('2026-02-30', '15:00', 'Europe/Lisbon')).toThrow(InvalidDateError);
  });
});
