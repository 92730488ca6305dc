/**
 * A task that reads several partitions processes their records in timestamp order (Kafka Streams'
 * `PartitionGroup`), not in the order kafkajs hands out its fetched batches: a stream-table join then sees
 * the table as it stood at each stream record's time. Both topics are filled before the application
 * starts, so the first fetch brings every record of both, and each order must meet the price that was
 * current at its own timestamp: processing one topic's batch before the other's would join every order
 * with the last price, or with none.
 */
import { describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder, type Topology } from '../../../topology/index.js';
import { createTopics, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { streamsClosedAfterEach } from './streams-instances.js';

const str = Serdes.string();
const PAIRS = 40;
const PRODUCTS = ['tea', 'coffee'];

function pricedOrders(orders: string, prices: string, output: string): Topology {
  const builder = new StreamsBuilder();
  const current = builder.table(prices, Consumed.with(str, str));
  builder
    .stream(orders, Consumed.with(str, str))
    .join(current, (order, price) => `${order}@${price}`)
    .to(output, Produced.with(str, str));
  return builder.build();
}

describe('KafkaStreams: a task with several inputs', () => {
  const instances = streamsClosedAfterEach();

  it('joins each stream record with the table as of its timestamp', async () => {
    const [orders, prices, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 2 },
      { topic: uniqueName('prices'), partitions: 2 },
      { topic: uniqueName('priced'), partitions: 2 },
    ]);
    // Per product: price i at t = 1000 i, order i at t = 1000 i + 500; the order must meet price i.
    const base = Date.now() - 3_600_000;
    const priceMessages = [];
    const orderMessages = [];
    for (let i = 1; i <= PAIRS; i++) {
      for (const product of PRODUCTS) {
        priceMessages.push({ key: product, value: `p${i}`, timestamp: String(base + 1000 * i) });
        orderMessages.push({ key: product, value: `o${i}`, timestamp: String(base + 1000 * i + 500) });
      }
    }
    const producer = inputProducer({ clientId: 'test-priced-orders' });
    await producer.connect();
    try {
      await producer.send({ topic: prices!, acks: -1, messages: priceMessages });
      await producer.send({ topic: orders!, acks: -1, messages: orderMessages });
    } finally {
      await producer.disconnect();
    }

    const applicationId = uniqueName('time-order');
    instances.removeAfterTest(`/tmp/${applicationId}`);
    const streams = instances.create(pricedOrders(orders!, prices!, output!), { applicationId });
    await streams.start();
    const joined = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= orderMessages.length ? records : undefined;
      },
      { timeoutMs: 60_000, description: `${orderMessages.length} priced orders` },
    );
    const byProduct = new Map<string, string[]>();
    for (const record of joined) {
      const product = record.key!.toString();
      byProduct.set(product, [...(byProduct.get(product) ?? []), record.value!.toString()]);
    }
    for (const product of PRODUCTS) {
      expect(byProduct.get(product), product).toEqual(
        Array.from({ length: PAIRS }, (_, i) => `o${i + 1}@p${i + 1}`),
      );
    }
  });
});
