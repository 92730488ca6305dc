import { describe, expect, it } from 'vitest';
import { refuseOversized } from '../../../topology/internal/kafka/outgoing-message.js';
import type { OutgoingRecord } from '../../../topology/internal/kafka/types.js';

const record = (value: string): OutgoingRecord =>
  ({ topic: 't', key: null, value: Buffer.from(value), timestamp: 0 }) as OutgoingRecord;

describe('refuseOversized', () => {
  it('returns the same array when every record fits, and no failure', () => {
    const records = [record('a'), record('bb')];
    const { fits, failures } = refuseOversized(records, 10);
    expect(fits).toBe(records);
    expect(failures).toEqual([]);
  });

  it('splits off the records over the limit as coded failures, keeping the others in order', () => {
    const records = [record('a'), record('x'.repeat(20)), record('b'), record('y'.repeat(11))];
    const { fits, failures } = refuseOversized(records, 10);
    expect(fits).toEqual([records[0], records[2]]);
    expect(failures.map((failure) => failure.record)).toEqual([records[1], records[3]]);
    expect(failures[0]!.error).toMatchObject({ code: 'STRM_ERR_KAFKA_RECORD_TOO_LARGE' });
    expect(failures[0]!.error.message).toMatch(/20 bytes, more than the 10/);
  });
});
