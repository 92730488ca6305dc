/**
 * The worked example of docs/topology-guide.md, section 9 ("Windows, suppression and joins"), run as
 * written: if this test changes, change the guide too.
 */
import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  countingDroppedRecordsListener,
  type DroppedRecordsListener,
  Grouped,
  JoinWindows,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from './helpers.js';

interface Order {
  readonly customer: string;
  readonly region: string;
  readonly total: number;
}
interface Payment {
  readonly amount: number;
}
type TieredOrder = Order & { readonly tier: string };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function buildOrderMonitoring(onDroppedRecord?: DroppedRecordsListener): Topology {
  const builder = new StreamsBuilder({ onDroppedRecord });
  const orderSerde = Serdes.json<Order>();
  // Keyed by order id.
  const orders = builder.stream('orders', Consumed.with(Serdes.string(), orderSerde));
  const payments = builder.stream('payments', Consumed.with(Serdes.string(), Serdes.json<Payment>()));
  // Customer id -> loyalty tier.
  const tiers = builder.table('customer-tiers', Consumed.with(Serdes.string(), Serdes.string()));

  // 1. Revenue per region and hour, emitted once per hour when the hour (plus 5 minutes of grace) is over.
  orders
    .groupBy((_id, order) => order.region, Grouped.with(Serdes.string(), orderSerde))
    .windowedBy(TimeWindows.ofSizeAndGrace(HOUR, 5 * MINUTE))
    .aggregate(
      () => 0,
      (_region, order, sum) => sum + order.total,
      Materialized.as<string, number>('revenue-per-hour').withValueSerde(Serdes.number()),
    )
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to('hourly-revenue', Produced.with(WindowedSerdes.timeWindowed(Serdes.string(), HOUR), Serdes.number()));

  // 2. Each order with its customer's tier: re-keyed by customer, so repartitioned before the join.
  orders
    .selectKey((_id, order) => order.customer)
    .leftJoin(tiers, (order, tier): TieredOrder => ({ ...order, tier: tier ?? 'standard' }))
    .to('orders-with-tier', Produced.with(Serdes.string(), Serdes.json<TieredOrder>()));

  // 3. Orders with no payment in the 30 minutes after them, once those 30 minutes are over.
  orders
    .leftJoin(
      payments,
      (order, payment) => ({ order, paid: payment !== null }),
      JoinWindows.ofTimeDifferenceWithNoGrace(30 * MINUTE).before(0),
    )
    .filter((_id, result) => !result.paid)
    .mapValues((result) => result.order)
    .to('unpaid-orders', Produced.with(Serdes.string(), orderSerde));

  return builder.build();
}

describe('the guide example: windows, suppression and joins', () => {
  it('emits final hourly revenue, enriches orders, and reports unpaid ones', async () => {
    const dropped = countingDroppedRecordsListener();
    const driver = await drive(buildOrderMonitoring(dropped.listener));
    const orders = driver.createInputTopic('orders', Serdes.string(), Serdes.json<Order>());
    const payments = driver.createInputTopic('payments', Serdes.string(), Serdes.json<Payment>());
    driver.createInputTopic('customer-tiers', Serdes.string(), Serdes.string()).pipeInput('ann', 'gold', 0);

    orders.pipeInput('o1', { customer: 'ann', region: 'eu', total: 120 }, 10 * MINUTE);
    payments.pipeInput('o1', { amount: 120 }, 20 * MINUTE);
    orders.pipeInput('o2', { customer: 'bob', region: 'eu', total: 80 }, 50 * MINUTE);
    orders.pipeInput('o3', { customer: 'ann', region: 'us', total: 200 }, HOUR + 2 * MINUTE);
    orders.pipeInput('o4', { customer: 'cyd', region: 'eu', total: 30 }, 58 * MINUTE); // late, within grace
    orders.pipeInput('o5', { customer: 'cyd', region: 'us', total: 10 }, HOUR + 6 * MINUTE); // closes hour 0
    orders.pipeInput('o6', { customer: 'cyd', region: 'eu', total: 99 }, 30 * MINUTE); // too late: dropped

    const revenue = driver.createOutputTopic(
      'hourly-revenue',
      WindowedSerdes.timeWindowed(Serdes.string(), HOUR),
      Serdes.number(),
    );
    expect(revenue.readKeyValuesToList().map((kv) => [kv.key.key, kv.key.window.start, kv.value])).toEqual([
      ['eu', 0, 230],
    ]);
    expect(dropped.count('window-closed')).toBe(1);

    const tiered = driver.createOutputTopic('orders-with-tier', Serdes.string(), Serdes.json<TieredOrder>());
    expect(tiered.readValuesToList().map((o) => `${o.customer}:${o.tier}`)).toEqual([
      'ann:gold',
      'bob:standard',
      'ann:gold',
      'cyd:standard',
      'cyd:standard',
      'cyd:standard',
    ]);

    // o6 came after its 30 minutes were over: reported at once. o2 (0:50) and o4 (0:58) are still open.
    const unpaid = driver.createOutputTopic('unpaid-orders', Serdes.string(), Serdes.json<Order>());
    expect(unpaid.readKeyValuesToList().map((kv) => kv.key)).toEqual(['o6']);
    orders.pipeInput('o7', { customer: 'ann', region: 'eu', total: 5 }, HOUR + 25 * MINUTE); // 1:25 closes o2
    expect(unpaid.readKeyValuesToList().map((kv) => kv.key)).toEqual(['o2']);
  });
});
