import { describe, expect, it } from 'vitest';
import { countRecords, formatCount } from '../../../bench/records/count-records.js';

const options = {
  ratePerMinute: 6_000,
  durationS: 3,
  commitMs: 1_000,
  paymentLatencyMs: 30,
  properties: 8,
  seed: 7,
};

describe('count-records (records per reservation in the test driver)', () => {
  it('counts every topic of a run, the payment worker and the changelogs included, the same every time', async () => {
    const first = await countRecords(options);
    expect(first.operations).toBe(300);
    expect(first.byTopic['reservation.created']).toBe(first.reservations);
    // Every created reservation asked for a payment, and the worker answered it.
    expect(first.byTopic['payment.initiated']).toBe(first.reservations);
    expect(first.byTopic['test-app-reservations-changelog']).toBeGreaterThan(0);
    expect(await countRecords(options)).toEqual(first);
    expect(formatCount(first)).toMatch(/of which changelogs/);
  });
});
