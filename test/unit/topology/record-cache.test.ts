/**
 * The record cache changes how often a DSL topology emits, never what it ends with: the same topology
 * (grouped counts and aggregates, one behind a repartition, a hopping-window aggregate and a suppressed
 * one), run with the cache on and off over the same input with the same commit points, ends with the same
 * store contents and the same last value per key on every output topic; with the cache on, fewer
 * intermediate records are written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyValueStore, WindowStore } from '../../../state/index.js';
import {
  BufferConfig,
  Consumed,
  Grouped,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type TopologyTestDriver,
  WindowedSerdes,
} from '../../../topology/index.js';
import { TopologyTestDriver as Driver } from '../../../topology/test-driver.js';

const str = Serdes.string();
const num = Serdes.number();
const windowedKey = WindowedSerdes.timeWindowed(str, 100);
const drivers: TopologyTestDriver[] = [];

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

/** The topology, with its stores cached (the DSL's default) or not. */
function topology(cached: boolean) {
  const as = (name: string) =>
    cached
      ? Materialized.as<string, number>(name)
      : Materialized.as<string, number>(name).withCachingDisabled();
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
  const orders = builder.stream('orders', Consumed.with(str, num));
  const byRegion = orders.groupByKey();
  byRegion.count(as('counts')).toStream().to('counts-out', Produced.with(str, num));
  byRegion
    .aggregate(
      () => 0,
      (_k, amount, sum) => sum + amount,
      as('sums'),
    )
    .toStream()
    .to('sums-out', Produced.with(str, num));
  orders
    .groupBy((region) => region.slice(0, 1), Grouped.with(str, num).withName('by-initial'))
    .count(as('initial-counts'))
    .toStream()
    .to('initial-out', Produced.with(str, num));
  const windowed = byRegion.windowedBy(TimeWindows.ofSizeAndGrace(100, 50).advanceBy(25)).aggregate(
    () => 0,
    (_k, amount, sum) => sum + amount,
    // Kept for the whole run, so that every window's final value is compared.
    as('window-sums').withRetention(100_000),
  );
  windowed.toStream().to('windows-out', Produced.with(windowedKey, num));
  windowed
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to('final-windows-out', Produced.with(windowedKey, num));
  return builder.build();
}

/** Runs the input through one driver; commits every 50 records, as the runtime would at intervals. */
async function run(cached: boolean, cacheMaxBytes?: number) {
  const driver = await Driver.create(topology(cached), {
    commit: 'manual',
    ...(cacheMaxBytes === undefined ? {} : { cacheMaxBytes }),
  });
  drivers.push(driver);
  const input = driver.createInputTopic('orders', str, num);
  const regions = ['north', 'nadir', 'south', 'east', 'west'];
  for (let i = 0; i < 1_000; i++) {
    const region = regions[(i * 7 + (i >> 3)) % regions.length]!;
    // Mostly in order, with some records up to 40 ms late (within the grace period).
    const timestamp = i * 3 - (i % 11 === 0 ? 40 : 0);
    input.pipeInput(region, (i % 13) + 1, Math.max(0, timestamp));
    if (i % 50 === 49) await driver.commit();
  }
  await driver.commit();
  const table = (name: string) =>
    [...driver.getKeyValueStore<string, number>(name).all()].map((kv) => [kv.key, kv.value]);
  const windows = driver.getWindowStore<string, number>('window-sums') as WindowStore<string, number>;
  const outputs = {
    counts: driver.createOutputTopic('counts-out', str, num).readKeyValuesToList(),
    sums: driver.createOutputTopic('sums-out', str, num).readKeyValuesToList(),
    initials: driver.createOutputTopic('initial-out', str, num).readKeyValuesToList(),
    windows: driver
      .createOutputTopic('windows-out', windowedKey, num)
      .readKeyValuesToList()
      .map(({ key, value }) => ({ key: `${key.key}@${key.window.start}`, value })),
    finals: driver
      .createOutputTopic('final-windows-out', windowedKey, num)
      .readKeyValuesToList()
      .map(({ key, value }) => ({ key: `${key.key}@${key.window.start}`, value })),
  };
  return {
    stores: {
      counts: table('counts'),
      sums: table('sums'),
      initials: table('initial-counts'),
      windows: [...windows.all()].map((kv) => [kv.key.key, kv.key.window.start, kv.value]),
    },
    outputs,
    changelog: driver
      .createOutputTopic(driver.changelogTopic('window-sums'), windowedKey, num)
      .getQueueSize(),
  };
}

/** The last value of each key, as a table read from the topic would hold. */
function lastPerKey(records: ReadonlyArray<{ key: string; value: number }>): Map<string, number> {
  return new Map(records.map(({ key, value }) => [key, value]));
}

describe('record cache in the TopologyTestDriver', () => {
  it('ends with the same stores and final values with the cache on and off, writing fewer records on', async () => {
    const on = await run(true);
    const off = await run(false);

    expect(on.stores).toEqual(off.stores);
    expect(on.stores.counts.length).toBe(5);
    expect(on.stores.windows.length).toBeGreaterThan(100);
    for (const topic of ['counts', 'sums', 'initials', 'windows'] as const) {
      expect(lastPerKey(on.outputs[topic]), topic).toEqual(lastPerKey(off.outputs[topic]));
    }
    // Suppressed final results: once per window either way, with the same values (emitted at the
    // commits when cached, so in another order).
    const windowsOf = (finals: ReadonlyArray<{ key: string }>) => finals.map((r) => r.key);
    expect(new Set(windowsOf(on.outputs.finals)).size).toBe(on.outputs.finals.length);
    expect(lastPerKey(on.outputs.finals)).toEqual(lastPerKey(off.outputs.finals));
    expect(on.outputs.finals).toHaveLength(off.outputs.finals.length);
    expect(on.outputs.finals.length).toBeGreaterThan(50);

    // Without the cache every update is written; with it, one per key per commit (or eviction).
    expect(off.outputs.counts).toHaveLength(1_000);
    // Four hopping windows per record, fewer for the first records (no window starts before 0).
    expect(off.outputs.windows.length).toBeGreaterThan(3_900);
    expect(on.outputs.counts.length).toBeLessThanOrEqual(5 * 21);
    expect(on.outputs.windows.length).toBeLessThan(off.outputs.windows.length / 2);
    expect(on.outputs.initials.length).toBeLessThan(off.outputs.initials.length / 5);
    expect(on.changelog).toBeLessThan(off.changelog / 2);
  });

  it('with a budget of 0, writes every update as if nothing were cached', async () => {
    const zero = await run(true, 0);
    const off = await run(false);
    expect(zero.stores).toEqual(off.stores);
    expect(zero.outputs).toEqual(off.outputs);
  });

  it('flushes at each input by default, so cached outputs match uncached ones record for record', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('orders', Consumed.with(str, num))
      .groupByKey()
      .count(Materialized.as('counts'))
      .toStream()
      .to('counts-out', Produced.with(str, num));
    const driver = await Driver.create(builder.build());
    drivers.push(driver);
    const input = driver.createInputTopic('orders', str, num);
    for (const region of ['north', 'north', 'south', 'north']) input.pipeInput(region, 1);
    expect(driver.createOutputTopic('counts-out', str, num).readKeyValuesToList()).toEqual([
      { key: 'north', value: 1 },
      { key: 'north', value: 2 },
      { key: 'south', value: 1 },
      { key: 'north', value: 3 },
    ]);
    const store = driver.getKeyValueStore<string, number>('counts') as KeyValueStore<string, number>;
    expect(store.get('north')).toBe(3);
  });

  it('forwards a key once per commit with the timestamp and headers of its last update', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('orders', Consumed.with(str, num))
      .groupByKey()
      .reduce((sum, amount) => sum + amount, Materialized.as('sums'))
      .toStream()
      .to('sums-out', Produced.with(str, num));
    const driver = await Driver.create(builder.build(), { commit: 'manual' });
    drivers.push(driver);
    const input = driver.createInputTopic('orders', str, num);
    const output = driver.createOutputTopic('sums-out', str, num);
    input.pipeInput('north', 1, 10, { trace: 'first' });
    input.pipeInput('north', 2, 20, { trace: 'second' });
    input.pipeInput('south', 5, 15, { trace: 'third' });
    expect(output.isEmpty()).toBe(true);
    await driver.commit();
    expect(
      output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp, String(r.headers.trace)]),
    ).toEqual([
      ['north', 3, 20, 'second'],
      ['south', 5, 15, 'third'],
    ]);
  });
});
