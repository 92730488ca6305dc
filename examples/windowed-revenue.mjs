// Revenue per region and minute, written once per window when the window is over (suppression): orders
// (JSON `{ region, cents }`, timestamped by the producer) in, `<region>@<window start>` -> cents out, as
// Kafka's Long so any Kafka client reads it.
//
//   npm install tstreams
//   KAFKA_BROKERS=localhost:9092 node windowed-revenue.mjs
//
// Event time drives the windows: a window closes when a record at least `size + grace` later arrives.
import {
  BufferConfig,
  Consumed,
  Grouped,
  Materialized,
  Named,
  Produced,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
} from 'tstreams';
import { KafkaStreams } from 'tstreams/topology/runtime';

const env = process.env;
const MINUTE = 60_000;

const builder = new StreamsBuilder();
builder
  .stream(env.INPUT_TOPIC ?? 'orders', Consumed.with(Serdes.String(), Serdes.json()))
  .groupBy((_id, order) => order.region, Grouped.with(Serdes.String(), Serdes.json()))
  .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE, 5_000))
  .aggregate(
    () => 0,
    (_region, order, cents) => cents + order.cents,
    Materialized.as('revenue-per-minute').withValueSerde(Serdes.Long()),
  )
  .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
  .toStream(Named.as('closed-windows'))
  .map(
    (windowed, cents) => ({
      key: `${windowed.key}@${new Date(windowed.window.start).toISOString()}`,
      value: cents,
    }),
    Named.as('label-window'),
  )
  .to(env.OUTPUT_TOPIC ?? 'revenue-per-minute', Produced.with(Serdes.String(), Serdes.Long()));

const streams = new KafkaStreams(builder.build(), {
  applicationId: env.APPLICATION_ID ?? 'windowed-revenue',
  bootstrapServers: env.KAFKA_BROKERS ?? 'localhost:9092',
  ...(env.STATE_DIR ? { stateDir: env.STATE_DIR } : {}),
});
streams.setStateListener((state) => {
  if (state === 'RUNNING') console.log(JSON.stringify({ state }));
});
streams.installShutdownHandler(); // close cleanly on SIGTERM / SIGINT, then exit
await streams.start();
