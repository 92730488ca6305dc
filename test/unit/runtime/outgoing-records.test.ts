import { describe, expect, it } from 'vitest';
import {
  chunksOf,
  MAX_CHUNK_BYTES,
  refuseOversized,
} from '../../../topology/internal/kafka/outgoing-records.js';
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

describe('chunksOf', () => {
  it('cuts by record count when the records are small, without copying a single chunk', () => {
    const records = Array.from({ length: 5 }, (_, i) => record(`v${i}`));
    expect(chunksOf(records, 2).map((chunk) => chunk.length)).toEqual([2, 2, 1]);
    expect(chunksOf(records, 10)[0]).toBe(records);
    expect(chunksOf([], 10)).toEqual([]);
  });

  it('keeps every chunk under the byte bound, so no partition batch reaches the broker limit', () => {
    // 1,000 records of 2 KB: one 2 MB request by count alone, refused as MESSAGE_TOO_LARGE.
    const records = Array.from({ length: 1_000 }, () => record('x'.repeat(2_000)));
    const chunks = chunksOf(records, 1_000);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.flat()).toEqual(records);
    for (const chunk of chunks)
      expect(chunk.reduce((sum, r) => sum + r.value!.length, 0)).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
  });

  it('sends a record larger than the bound alone rather than never', () => {
    const big = record('z'.repeat(MAX_CHUNK_BYTES + 1));
    const chunks = chunksOf([record('a'), big, record('b')], 1_000);
    expect(chunks).toEqual([[chunks[0]![0]], [big], [chunks[2]![0]]]);
  });
});
