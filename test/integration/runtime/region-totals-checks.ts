/**
 * The test side of the region-totals topology: producing orders and checking the totals exactly. Kept
 * apart from the topology so that a child process can run the topology without loading vitest.
 */
import { expect } from 'vitest';
import { type ConsumedRecord, inputProducer } from '../../support/index.js';
import type { Order, RegionTotal } from './region-totals.js';

/** Produces orders keyed by order id (so they spread over the input partitions). */
export async function produceOrders(
  topic: string,
  orders: ReadonlyArray<{ id: string; order: Order }>,
): Promise<void> {
  const producer = inputProducer({ clientId: 'test-orders' });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: orders.map(({ id, order }) => ({ key: id, value: JSON.stringify(order) })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Asserts that `totals` is exactly the running totals of `orders`: every count once, the right sums. */
export function expectExactTotals(
  totals: ReadonlyArray<ConsumedRecord>,
  orders: ReadonlyArray<{ order: Order }>,
): void {
  const expected = new Map<string, RegionTotal>();
  for (const { order } of orders) {
    const previous = expected.get(order.region) ?? { count: 0, sum: 0 };
    expected.set(order.region, { count: previous.count + 1, sum: previous.sum + order.amount });
  }
  const counts = new Map<string, number[]>();
  const last = new Map<string, RegionTotal>();
  for (const record of totals) {
    const region = record.key!.toString();
    const total = JSON.parse(record.value!.toString()) as RegionTotal;
    counts.set(region, [...(counts.get(region) ?? []), total.count]);
    const seen = last.get(region);
    if (seen === undefined || total.count > seen.count) last.set(region, total);
  }
  expect(totals).toHaveLength(orders.length);
  for (const [region, total] of expected) {
    // One output per order and region, in order within the region's partition: counts 1..n exactly.
    expect(counts.get(region), region).toEqual(Array.from({ length: total.count }, (_, i) => i + 1));
    expect(last.get(region), region).toEqual(total);
  }
  expect([...last.keys()].sort()).toEqual([...expected.keys()].sort());
}
