import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TaskError,
  TimeWindows,
  TopologyError,
  TopologyTestDriver,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from './helpers.js';

const str = Serdes.string();
const num = Serdes.number();
const windowedKey = WindowedSerdes.timeWindowed(str, 10);

function finalCounts(builder = new StreamsBuilder({ defaultStoreType: 'in_memory' })) {
  builder
    .stream('clicks', Consumed.with(str, str))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
    .count(Materialized.as('clicks-per-window'))
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to('final-counts', Produced.with(windowedKey, num));
  return builder.build();
}

describe('suppress until the window closes', () => {
  it('emits nothing while the window is open and each window once, with its final count, when it closes', async () => {
    const driver = await drive(finalCounts());
    const input = driver.createInputTopic('clicks', str, str);
    const output = driver.createOutputTopic('final-counts', windowedKey, num);
    const read = () =>
      output.readRecordsToList().map((r) => [r.key.key, r.key.window.start, r.value, r.timestamp]);
    input.pipeInput('ann', 'a', 1);
    input.pipeInput('ann', 'b', 4);
    input.pipeInput('bob', 'c', 12);
    input.pipeInput('ann', 'late-in-grace', 9);
    input.pipeInput('ann', 'd', 14); // stream time 14: [0,10) closes at 15
    expect(read()).toEqual([]);
    input.pipeInput('bob', 'e', 15); // closes [0,10) for every key
    expect(read()).toEqual([['ann', 0, 3, 9]]);
    input.pipeInput('ann', 'too-late', 2); // dropped upstream: changes nothing
    input.pipeInput('bob', 'f', 24);
    expect(read()).toEqual([]);
    input.pipeInput('bob', 'g', 25); // closes [10,20)
    // Windows that close at the same time go out in the order they were first updated.
    expect(read()).toEqual([
      ['bob', 10, 2, 15],
      ['ann', 10, 1, 14],
    ]);
  });

  it('emits only the final session, never the sessions it merged', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const sessionKey = WindowedSerdes.sessionWindowed(str);
    builder
      .stream('clicks', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 10))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('visits', Produced.with(sessionKey, num));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 0);
    input.pipeInput('ann', 'b', 20); // a second session
    input.pipeInput('ann', 'c', 10); // bridges them: [0,20]
    input.pipeInput('bob', 'd', 40); // [0,20] is final once stream time passes 20 + 10 + 10
    expect(driver.createOutputTopic('visits', sessionKey, num).isEmpty()).toBe(true);
    input.pipeInput('bob', 'e', 41);
    const visits = driver.createOutputTopic('visits', sessionKey, num).readRecordsToList();
    expect(visits.map((r) => [r.key.key, r.key.window, r.value])).toEqual([
      ['ann', { start: 0, end: 20 }, 3],
    ]);
  });

  it('keeps held updates across a restart of the task (the buffer lives in a store)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'suppress-'));
    try {
      const first = await TopologyTestDriver.create(finalCounts(new StreamsBuilder()), { stateDir });
      first.createInputTopic('clicks', str, str).pipeInput('ann', 'a', 1);
      await first.close();
      const second = await TopologyTestDriver.create(finalCounts(new StreamsBuilder()), { stateDir });
      try {
        second.createInputTopic('clicks', str, str).pipeInput('bob', 'b', 30);
        const output = second.createOutputTopic('final-counts', windowedKey, num);
        expect(output.readKeyValuesToList().map((kv) => [kv.key.key, kv.key.window.start, kv.value])).toEqual(
          [['ann', 0, 1]],
        );
      } finally {
        await second.close();
      }
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('waits past the end of windows that include their end (sliding windows)', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('clicks', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 2))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('final', Produced.with(windowedKey, num));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('clicks', str, str);
    const output = driver.createOutputTopic('final', windowedKey, num);
    input.pipeInput('ann', 'a', 20); // window [10,20]: a record at 22 could still join it
    input.pipeInput('bob', 'b', 22);
    expect(output.isEmpty()).toBe(true);
    input.pipeInput('bob', 'c', 23); // stream time 23 > 20 + 2: final
    expect(output.readKeyValuesToList().map((kv) => [kv.key.key, kv.key.window, kv.value])).toEqual([
      ['ann', { start: 10, end: 20 }, 1],
    ]);
  });

  it('suppresses a filtered windowed table too: it keeps its windows', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('clicks', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count()
      .filter((_k, count) => count > 1)
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream()
      .to('busy', Produced.with(windowedKey, num));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('clicks', str, str);
    input.pipeInput('ann', 'a', 1);
    input.pipeInput('ann', 'b', 2);
    input.pipeInput('bob', 'c', 3);
    input.pipeInput('bob', 'tick', 10);
    expect(
      driver
        .createOutputTopic('busy', windowedKey, num)
        .readKeyValuesToList()
        .map((kv) => [kv.key.key, kv.value]),
    ).toEqual([['ann', 2]]);
  });

  it('refuses a table that is not windowed, and a buffer that may emit early', () => {
    const builder = new StreamsBuilder();
    const table = builder.table('rooms', Consumed.with(str, str));
    expect(() =>
      table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()) as unknown as Suppressed<string>),
    ).toThrow(TopologyError);
    expect(() =>
      Suppressed.untilWindowCloses(
        BufferConfig.maxRecords(5).emitEarlyWhenFull() as unknown as BufferConfig<true>,
      ),
    ).toThrow(/strict buffer/);
  });
});

describe('suppress until a time limit', () => {
  function rateLimited(buffer: BufferConfig) {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .table('prices', Consumed.with(str, num))
      .suppress(Suppressed.untilTimeLimit(10, buffer).withName('price-limiter'))
      .toStream()
      .to('prices-limited', Produced.with(str, num));
    return builder.build();
  }

  it('emits the latest value of a key once stream time is the limit past its first held update', async () => {
    const driver = await drive(rateLimited(BufferConfig.unbounded()));
    const input = driver.createInputTopic('prices', str, num);
    const output = driver.createOutputTopic('prices-limited', str, num);
    input.pipeInput('r1', 100, 0);
    input.pipeInput('r1', 110, 5);
    input.pipeInput('r2', 50, 9);
    expect(output.readKeyValuesToList()).toEqual([]);
    input.pipeInput('r1', 120, 10); // r1 due at 0 + 10
    expect(output.readKeyValuesToList()).toEqual([{ key: 'r1', value: 120 }]);
    input.pipeInput('r2', null as unknown as number, 19); // r2 was never emitted: its deletion is nothing
    input.pipeInput('r1', null as unknown as number, 20); // r1 was: its deletion is held until 30
    expect(output.readKeyValuesToList()).toEqual([]);
    input.pipeInput('r3', 1, 30);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['r1', null, 20]]);
    expect(driver.getStateStore('price-limiter-store').name).toBe('price-limiter-store');
  });

  it('emits the oldest held update early when a bounded buffer is full', async () => {
    const driver = await drive(rateLimited(BufferConfig.maxRecords(2)));
    const input = driver.createInputTopic('prices', str, num);
    input.pipeInput('r1', 1, 0);
    input.pipeInput('r2', 2, 1);
    input.pipeInput('r3', 3, 2);
    expect(driver.createOutputTopic('prices-limited', str, num).readKeyValuesToList()).toEqual([
      { key: 'r1', value: 1 },
    ]);
  });

  it('fails the task when a buffer set to shut down when full overflows', async () => {
    const driver = await drive(rateLimited(BufferConfig.maxRecords(1).shutDownWhenFull()));
    const input = driver.createInputTopic('prices', str, num);
    input.pipeInput('r1', 1, 0);
    expect(() => input.pipeInput('r2', 2, 1)).toThrow(TaskError);
    expect(() => input.pipeInput('r3', 3, 2)).toThrow(/price-limiter.*is full.*raise the bounds/);
  });
});
