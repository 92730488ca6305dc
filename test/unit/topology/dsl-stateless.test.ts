import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
  TopologyTestDriver,
} from '../../../topology/index.js';

const str = Serdes.string();
const num = Serdes.number();
const drivers: TopologyTestDriver[] = [];
async function drive(topology: Topology): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0 });
  drivers.push(driver);
  return driver;
}
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

interface Order {
  readonly id: string;
  readonly region: string;
  readonly total: number;
  readonly items: readonly string[];
}
const orderSerde = Serdes.json<Order>();
const order = (id: string, region: string, total: number, items: string[] = []): Order => ({
  id,
  region,
  total,
  items,
});

describe('stateless DSL operators', () => {
  it('filter and filterNot keep and drop records by predicate', async () => {
    const builder = new StreamsBuilder();
    const orders = builder.stream('orders', Consumed.with(str, orderSerde));
    orders.filter((_, o) => o.total >= 100).to('big', Produced.with(str, orderSerde));
    orders.filterNot((_, o) => o.total >= 100).to('small', Produced.with(str, orderSerde));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('orders', str, orderSerde);
    input.pipeInput('a', order('a', 'eu', 150), 1);
    input.pipeInput('b', order('b', 'us', 20), 2);
    input.pipeInput('c', order('c', 'us', 100), 3);
    expect(
      driver
        .createOutputTopic('big', str, orderSerde)
        .readKeyValuesToList()
        .map((kv) => kv.key),
    ).toEqual(['a', 'c']);
    expect(
      driver
        .createOutputTopic('small', str, orderSerde)
        .readKeyValuesToList()
        .map((kv) => kv.key),
    ).toEqual(['b']);
  });

  it('map, mapValues, selectKey and peek transform keys and values and keep timestamps and headers', async () => {
    const builder = new StreamsBuilder();
    const seen: string[] = [];
    builder
      .stream('orders', Consumed.with(str, orderSerde))
      .peek((k) => seen.push(k))
      .selectKey((_, o) => o.region)
      .mapValues((o) => o.total)
      .map((region, total) => ({ key: region.toUpperCase(), value: total * 2 }))
      .to('doubled', Produced.with(str, num));
    const driver = await drive(builder.build());
    driver
      .createInputTopic('orders', str, orderSerde)
      .pipeInput('a', order('a', 'eu', 10), 77, { trace: 'x1' });
    const out = driver.createOutputTopic('doubled', str, num).readRecord();
    expect(out).toEqual({ key: 'EU', value: 20, timestamp: 77, headers: { trace: 'x1' } });
    expect(seen).toEqual(['a']);
  });

  it('flatMap and flatMapValues emit zero or more records per record', async () => {
    const builder = new StreamsBuilder();
    const orders = builder.stream('orders', Consumed.with(str, orderSerde));
    orders.flatMapValues((o) => o.items).to('items', Produced.with(str, str));
    orders
      .flatMap((id, o) => o.items.map((item) => ({ key: item, value: id })))
      .to('orders-by-item', Produced.with(str, str));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('orders', str, orderSerde);
    input.pipeInput('o1', order('o1', 'eu', 1, ['soap', 'towel']), 1);
    input.pipeInput('o2', order('o2', 'eu', 1, []), 2);
    expect(driver.createOutputTopic('items', str, str).readKeyValuesToList()).toEqual([
      { key: 'o1', value: 'soap' },
      { key: 'o1', value: 'towel' },
    ]);
    expect(driver.createOutputTopic('orders-by-item', str, str).readKeyValuesToList()).toEqual([
      { key: 'soap', value: 'o1' },
      { key: 'towel', value: 'o1' },
    ]);
  });

  it('split routes each record to the first matching branch, with a default branch', async () => {
    const builder = new StreamsBuilder();
    const { eu, big, rest } = builder
      .stream('orders', Consumed.with(str, orderSerde))
      .split('orders-')
      .branch((_, o) => o.region === 'eu', 'eu')
      .branch((_, o) => o.total > 100, 'big')
      .defaultBranch('rest');
    eu.to('eu', Produced.with(str, orderSerde));
    big.to('big', Produced.with(str, orderSerde));
    rest.to('rest', Produced.with(str, orderSerde));
    const topology = builder.build();
    const driver = await drive(topology);
    const input = driver.createInputTopic('orders', str, orderSerde);
    input.pipeInput('1', order('1', 'eu', 500), 1); // eu wins over big: first match
    input.pipeInput('2', order('2', 'us', 500), 2);
    input.pipeInput('3', order('3', 'us', 5), 3);
    const keys = (topic: string) =>
      driver
        .createOutputTopic(topic, str, orderSerde)
        .readKeyValuesToList()
        .map((kv) => kv.key);
    expect([keys('eu'), keys('big'), keys('rest')]).toEqual([['1'], ['2'], ['3']]);
    expect(String(topology.describe())).toContain(
      'Processor: orders-split (stores: [])\n      --> orders-eu, orders-big, orders-rest',
    );
  });

  it('noDefaultBranch drops records no branch accepts', async () => {
    const builder = new StreamsBuilder();
    const { small } = builder
      .stream('n', Consumed.with(str, num))
      .split()
      .branch((_, v) => v < 10, 'small')
      .noDefaultBranch();
    small.to('small', Produced.with(str, num));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('n', str, num);
    input.pipeInput('a', 5, 1);
    input.pipeInput('b', 50, 2);
    expect(driver.createOutputTopic('small', str, num).readValuesToList()).toEqual([5]);
  });

  it('merge interleaves two streams in arrival order', async () => {
    const builder = new StreamsBuilder();
    const a = builder.stream('a', Consumed.with(str, num));
    const b = builder.stream('b', Consumed.with(str, num)).mapValues((v) => v * 10);
    a.merge(b).to('merged', Produced.with(str, num));
    const driver = await drive(builder.build());
    driver.createInputTopic('a', str, num).pipeInput('x', 1, 1);
    driver.createInputTopic('b', str, num).pipeInput('y', 2, 2);
    driver.createInputTopic('a', str, num).pipeInput('z', 3, 3);
    expect(driver.createOutputTopic('merged', str, num).readValuesToList()).toEqual([1, 20, 3]);
  });

  it('to() routes records to a topic chosen per record', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('orders', Consumed.with(str, orderSerde))
      .to((record) => `orders-${record.value.region}`, Produced.with(str, orderSerde));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('orders', str, orderSerde);
    input.pipeInput('1', order('1', 'eu', 1), 1);
    input.pipeInput('2', order('2', 'us', 1), 2);
    expect(driver.producedTopicNames()).toEqual(new Set(['orders-eu', 'orders-us']));
  });

  it('reads several topics, or a pattern, as one stream, with a timestamp extractor', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream(
        /^events\..+/,
        Consumed.with(str, Serdes.json<{ at: number }>()).withTimestampExtractor((r) => r.value.at),
      )
      .mapValues((v, k) => `${k}@${v.at}`)
      .to('seen', Produced.with(str, str));
    const driver = await drive(builder.build());
    driver.createInputTopic('events.a', str, Serdes.json<{ at: number }>()).pipeInput('k1', { at: 500 }, 1);
    driver.createInputTopic('events.b', str, Serdes.json<{ at: number }>()).pipeInput('k2', { at: 900 }, 2);
    const out = driver.createOutputTopic('seen', str, str).readRecordsToList();
    expect(out.map((r) => [r.value, r.timestamp])).toEqual([
      ['k1@500', 500],
      ['k2@900', 900],
    ]);
  });

  it('reads several topics by name as one stream, names sources and sinks, and runs foreach', async () => {
    const builder = new StreamsBuilder();
    const seen: string[] = [];
    const events = builder.stream(['clicks', 'views'], Consumed.with(str, num).withName('events-source'));
    events.foreach((k, v) => seen.push(`${k}=${v}`));
    events.to(
      'all-events',
      Produced.with(str, num)
        .withName('events-sink')
        .withPartitioner(() => 0),
    );
    const topology = builder.build();
    expect(String(topology.describe())).toContain('Source: events-source (topics: [clicks, views])');
    expect(String(topology.describe())).toContain('Sink: events-sink (topic: all-events)');
    const driver = await drive(topology);
    driver.createInputTopic('clicks', str, num).pipeInput('a', 1, 1);
    driver.createInputTopic('views', str, num).pipeInput('b', 2, 2);
    expect(seen).toEqual(['a=1', 'b=2']);
    expect(driver.createOutputTopic('all-events', str, num).readValuesToList()).toEqual([1, 2]);
  });
});
