import { describe, expect, it } from 'vitest';
import {
  Consumed,
  countingDroppedRecordsListener,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  StreamsBuilder,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from './helpers.js';

const str = Serdes.string();
const num = Serdes.number();
const sessionKey = WindowedSerdes.sessionWindowed(str);

async function sessionCounts(gap: number, grace: number) {
  const dropped = countingDroppedRecordsListener();
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory', onDroppedRecord: dropped.listener });
  builder
    .stream('clicks', Consumed.with(str, str))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(gap, grace))
    .count(Materialized.as('sessions'))
    .toStream()
    .to('visits', Produced.with(sessionKey, num));
  const driver = await drive(builder.build());
  const input = driver.createInputTopic('clicks', str, str);
  const output = driver.createOutputTopic('visits', sessionKey, num);
  const read = () =>
    output.readRecordsToList().map((r) => [r.key.key, r.key.window.start, r.key.window.end, r.value]);
  return { driver, input, read, dropped };
}

describe('session windows', () => {
  it('extends a session within the gap, starts a new one after it, and merges sessions a record bridges', async () => {
    const { driver, input, read } = await sessionCounts(10, 0);
    input.pipeInput('ann', 'a', 0);
    input.pipeInput('ann', 'b', 8); // within the gap: [0,8]
    input.pipeInput('ann', 'c', 28); // a new session [28,28]
    input.pipeInput('ann', 'd', 18); // 18 - 8 <= 10 and 28 - 18 <= 10: merges both into [0,28]
    expect(read()).toEqual([
      ['ann', 0, 0, 1],
      ['ann', 0, 0, null],
      ['ann', 0, 8, 2],
      ['ann', 28, 28, 1],
      ['ann', 0, 8, null],
      ['ann', 28, 28, null],
      ['ann', 0, 28, 4],
    ]);
    const store = driver.getSessionStore<string, number>('sessions');
    const iterator = store.fetch('ann');
    try {
      expect([...iterator].map((s) => [s.key.window, s.value])).toEqual([[{ start: 0, end: 28 }, 4]]);
    } finally {
      iterator.close();
    }
  });

  it('accepts a late record while the session is within gap plus grace, and drops it after', async () => {
    const { input, read, dropped } = await sessionCounts(10, 5);
    input.pipeInput('ann', 'a', 0);
    input.pipeInput('bob', 'b', 15); // close time 15 - 5 - 10 = 0: session [0,0] still open
    input.pipeInput('ann', 'late-in-grace', 2);
    input.pipeInput('bob', 'c', 25); // close time 10
    input.pipeInput('ann', 'too-late', 4); // would make [0,4], which ended before 10
    expect(read()).toEqual([
      ['ann', 0, 0, 1],
      ['bob', 15, 15, 1],
      ['ann', 0, 0, null],
      ['ann', 0, 2, 2],
      ['bob', 15, 15, null],
      ['bob', 15, 25, 2],
    ]);
    expect(dropped.records.map((d) => [d.key, d.timestamp, d.window])).toEqual([
      ['ann', 4, { start: 0, end: 4 }],
    ]);
  });

  it('aggregates with a merger and reduces, keeping values typed by the step', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const sessions = builder
      .stream('pages', Consumed.with(str, str))
      .groupByKey()
      .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5));
    sessions
      .aggregate(
        () => [] as string[],
        (_k, page, pages) => [...pages, page],
        (_k, a, b) => [...a, ...b],
        Materialized.as<string, string[]>('pages-per-session').withValueSerde(Serdes.json<string[]>()),
      )
      .toStream()
      .to('paths', Produced.with(sessionKey, Serdes.json<string[]>()));
    sessions
      .reduce((a, b) => `${a}>${b}`, Materialized.as('path-strings'))
      .toStream()
      .to('path-strings', Produced.with(sessionKey, str));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('pages', str, str);
    input.pipeInput('ann', 'home', 0);
    input.pipeInput('ann', 'cart', 10);
    input.pipeInput('ann', 'room', 5); // bridges [0,0] and [10,10]
    const paths = driver.createOutputTopic('paths', sessionKey, Serdes.json<string[] | null>());
    expect(paths.readValuesToList().at(-1)).toEqual(['home', 'cart', 'room']);
    const strings = driver.createOutputTopic('path-strings', sessionKey, str);
    const last = strings.readRecordsToList().at(-1);
    expect([last?.key.window, last?.value]).toEqual([{ start: 0, end: 10 }, 'home>cart>room']);
  });
});
