import { describe, expect, it } from 'vitest';
import {
  Consumed,
  JoinWindows,
  type KStream,
  Produced,
  Serdes,
  StreamJoined,
  StreamsBuilder,
  TopologyError,
  type TopologyTestDriver,
} from '../../../../topology/index.js';
import { drive } from '../windows/helpers.js';

const str = Serdes.string();

type Join = (left: KStream<string, string>, right: KStream<string, string>) => KStream<string, string>;

async function joined(join: Join): Promise<{
  driver: TopologyTestDriver;
  left: (key: string, value: string, at: number) => void;
  right: (key: string, value: string, at: number) => void;
  read: () => Array<[string, string, number]>;
}> {
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
  const left = builder.stream('left', Consumed.with(str, str));
  const right = builder.stream('right', Consumed.with(str, str));
  join(left, right).to('joined', Produced.with(str, str));
  const driver = await drive(builder.build());
  const leftInput = driver.createInputTopic('left', str, str);
  const rightInput = driver.createInputTopic('right', str, str);
  const output = driver.createOutputTopic('joined', str, str);
  return {
    driver,
    left: (k, v, at) => leftInput.pipeInput(k, v, at),
    right: (k, v, at) => rightInput.pipeInput(k, v, at),
    read: () => output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
  };
}

const pair = (l: string | null, r: string | null) => `${l ?? '-'}+${r ?? '-'}`;

describe('stream-stream inner join', () => {
  it('joins records of the same key at most the time difference apart, in either arrival order', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.join(r, pair, JoinWindows.ofTimeDifferenceWithNoGrace(10)),
    );
    left('k', 'a', 100);
    right('k', 'x', 110); // 10 apart: joins, at the later timestamp
    right('k', 'y', 111); // 11 apart: no
    right('other', 'z', 100); // another key: no
    left('k', 'b', 101); // joins x (9) and y (10)
    expect(read()).toEqual([
      ['k', 'a+x', 110],
      ['k', 'b+x', 110],
      ['k', 'b+y', 111],
    ]);
  });

  it('honours asymmetric windows: before and after are measured from the left record', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.join(r, pair, JoinWindows.ofTimeDifferenceWithNoGrace(0).after(5).before(2)),
    );
    left('k', 'a', 100);
    right('k', 'too-early', 97); // 3 before: outside
    right('k', 'early', 98); // 2 before: inside
    right('k', 'late', 105); // 5 after: inside
    right('k', 'too-late', 106); // 6 after: outside
    expect(read()).toEqual([
      ['k', 'a+early', 100],
      ['k', 'a+late', 105],
    ]);
  });

  it('joins every duplicate of a key at the same time', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.join(r, pair, JoinWindows.ofTimeDifferenceWithNoGrace(0)),
    );
    right('k', 'x1', 50);
    right('k', 'x2', 50);
    left('k', 'a', 50);
    expect(read()).toEqual([
      ['k', 'a+x1', 50],
      ['k', 'a+x2', 50],
    ]);
  });

  it('needs JoinWindows to join two streams', () => {
    const builder = new StreamsBuilder();
    const a = builder.stream('a', Consumed.with(str, str));
    const b = builder.stream('b', Consumed.with(str, str));
    // @ts-expect-error the windows are required
    expect(() => a.join(b, pair)).toThrow(TopologyError);
  });
});

describe('stream-stream left and outer joins', () => {
  it('left join: a left record without a partner is emitted with null only once its window has closed', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.leftJoin(r, pair, JoinWindows.ofTimeDifferenceAndGrace(10, 5)),
    );
    left('k', 'a', 100);
    left('k', 'b', 100);
    right('k', 'x', 105); // joins a and b
    left('j', 'lonely', 106);
    right('z', 'tick', 120); // 106 + 10 + 5 = 121: lonely may still find a partner
    expect(read()).toEqual([
      ['k', 'a+x', 105],
      ['k', 'b+x', 105],
    ]);
    right('j', 'orphan', 130); // stream time 130: lonely is final; right records never appear alone
    expect(read()).toEqual([['j', 'lonely+-', 106]]);
  });

  it('left join: a partner arriving within the grace period prevents the null result', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.leftJoin(r, pair, JoinWindows.ofTimeDifferenceAndGrace(10, 5)),
    );
    left('k', 'a', 100);
    right('z', 'tick', 114); // stream time 114
    right('k', 'late-partner', 108); // out of order but within the window
    right('z', 'tick', 200);
    expect(read()).toEqual([['k', 'a+late-partner', 108]]);
  });

  it('outer join: unmatched records of both sides are emitted with null on the other side when closed', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.outerJoin(r, pair, JoinWindows.ofTimeDifferenceWithNoGrace(10)),
    );
    left('k', 'a', 100);
    right('m', 'x', 102);
    right('k', 'y', 150); // stream time 150 closes a (100 + 10) and x (102 + 10)
    expect(read()).toEqual([
      ['k', 'a+-', 100],
      ['m', '-+x', 102],
    ]);
    left('k', 'b', 145); // joins y (5 apart)
    right('n', 'tick', 200);
    expect(read()).toEqual([['k', 'b+y', 150]]);
  });

  it('emits a closed unmatched record when any record of the task moves stream time on', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    // Ticks share the task (through the merge) but never reach the join.
    const ticks = builder.stream('ticks', Consumed.with(str, str)).filter(() => false);
    const left = builder.stream('left', Consumed.with(str, str)).merge(ticks);
    const right = builder.stream('right', Consumed.with(str, str));
    left
      .leftJoin(right, pair, JoinWindows.ofTimeDifferenceWithNoGrace(10))
      .to('joined', Produced.with(str, str));
    const driver = await drive(builder.build());
    driver.createInputTopic('left', str, str).pipeInput('k', 'a', 100);
    const output = driver.createOutputTopic('joined', str, str);
    driver.createInputTopic('ticks', str, str).pipeInput('t', 'tick', 110);
    expect(output.isEmpty()).toBe(true);
    driver.createInputTopic('ticks', str, str).pipeInput('t', 'tick', 111);
    expect(output.readKeyValuesToList()).toEqual([{ key: 'k', value: 'a+-' }]);
  });

  it('a record arriving after its own window closed is emitted with null at once', async () => {
    const { left, right, read } = await joined((l, r) =>
      l.leftJoin(r, pair, JoinWindows.ofTimeDifferenceWithNoGrace(10)),
    );
    right('z', 'tick', 200);
    left('k', 'old', 100);
    expect(read()).toEqual([['k', 'old+-', 100]]);
  });
});

describe('stream-stream join topology', () => {
  it('repartitions both sides after a key change, names stores after StreamJoined, and co-partitions', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const left = builder.stream('left', Consumed.with(str, str)).selectKey((_, v) => v);
    const right = builder.stream('right', Consumed.with(str, str)).selectKey((_, v) => v);
    left
      .join(
        right,
        pair,
        JoinWindows.ofTimeDifferenceWithNoGrace(10),
        StreamJoined.with(str, str, str).withName('lr').withStoreName('lr'),
      )
      .to('joined', Produced.with(str, str));
    const topology = builder.build();
    const json = JSON.parse(JSON.stringify(topology.describe()));
    expect(json.internalTopics.map((t: { name: string }) => t.name)).toEqual([
      'lr-left-repartition',
      'lr-right-repartition',
    ]);
    expect(json.copartitionGroups).toEqual([['lr-left-repartition', 'lr-right-repartition']]);
    expect(json.stores.map((s: { name: string; kind: string }) => [s.name, s.kind])).toEqual([
      ['lr-this-join-store', 'window'],
      ['lr-other-join-store', 'window'],
    ]);
    const driver = await drive(topology);
    driver.createInputTopic('left', str, str).pipeInput('a', 'same', 1);
    driver.createInputTopic('right', str, str).pipeInput('b', 'same', 2);
    expect(driver.createOutputTopic('joined', str, str).readKeyValuesToList()).toEqual([
      { key: 'same', value: 'same+same' },
    ]);
  });
});
