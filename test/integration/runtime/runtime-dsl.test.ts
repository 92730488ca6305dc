import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  Grouped,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
} from '../../../topology/index.js';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

interface Order {
  readonly region: string;
  readonly amountCents: number;
  readonly status: 'PLACED' | 'CANCELLED';
}

interface Revenue {
  readonly orders: number;
  readonly amountCents: number;
}

/** The topology guide's example: branch, automatic repartition by region, RocksDB aggregate. */
function revenueTopology(input: string, revenueTopic: string, cancelledTopic: string) {
  const builder = new StreamsBuilder();
  const orderSerde = Serdes.json<Order>();
  const { placed, cancelled } = builder
    .stream(input, Consumed.with(Serdes.string(), orderSerde))
    .split('orders-')
    .branch((_, order) => order.status === 'PLACED', 'placed')
    .defaultBranch('cancelled');
  cancelled.to(cancelledTopic, Produced.with(Serdes.string(), orderSerde));
  placed
    .groupBy(
      (_, order) => order.region,
      Grouped.with(Serdes.string(), orderSerde).withName('orders-by-region'),
    )
    .aggregate(
      (): Revenue => ({ orders: 0, amountCents: 0 }),
      (_, order, total) => ({ orders: total.orders + 1, amountCents: total.amountCents + order.amountCents }),
      Materialized.as<string, Revenue>('revenue-by-region').withValueSerde(Serdes.json<Revenue>()),
    )
    .toStream()
    .to(revenueTopic, Produced.with(Serdes.string(), Serdes.json<Revenue>()));
  return builder.build();
}

describe('KafkaStreams runs a DSL topology', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  it('branches, repartitions by region and aggregates on RocksDB to the exact revenue per region', async () => {
    const [input, revenue, cancelled] = await createTopics([
      { topic: uniqueName('orders'), partitions: 3 },
      { topic: uniqueName('region-revenue'), partitions: 3 },
      { topic: uniqueName('cancelled-orders'), partitions: 3 },
    ]);
    const orders = Array.from({ length: 600 }, (_, i) => ({
      id: `order-${i}`,
      order: {
        region: ['north', 'south', 'east', 'west', 'centre'][i % 5]!,
        amountCents: 100 + (i % 13) * 10,
        status: i % 7 === 0 ? 'CANCELLED' : 'PLACED',
      } satisfies Order,
    }));
    const producer = inputProducer({ clientId: 'test-orders' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: orders.map(({ id, order }) => ({ key: id, value: JSON.stringify(order) })),
    });
    await producer.disconnect();

    const expected = new Map<string, Revenue>();
    for (const { order } of orders) {
      if (order.status !== 'PLACED') continue;
      const total = expected.get(order.region) ?? { orders: 0, amountCents: 0 };
      expected.set(order.region, {
        orders: total.orders + 1,
        amountCents: total.amountCents + order.amountCents,
      });
    }
    const applicationId = uniqueName('dsl-revenue');
    const streams = new KafkaStreams(revenueTopology(input!, revenue!, cancelled!), {
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: `/tmp/${applicationId}`,
      commitIntervalMs: 200,
      // A tiny output buffer: the loop waits for the producer after almost every batch (back-pressure).
      maxBufferedRecords: 50,
      logger: pino({ level: process.env.RT_LOG ?? 'warn' }),
    });
    running.push(streams);
    await streams.start();

    const placedCount = [...expected.values()].reduce((sum, r) => sum + r.orders, 0);
    const latest = await waitFor(
      async () => {
        const last = new Map<string, Revenue>();
        for (const record of await readAll(revenue!)) {
          last.set(record.key!.toString(), JSON.parse(record.value!.toString()) as Revenue);
        }
        const seen = [...last.values()].reduce((sum, r) => sum + r.orders, 0);
        return seen >= placedCount ? last : undefined;
      },
      { timeoutMs: 60_000, description: 'every placed order counted in region-revenue' },
    );
    expect(Object.fromEntries(latest)).toEqual(Object.fromEntries(expected));
    const cancelledOut = await readAll(cancelled!);
    expect(cancelledOut.map((r) => r.key!.toString()).sort()).toEqual(
      orders
        .filter((o) => o.order.status === 'CANCELLED')
        .map((o) => o.id)
        .sort(),
    );
  });
});
