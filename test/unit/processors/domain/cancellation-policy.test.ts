import { describe, expect, it } from 'vitest';
import {
  type CancellationRequest,
  cancellationDeadline,
  cancellationOutcome,
} from '../../../../processors/domain/cancellation-policy.js';
import { money } from '../../../../processors/domain/money.js';
import type { Property } from '../../../../processors/domain/reference-data.js';
import { loadPropertyCatalog } from '../../../../processors/domain/reference-data-loader.js';

const catalog = loadPropertyCatalog();
const HOUR = 3_600_000;

// Lisbon: free until 48 h before the 15:00 check-in, then the first night of each room.
const lisbon = catalog.property('LIS-ALFAMA');

function request(overrides: Partial<CancellationRequest> = {}): CancellationRequest {
  return {
    checkIn: '2026-07-20',
    rooms: 2,
    firstNightRate: money(16_900, 'EUR'),
    total: money(3 * 2 * 16_900, 'EUR'),
    paid: money(3 * 2 * 16_900, 'EUR'),
    cancelledAt: 0,
    ...overrides,
  };
}

describe('cancellation deadline', () => {
  it('is the local check-in time minus the free hours, in the property zone', () => {
    // 2026-07-20 15:00 in Lisbon (UTC+1 in summer) is 14:00 UTC; 48 h earlier is 2026-07-18 14:00 UTC.
    expect(cancellationDeadline(lisbon, '2026-07-20')).toBe(Date.UTC(2026, 6, 18, 14, 0));
    // New York: 16:00 EST (UTC-5) on 2026-01-10, 24 h earlier.
    expect(cancellationDeadline(catalog.property('NYC-MIDTOWN'), '2026-01-10')).toBe(
      Date.UTC(2026, 0, 9, 21, 0),
    );
  });

  it('counts real hours across a daylight-saving change', () => {
    // Check-in 2026-03-30 15:00 in Lisbon is 14:00 UTC (summer time began on 03-29); 48 real hours before
    // is 2026-03-28 14:00 UTC, which Lisbon clocks showed as 14:00 (still winter time).
    expect(cancellationDeadline(lisbon, '2026-03-30')).toBe(Date.UTC(2026, 2, 28, 14, 0));
  });
});

describe('cancellation outcome', () => {
  const deadline = Date.UTC(2026, 6, 18, 14, 0);

  it('is free up to and including the deadline: full refund', () => {
    for (const cancelledAt of [deadline - 30 * 24 * HOUR, deadline]) {
      expect(cancellationOutcome(lisbon, request({ cancelledAt }))).toEqual({
        free: true,
        deadline,
        fee: money(0, 'EUR'),
        refund: money(101_400, 'EUR'),
      });
    }
  });

  it('charges the first night of every room right after the deadline', () => {
    expect(cancellationOutcome(lisbon, request({ cancelledAt: deadline + 1 }))).toEqual({
      free: false,
      deadline,
      fee: money(33_800, 'EUR'),
      refund: money(67_600, 'EUR'),
    });
  });

  it('refunds nothing below zero when less was paid than the fee', () => {
    const outcome = cancellationOutcome(
      lisbon,
      request({ cancelledAt: deadline + 1, paid: money(10_000, 'EUR') }),
    );
    expect(outcome.refund).toEqual(money(0, 'EUR'));
  });

  it('takes a percentage of the total, rounded to a minor unit (Tokyo: 50 % after 72 h before)', () => {
    const tokyo = catalog.property('TYO-GINZA');
    const checkIn = '2026-07-20'; // 15:00 JST = 06:00 UTC; 72 h before = 2026-07-17 06:00 UTC
    const late = Date.UTC(2026, 6, 17, 6, 0) + 1;
    const outcome = cancellationOutcome(tokyo, {
      checkIn,
      rooms: 1,
      firstNightRate: money(18_501, 'JPY'),
      total: money(37_003, 'JPY'),
      paid: money(37_003, 'JPY'),
      cancelledAt: late,
    });
    expect(outcome.free).toBe(false);
    expect(outcome.fee).toEqual(money(18_502, 'JPY')); // 18 501.5 rounds half away from zero
    expect(outcome.refund).toEqual(money(18_501, 'JPY'));
  });

  it('keeps the whole stay when the policy says so (Zurich: full stay after 7 days before)', () => {
    const zurich = catalog.property('ZRH-SEEHOF');
    const outcome = cancellationOutcome(zurich, {
      checkIn: '2026-08-01',
      rooms: 1,
      firstNightRate: money(31_000, 'CHF'),
      total: money(93_000, 'CHF'),
      paid: money(93_000, 'CHF'),
      cancelledAt: Date.UTC(2026, 6, 30, 12, 0),
    });
    expect(outcome).toMatchObject({ free: false, fee: money(93_000, 'CHF'), refund: money(0, 'CHF') });
  });

  it('never charges more than the total, even for a first-night fee', () => {
    const property: Property = { ...lisbon };
    const outcome = cancellationOutcome(property, {
      ...request({ cancelledAt: deadline + 1 }),
      firstNightRate: money(50_000, 'EUR'),
      total: money(40_000, 'EUR'),
      paid: money(40_000, 'EUR'),
    });
    expect(outcome.fee).toEqual(money(40_000, 'EUR'));
    expect(outcome.refund).toEqual(money(0, 'EUR'));
  });
});
