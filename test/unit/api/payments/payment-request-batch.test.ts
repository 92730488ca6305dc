import { describe, expect, it } from 'vitest';
import { queuesByReservation, readEntry } from '../../../../api/payments/payment-request-batch.js';
import type { IncomingRecord } from '../../../../topology/internal/kafka/types.js';

function message(offset: number, value: unknown): IncomingRecord {
  return {
    topic: 'payment.requests',
    partition: 0,
    key: Buffer.from('LIS-ALFAMA'),
    value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    timestamp: 1,
    offset,
    headers: {},
  };
}

function request(type: string, confirmationNumber: string, requestId: string) {
  return {
    type,
    requestId,
    paymentId: `pay-${confirmationNumber}`,
    confirmationNumber,
    propertyId: 'LIS-ALFAMA',
  };
}

describe('readEntry', () => {
  it('reads a request', () => {
    const entry = readEntry(message(0, request('AUTHORIZE', 'C1', 'r1')), 0);
    expect(entry).toMatchObject({ kind: 'request', index: 0, request: { requestId: 'r1' } });
  });

  it('marks a tombstone empty', () => {
    expect(readEntry(message(0, null), 0).kind).toBe('empty');
  });

  it.each([
    ['not JSON', '{"type":', /not JSON/],
    ['not an object', '[1,2]', /not a JSON object/],
    ['an unknown type', request('PAY', 'C1', 'r1'), /type "PAY"/],
    [
      'no confirmation number',
      { ...request('REFUND', 'C1', 'r1'), confirmationNumber: '' },
      /confirmationNumber/,
    ],
  ])('marks %s unreadable, with the reason', (_, value, reason) => {
    const entry = readEntry(message(3, value), 3);
    expect(entry.kind).toBe('unreadable');
    expect(entry.kind === 'unreadable' && entry.reason).toMatch(reason);
  });
});

describe('queuesByReservation', () => {
  it('queues each reservation in offset order, each unreadable record alone, and leaves tombstones out', () => {
    const entries = [
      request('AUTHORIZE', 'C1', 'a1'),
      request('AUTHORIZE', 'C2', 'a2'),
      'garbage',
      request('REFUND', 'C1', 'f1'),
      null,
      'more garbage',
      request('CAPTURE', 'C2', 'c2'),
    ].map((value, index) => readEntry(message(100 + index, value), index));

    const queues = queuesByReservation(entries).map((queue) => queue.map((entry) => entry.index));
    expect(queues).toEqual([[0, 3], [1, 6], [2], [5]]);
  });
});
