// A stream-table join: each order (JSON `{ customer, cents }`, keyed by order id) is re-keyed by its
// customer, which repartitions it through an internal topic, and joined with that customer's row of the
// `customers` table (JSON `{ name, tier }`, keyed by customer id). Orders of unknown customers are kept with
// `tier: "unknown"` (a left join). The customers topic needs as many partitions as the orders topic.
//
//   npm install tstreams
//   KAFKA_BROKERS=localhost:9092 node enrich-with-table.mjs
//
// (A global table would spare the repartition; the runtime does not run global tables yet, the test driver
// does.)
import { Consumed, Named, Produced, Serdes, StreamsBuilder } from 'tstreams';
import { KafkaStreams } from 'tstreams/topology/runtime';

const env = process.env;

const builder = new StreamsBuilder();
const customers = builder.table(
  env.CUSTOMERS_TOPIC ?? 'customers',
  Consumed.with(Serdes.String(), Serdes.json()),
);
builder
  .stream(env.ORDERS_TOPIC ?? 'orders', Consumed.with(Serdes.String(), Serdes.json()))
  .map(
    (orderId, order) => ({ key: order.customer, value: { ...order, orderId } }),
    Named.as('key-by-customer'),
  )
  .leftJoin(customers, (order, customer) => ({
    ...order,
    name: customer?.name ?? null,
    tier: customer?.tier ?? 'unknown',
  }))
  .to(env.OUTPUT_TOPIC ?? 'orders-with-customer', Produced.with(Serdes.String(), Serdes.json()));

const streams = new KafkaStreams(builder.build(), {
  applicationId: env.APPLICATION_ID ?? 'enrich-orders',
  bootstrapServers: env.KAFKA_BROKERS ?? 'localhost:9092',
  ...(env.STATE_DIR ? { stateDir: env.STATE_DIR } : {}),
});
streams.setStateListener((state) => {
  if (state === 'RUNNING') console.log(JSON.stringify({ state }));
});
streams.installShutdownHandler(); // close cleanly on SIGTERM / SIGINT, then exit
await streams.start();
