import { describe, expect, it } from 'vitest';
import type { IncomingRecord } from '../../../topology/internal/kafka/types.js';
import {
  InputQueues,
  KNOWN_LAG_WAIT_MS,
  MAX_BUFFERED_RECORDS,
} from '../../../topology/runtime/input-queues.js';

/** Records of `topic` at consecutive offsets from `first`, with the given timestamps. */
function records(topic: string, first: number, timestamps: number[]): IncomingRecord[] {
  return timestamps.map((timestamp, i) => ({
    topic,
    partition: 0,
    offset: first + i,
    timestamp,
    key: null,
    value: null,
    headers: {},
  }));
}

/** Every record `queues` hands out at `now`, as `topic@offset`. */
function drain(queues: InputQueues, now: number): string[] {
  const out: string[] = [];
  for (let next = queues.next(now); next !== undefined; next = queues.next(now))
    out.push(`${next.topic}@${next.offset}`);
  return out;
}

describe('InputQueues', () => {
  it('hands out the records of several topics in timestamp order', () => {
    const queues = new InputQueues(['orders', 'prices'], 0, 0);
    queues.add('orders', records('orders', 0, [10, 30, 50]), 3, -1, 0);
    queues.add('prices', records('prices', 0, [5, 20, 40, 60]), 4, -1, 0);
    expect(drain(queues, 0)).toEqual([
      'prices@0',
      'orders@0',
      'prices@1',
      'orders@1',
      'prices@2',
      'orders@2',
      'prices@3',
    ]);
    expect(queues.buffered).toBe(0);
  });

  it('waits for a topic whose last batch ended before its high watermark, up to a bound', () => {
    const queues = new InputQueues(['orders', 'prices'], 0, 0);
    // prices: offsets 0-1 fetched of 4 (high watermark 4): its next fetch brings 2-3.
    queues.add('prices', records('prices', 0, [5, 20]), 4, -1, 0);
    queues.add('orders', records('orders', 0, [10, 30, 50]), 3, -1, 0);
    expect(drain(queues, 0)).toEqual(['prices@0', 'orders@0', 'prices@1']);
    expect(queues.next(100)).toBeUndefined();
    queues.add('prices', records('prices', 2, [40, 60]), 4, 2, 200);
    expect(drain(queues, 200)).toEqual(['orders@1', 'prices@2', 'orders@2', 'prices@3']);

    // A lagging topic that never delivers holds the others back only so long.
    const stuck = new InputQueues(['orders', 'prices'], 0, 0);
    stuck.add('prices', records('prices', 0, [1]), 10, -1, 0);
    stuck.add('orders', records('orders', 0, [10]), 1, -1, 0);
    expect(drain(stuck, 0)).toEqual(['prices@0']);
    expect(stuck.next(KNOWN_LAG_WAIT_MS - 1)).toBeUndefined();
    expect(drain(stuck, KNOWN_LAG_WAIT_MS)).toEqual(['orders@0']);
  });

  it('does not wait for an empty topic that is caught up, unless maxTaskIdleMs says so', () => {
    const eager = new InputQueues(['orders', 'prices'], 0, 0);
    eager.add('prices', records('prices', 0, [5]), 1, -1, 0);
    eager.add('orders', records('orders', 0, [10, 30]), 2, -1, 0);
    expect(drain(eager, 0)).toEqual(['prices@0', 'orders@0', 'orders@1']);

    const patient = new InputQueues(['orders', 'prices'], 500, 0);
    patient.add('orders', records('orders', 0, [10, 30]), 2, -1, 0);
    expect(patient.next(499)).toBeUndefined();
    patient.add('prices', records('prices', 0, [20]), 1, -1, 499);
    expect(drain(patient, 499)).toEqual(['orders@0', 'prices@0']);
    // prices ran dry at 499: orders@1 waits until 999.
    expect(patient.next(998)).toBeUndefined();
    expect(drain(patient, 999)).toEqual(['orders@1']);
  });

  it('skips records before the position and records buffered already (a refetch after a rebalance)', () => {
    const queues = new InputQueues(['orders', 'prices'], 0, 0);
    queues.add('orders', records('orders', 0, [1, 2, 3, 4]), 4, 2, 0);
    queues.add('orders', records('orders', 0, [1, 2, 3, 4]), 4, 2, 0);
    expect(drain(queues, KNOWN_LAG_WAIT_MS)).toEqual(['orders@2', 'orders@3']);
  });

  it("waits for an input not fetched yet only during the task's first moments", () => {
    const queues = new InputQueues(['orders', 'prices'], 0, 1_000);
    queues.add('orders', records('orders', 0, [10, 30]), 2, -1, 1_000);
    // prices may come in the same fetch: kafkajs hands out its batches one at a time.
    expect(queues.next(1_000)).toBeUndefined();
    queues.add('prices', records('prices', 0, [20]), 1, -1, 1_001);
    expect(drain(queues, 1_001)).toEqual(['orders@0', 'prices@0', 'orders@1']);

    // Primed with where it stands, an input with nothing to read holds nothing back.
    const primed = new InputQueues(['orders', 'prices'], 0, 1_000);
    primed.prime('prices', 7, 7);
    primed.add('orders', records('orders', 0, [10]), 1, -1, 1_000);
    expect(drain(primed, 1_000)).toEqual(['orders@0']);
    // ...and one with records past its start is waited for.
    const behind = new InputQueues(['orders', 'prices'], 0, 1_000);
    behind.prime('prices', 9, 7);
    behind.add('orders', records('orders', 0, [10]), 1, -1, 1_000);
    expect(behind.next(1_000)).toBeUndefined();
    behind.add('prices', records('prices', 7, [5, 50]), 9, -1, 1_001);
    expect(drain(behind, 1_001)).toEqual(['prices@7', 'orders@0', 'prices@8']);

    // An input with no records at all is never fetched (kafkajs hands out no empty batch): not for ever.
    const lonely = new InputQueues(['orders', 'prices'], 0, 1_000);
    lonely.add('orders', records('orders', 0, [10]), 1, -1, 1_000);
    expect(lonely.next(1_000 + KNOWN_LAG_WAIT_MS - 1)).toBeUndefined();
    expect(drain(lonely, 1_000 + KNOWN_LAG_WAIT_MS)).toEqual(['orders@0']);
  });

  it('stops waiting once too many records are buffered', () => {
    const queues = new InputQueues(['orders', 'prices'], 60_000, 0);
    const many = Array.from({ length: MAX_BUFFERED_RECORDS }, (_, i) => i);
    queues.add('orders', records('orders', 0, many), MAX_BUFFERED_RECORDS, -1, 0);
    expect(queues.next(1)?.offset).toBe(0);
    expect(queues.next(1)).toBeUndefined();
  });
});
