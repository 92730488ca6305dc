import { describe, expect, it } from 'vitest';
import type { WindowStore } from '../../../../state/store.js';
import {
  Consumed,
  countingDroppedRecordsListener,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  TopologyError,
  type Windowed,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from './helpers.js';

const str = Serdes.string();
const num = Serdes.number();

/** Counts per key in `windows`, written to `counts` with a time-windowed key. */
function windowedCounts(windows: TimeWindows, dropped = countingDroppedRecordsListener()) {
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory', onDroppedRecord: dropped.listener });
  builder
    .stream('clicks', Consumed.with(str, str))
    .groupByKey()
    .windowedBy(windows)
    .count(Materialized.as('clicks-per-window').withRetention(1_000))
    .toStream()
    .to('counts', Produced.with(WindowedSerdes.timeWindowed(str, windows.sizeMs), num));
  return { topology: builder.build(), dropped };
}

type Row = [key: string, start: number, end: number, count: number | null, timestamp: number];

function rows(records: Array<{ key: Windowed<string>; value: number | null; timestamp: number }>): Row[] {
  return records.map((r) => [r.key.key, r.key.window.start, r.key.window.end, r.value, r.timestamp]);
}

describe('TimeWindows', () => {
  it('lists the tumbling and hopping windows that contain a timestamp', () => {
    expect(TimeWindows.ofSizeWithNoGrace(10).windowsFor(25)).toEqual([{ start: 20, end: 30 }]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5).windowsFor(25)).toEqual([
      { start: 20, end: 30 },
      { start: 25, end: 35 },
    ]);
    expect(TimeWindows.ofSizeWithNoGrace(10).advanceBy(3).windowsFor(4)).toEqual([
      { start: 0, end: 10 },
      { start: 3, end: 13 },
    ]);
  });

  it('refuses sizes, graces and advances that make no windows, naming the fix', () => {
    expect(() => TimeWindows.ofSizeWithNoGrace(0)).toThrow(/window size is 0.*at least 1/);
    expect(() => TimeWindows.ofSizeAndGrace(10, -1)).toThrow(TopologyError);
    expect(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11)).toThrow(/advance by at most the size/);
    expect(() => TimeWindows.ofSizeWithNoGrace(1.5)).toThrow(/whole number of milliseconds/);
  });
});

describe('tumbling windows', () => {
  it('counts per key and window, emitting every update with a windowed key', async () => {
    const { topology } = windowedCounts(TimeWindows.ofSizeWithNoGrace(10));
    const driver = await drive(topology);
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 1);
    input.pipeInput('ann', 'b', 9);
    input.pipeInput('bob', 'c', 9);
    input.pipeInput('ann', 'd', 10);
    const output = driver.createOutputTopic('counts', WindowedSerdes.timeWindowed(str, 10), num);
    expect(rows(output.readRecordsToList())).toEqual([
      ['ann', 0, 10, 1, 1],
      ['ann', 0, 10, 2, 9],
      ['bob', 0, 10, 1, 9],
      ['ann', 10, 20, 1, 10],
    ]);
    const store = driver.getWindowStore<string, number>('clicks-per-window');
    expect(store.fetch('ann', 0)).toBe(2);
    expect(store.fetch('ann', 10)).toBe(1);
  });

  it('keeps windows for the window size plus grace unless Materialized.withRetention says longer', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const windowed = builder
      .stream('clicks', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5));
    windowed.count(Materialized.as('short'));
    windowed.count(Materialized.as('long').withRetention(100));
    expect(() => windowed.count(Materialized.as('too-short').withRetention(14))).toThrow(
      /withRetention\(15\)/,
    );
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 1);
    input.pipeInput('ann', 'b', 20); // window [0,10) closed at 15; the default retention drops it now
    expect(driver.getWindowStore<string, number>('short').fetch('ann', 0)).toBeUndefined();
    expect(driver.getWindowStore<string, number>('long').fetch('ann', 0)).toBe(1);
  });

  it('accepts a late record within the grace period and drops (and reports) one after it', async () => {
    const { topology, dropped } = windowedCounts(TimeWindows.ofSizeAndGrace(10, 5));
    const driver = await drive(topology);
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 3);
    input.pipeInput('ann', 'b', 14); // stream time 14: window [0,10) is open until 15
    input.pipeInput('ann', 'late-but-in-grace', 7);
    input.pipeInput('bob', 'c', 15); // stream time 15 closes [0,10)
    input.pipeInput('ann', 'too-late', 8);
    const output = driver.createOutputTopic('counts', WindowedSerdes.timeWindowed(str, 10), num);
    expect(rows(output.readRecordsToList())).toEqual([
      ['ann', 0, 10, 1, 3],
      ['ann', 10, 20, 1, 14],
      ['ann', 0, 10, 2, 7],
      ['bob', 10, 20, 1, 15],
    ]);
    expect(dropped.count('window-closed')).toBe(1);
    expect(dropped.records[0]).toMatchObject({
      reason: 'window-closed',
      key: 'ann',
      timestamp: 8,
      streamTimeMs: 15,
      window: { start: 0, end: 10 },
      source: { topic: 'clicks', partition: 0, offset: 4 },
    });
    expect(dropped.records[0]?.processor).toMatch(/^KSTREAM-AGGREGATE-/);
  });

  it('closes a window with no grace as soon as stream time reaches its end', async () => {
    const { topology, dropped } = windowedCounts(TimeWindows.ofSizeWithNoGrace(10));
    const driver = await drive(topology);
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 10);
    input.pipeInput('ann', 'late', 9);
    expect(
      rows(driver.createOutputTopic('counts', WindowedSerdes.timeWindowed(str, 10), num).readRecordsToList()),
    ).toEqual([['ann', 10, 20, 1, 10]]);
    expect(dropped.count()).toBe(1);
  });

  it('drops and reports records with a null key or value', async () => {
    const { topology, dropped } = windowedCounts(TimeWindows.ofSizeWithNoGrace(10));
    const driver = await drive(topology);
    const input = driver.createInputTopic('clicks', str, Serdes.json<string | null>());
    input.pipeInput('ann', null, 1);
    expect(driver.createOutputTopic('counts', str, num).isEmpty()).toBe(true);
    expect(dropped.count('null-key-or-value')).toBe(1);
  });
});

describe('hopping windows', () => {
  it('adds each record to every window containing it, dropping it only from closed ones', async () => {
    const { topology, dropped } = windowedCounts(TimeWindows.ofSizeAndGrace(10, 2).advanceBy(5));
    const driver = await drive(topology);
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 7); // windows [0,10) and [5,15)
    input.pipeInput('ann', 'b', 12); // windows [5,15) and [10,20); stream time 12: [0,10) open until 12
    input.pipeInput('ann', 'c', 8); // [0,10) closed (10 + 2 <= 12), [5,15) open
    const output = driver.createOutputTopic('counts', WindowedSerdes.timeWindowed(str, 10), num);
    expect(rows(output.readRecordsToList())).toEqual([
      ['ann', 0, 10, 1, 7],
      ['ann', 5, 15, 1, 7],
      ['ann', 5, 15, 2, 12],
      ['ann', 10, 20, 1, 12],
      ['ann', 5, 15, 3, 8],
    ]);
    expect(dropped.records.map((r) => r.window)).toEqual([{ start: 0, end: 10 }]);
    const store = driver.getStateStore<WindowStore<string, number>>('clicks-per-window');
    expect([...store.fetchRange('ann', 0, 20)].map((e) => [e.key, e.value])).toEqual([
      [0, 1],
      [5, 3],
      [10, 1],
    ]);
  });

  it('reduces and aggregates per window with the value serdes of the step', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const windowed = builder
      .stream('amounts', Consumed.with(str, num))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(100));
    windowed
      .reduce((a, b) => Math.max(a, b), Materialized.as('max-amount'))
      .toStream()
      .to('max', Produced.with(WindowedSerdes.timeWindowed(str, 100), num));
    windowed
      .aggregate(
        () => ({ sum: 0, n: 0 }),
        (_k, v, agg) => ({ sum: agg.sum + v, n: agg.n + 1 }),
        Materialized.as<string, { sum: number; n: number }>('sum-amount'),
      )
      .toStream()
      .to('sums');
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('amounts', str, num);
    input.pipeInput('h1', 30, 10);
    input.pipeInput('h1', 20, 20);
    input.pipeInput('h1', 50, 110);
    expect(
      driver.createOutputTopic('max', WindowedSerdes.timeWindowed(str, 100), num).readValuesToList(),
    ).toEqual([30, 30, 50]);
    const sums = driver.createOutputTopic(
      'sums',
      WindowedSerdes.timeWindowed(str, 100),
      Serdes.json<{ sum: number }>(),
    );
    expect(sums.readKeyValuesToList().map((kv) => [kv.key.window.start, kv.value])).toEqual([
      [0, { sum: 30, n: 1 }],
      [0, { sum: 50, n: 2 }],
      [100, { sum: 50, n: 1 }],
    ]);
  });
});
