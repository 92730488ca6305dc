import { describe, expect, it } from 'vitest';
import {
  Consumed,
  countingDroppedRecordsListener,
  Materialized,
  Produced,
  Serdes,
  SlidingWindows,
  StreamsBuilder,
  TopologyError,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from './helpers.js';

const str = Serdes.string();
const num = Serdes.number();
const DIFF = 10;

async function slidingSums(grace: number) {
  const dropped = countingDroppedRecordsListener();
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory', onDroppedRecord: dropped.listener });
  builder
    .stream('amounts', Consumed.with(str, num))
    .groupByKey()
    .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(DIFF, grace))
    .reduce((a, b) => a + b, Materialized.as('sliding-sums'))
    .toStream()
    .to('sums', Produced.with(WindowedSerdes.timeWindowed(str, DIFF), num));
  const driver = await drive(builder.build());
  const input = driver.createInputTopic('amounts', str, num);
  const output = driver.createOutputTopic('sums', WindowedSerdes.timeWindowed(str, DIFF), num);
  const read = () => output.readRecordsToList().map((r) => [r.key.window.start, r.key.window.end, r.value]);
  /** The final aggregate of every window in the store, by start. */
  const windows = () => {
    const iterator = driver.getWindowStore<string, number>('sliding-sums').fetchRange('k', 0, 1_000);
    try {
      return [...iterator].map((e) => [e.key, e.value]);
    } finally {
      iterator.close();
    }
  };
  return { input, read, windows, dropped };
}

describe('sliding windows', () => {
  it('creates a window ending at each record and one just after a record once another falls in it', async () => {
    const { input, read, windows } = await slidingSums(0);
    input.pipeInput('k', 1, 20); // left window [10,20]
    input.pipeInput('k', 2, 25); // existing [10,20] does not hold 25; left [15,25]; right of 20: [21,31]
    input.pipeInput('k', 4, 40); // left [30,40]; right of 25 would be [26,36], which holds nothing
    expect(read()).toEqual([
      [10, 20, 1],
      [15, 25, 3],
      [21, 31, 2],
      [30, 40, 4],
    ]);
    expect(windows()).toEqual([
      [10, 1],
      [15, 3],
      [21, 2],
      [30, 4],
    ]);
  });

  it('folds a record into every existing window holding it, and handles out-of-order records', async () => {
    const { input, read, windows } = await slidingSums(100);
    input.pipeInput('k', 1, 20); // [10,20]
    input.pipeInput('k', 2, 28); // [18,28]; right of 20: [21,31] = {28}
    input.pipeInput('k', 4, 24); // out of order: fold into [18,28] and [21,31]; left [14,24] = {20,24};
    // right of 20 exists; right of 24: [25,35] = {28}
    expect(read()).toEqual([
      [10, 20, 1],
      [18, 28, 3],
      [21, 31, 2],
      [18, 28, 7],
      [21, 31, 6],
      [14, 24, 5],
      [25, 35, 2],
    ]);
    expect(windows()).toEqual([
      [10, 1],
      [14, 5],
      [18, 7],
      [21, 6],
      [25, 2],
    ]);
  });

  it('puts records below the time difference in the window [0, difference]', async () => {
    const { input, read } = await slidingSums(0);
    input.pipeInput('k', 1, 3);
    input.pipeInput('k', 2, 8);
    expect(read()).toEqual([
      [0, 10, 1],
      [0, 10, 3],
      [4, 14, 2],
    ]);
  });

  it('accepts a late record inside the grace period and drops one whose windows all closed', async () => {
    const { input, read, dropped } = await slidingSums(5);
    input.pipeInput('k', 1, 100);
    input.pipeInput('k', 2, 120); // stream time 120, close time 115
    input.pipeInput('k', 4, 112); // its own window [102,112] closed, but [110,120] is open: accepted
    input.pipeInput('k', 8, 103); // every window it could touch ends before 115: dropped
    expect(read()).toEqual([
      [90, 100, 1],
      [110, 120, 2],
      [110, 120, 6],
      [113, 123, 2],
    ]);
    expect(dropped.records.map((d) => [d.timestamp, d.reason])).toEqual([[103, 'window-closed']]);
  });

  it('refuses a non-positive time difference', () => {
    expect(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0)).toThrow(TopologyError);
  });
});
