import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TestDriverError,
  type Topology,
  TopologyTestDriver,
} from '../../../topology/index.js';

const str = Serdes.string();
const num = Serdes.number();
const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});
async function drive(topology: Topology, options = {}): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 1_000, ...options });
  drivers.push(driver);
  return driver;
}

function copyTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.stream('in', Consumed.with(str, num)).to('out', Produced.with(str, num));
  return builder.build();
}

describe('TopologyTestDriver', () => {
  it('stamps records piped without a timestamp with the topic time, moved by autoAdvance and advanceTime', async () => {
    const driver = await drive(copyTopology());
    const input = driver.createInputTopic('in', str, num, { startTimestampMs: 100, autoAdvanceMs: 10 });
    input.pipeInput('a', 1);
    input.pipeKeyValueList([
      { key: 'b', value: 2 },
      { key: 'c', value: 3 },
    ]);
    input.advanceTime(1_000);
    input.pipeRecordList([
      { key: 'd', value: 4 },
      { key: 'e', value: 5, timestamp: 7 },
    ]);
    const defaults = driver.createInputTopic('in', str, num);
    defaults.pipeInput('f', 6);
    const out = driver.createOutputTopic('out', str, num).readRecordsToList();
    expect(out.map((r) => [r.key, r.timestamp])).toEqual([
      ['a', 100],
      ['b', 110],
      ['c', 120],
      ['d', 1_130],
      ['e', 7],
      ['f', 1_000], // the wall-clock start
    ]);
  });

  it('throws coded errors for an empty output topic, an unknown store, and use after close', async () => {
    const driver = await drive(copyTopology());
    const out = driver.createOutputTopic('out', str, num);
    expect(out.isEmpty()).toBe(true);
    expect(() => out.readKeyValue()).toThrow(TestDriverError);
    expect(() => out.readValue()).toThrow(/output topic "out" has no unread record/);
    expect(() => driver.getKeyValueStore('nope')).toThrow(
      expect.objectContaining({ code: 'STRM_ERR_TEST_DRIVER_UNKNOWN_STORE' }),
    );
    const input = driver.createInputTopic('in', str, num);
    await driver.close();
    await driver.close(); // idempotent
    expect(() => input.pipeInput('a', 1, 1)).toThrow(
      expect.objectContaining({ code: 'STRM_ERR_TEST_DRIVER_CLOSED' }),
    );
  });

  it('asks to await initialization when stores are still opening, and works without awaiting when there are none', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder.stream('in', Consumed.with(str, num)).groupByKey().count(Materialized.as('c'));
    const withStores = new TopologyTestDriver(builder.build());
    drivers.push(withStores);
    const input = withStores.createInputTopic('in', str, num);
    expect(() => input.pipeInput('a', 1, 1)).toThrow(
      expect.objectContaining({ code: 'STRM_ERR_TEST_DRIVER_NOT_READY' }),
    );
    await withStores.initialized();
    input.pipeInput('a', 1, 1);
    expect(withStores.getKeyValueStore<string, number>('c').get('a')).toBe(1);

    const storeless = new TopologyTestDriver(copyTopology());
    drivers.push(storeless);
    storeless.createInputTopic('in', str, num).pipeInput('a', 1, 1);
    expect(storeless.createOutputTopic('out', str, num).getQueueSize()).toBe(1);
  });

  it('feeds records written to a topic the topology reads back into it, after the writing record', async () => {
    const builder = new StreamsBuilder();
    const order: string[] = [];
    builder
      .stream('first', Consumed.with(str, num))
      .peek((k) => order.push(`first:${k}`))
      .to('second', Produced.with(str, num));
    builder
      .stream('second', Consumed.with(str, num))
      .peek((k) => order.push(`second:${k}`))
      .mapValues((v) => v * 2)
      .to('third', Produced.with(str, num));
    const driver = await drive(builder.build());
    driver.createInputTopic('first', str, num).pipeRecordList([
      { key: 'a', value: 1, timestamp: 1 },
      { key: 'b', value: 2, timestamp: 2 },
    ]);
    expect(order).toEqual(['first:a', 'second:a', 'first:b', 'second:b']);
    expect(driver.createOutputTopic('third', str, num).readValuesToList()).toEqual([2, 4]);
    expect(driver.createOutputTopic('second', str, num).getQueueSize()).toBe(2);
  });

  it('writes changelog records of caching stores at commit (commit: manual)', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('in', Consumed.with(str, num))
      .groupByKey()
      .count(Materialized.as('cached-count').withCachingEnabled());
    const driver = await drive(builder.build(), { applicationId: 'cache-app', commit: 'manual' });
    const input = driver.createInputTopic('in', str, num);
    input.pipeInput('a', 1, 1);
    input.pipeInput('a', 1, 2);
    input.pipeInput('b', 1, 3);
    const changelog = driver.createOutputTopic(driver.changelogTopic('cached-count'), str, num);
    expect(changelog.isEmpty()).toBe(true);
    expect(driver.getKeyValueStore<string, number>('cached-count').get('a')).toBe(2);
    await driver.commit();
    expect(changelog.readKeyValuesToMap()).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
  });

  it('turns a stream into a table with toTable(), and derives tables with filterNot', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('prices', Consumed.with(str, Serdes.json<number | null>()))
      .toTable(Materialized.as('latest-price'))
      .filterNot((_, price) => price === 0)
      .toStream()
      .to('non-zero', Produced.with(str, Serdes.json<number | null>()));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('prices', str, Serdes.json<number | null>());
    input.pipeInput('x', 5, 1);
    input.pipeInput('x', 0, 2);
    input.pipeInput('y', 3, 3);
    input.pipeInput('y', null, 4);
    expect(
      driver.createOutputTopic('non-zero', str, Serdes.json<number | null>()).readKeyValuesToList(),
    ).toEqual([
      { key: 'x', value: 5 },
      { key: 'x', value: null },
      { key: 'y', value: 3 },
      { key: 'y', value: null },
    ]);
    expect(driver.getKeyValueStore<string, number>('latest-price').get('x')).toBe(0);
  });
});
