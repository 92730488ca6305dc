import { describe, expect, it } from 'vitest';
import { filterAbortedMessages } from '../../../topology/internal/kafka/kafkajs/aborted-filter.js';

const record = (offset: number, producerId: string, inTransaction = true) => ({
  offset: String(offset),
  key: Buffer.from(`k${offset}`),
  batchContext: { producerId, inTransaction },
});
const abortMarker = (offset: number, producerId: string) => ({
  offset: String(offset),
  key: Buffer.from([0, 0, 0, 0]),
  batchContext: { producerId, inTransaction: true },
});
const commitMarker = (offset: number, producerId: string) => ({
  offset: String(offset),
  key: Buffer.from([0, 0, 0, 1]),
  batchContext: { producerId, inTransaction: true },
});

describe('read_committed filtering of aborted records (corrects kafkajs 2.2.4)', () => {
  it('drops the records of interleaved aborted transactions of several producers, in any list order', () => {
    // Producers A and B both abort, their records interleaved; C commits in between; the broker lists
    // the aborted transactions by their end, not their start.
    const messages = [
      record(0, 'A'),
      record(1, 'B'),
      record(2, 'C'),
      record(3, 'A'),
      record(4, 'B'),
      abortMarker(5, 'B'),
      commitMarker(6, 'C'),
      abortMarker(7, 'A'),
      record(8, 'B'),
      record(9, 'A', false),
    ];
    const kept = filterAbortedMessages({
      messages,
      abortedTransactions: [
        { producerId: 'B', firstOffset: '1' },
        { producerId: 'A', firstOffset: '0' },
      ],
    });
    expect(kept.map((message) => Number(message.offset))).toEqual([2, 5, 6, 7, 8, 9]);
  });

  it('keeps everything when no transaction was aborted', () => {
    const messages = [record(0, 'A'), commitMarker(1, 'A')];
    expect(filterAbortedMessages({ messages, abortedTransactions: [] })).toBe(messages);
  });
});
