import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from './helpers.js';

const str = Serdes.string();
const num = Serdes.number();
const windowedKey = WindowedSerdes.timeWindowed(str, 10);

describe("the suppression buffer's changelog", () => {
  it('is written once per held window per commit, and the final results are the same', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('clicks', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .count(Materialized.as('clicks-per-window'))
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final'))
      .toStream()
      .to('final-counts', Produced.with(windowedKey, num));
    // Commits only when the test says (the driver's default commits after every input).
    const driver = await drive(builder.build(), { commit: 'manual' });
    const input = driver.createInputTopic('clicks', str, str);
    const changelog = driver.createOutputTopic(driver.changelogTopic('final-store'), str, str);
    for (let t = 0; t < 5; t++) input.pipeInput('ann', 'a', t); // five updates of one window
    input.pipeInput('bob', 'b', 3);
    expect(changelog.isEmpty()).toBe(true); // held in the cache until the commit
    await driver.commit();
    expect(changelog.getQueueSize()).toBe(2); // ann's window once, bob's once: not six records
    changelog.readRecordsToList();
    input.pipeInput('ann', 'a', 7);
    input.pipeInput('carl', 'c', 20); // stream time 20 ≥ 10 + 5: window [0, 10) closes and leaves the buffer
    const output = driver.createOutputTopic('final-counts', windowedKey, num);
    // The counts above are cached too: the suppression sees them, and judges the window closed, when the
    // commit flushes them (as in Kafka Streams with its record cache).
    await driver.commit();
    expect(output.readKeyValuesToList().map((kv) => [kv.key.key, kv.key.window.start, kv.value])).toEqual([
      ['ann', 0, 6],
      ['bob', 0, 1],
    ]);
    // The two emitted windows leave the buffer (tombstones); carl's window is held.
    expect(
      changelog
        .readRecordsToList()
        .map((r) => (r.value === null ? 'tombstone' : 'held'))
        .sort(),
    ).toEqual(['held', 'tombstone', 'tombstone']);
  });
});
