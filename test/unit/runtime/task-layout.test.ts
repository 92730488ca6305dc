import { describe, expect, it } from 'vitest';
import { Stores } from '../../../state/stores.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import { RuntimeError } from '../../../topology/runtime/errors.js';
import { computeTaskLayout } from '../../../topology/runtime/task-layout.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';

const serdes = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
const pass = () => {
  let ctx: ProcessorContext<string, string>;
  return {
    init: (context: ProcessorContext<string, string>) => {
      ctx = context;
    },
    process: (record: Parameters<ProcessorContext<string, string>['forward']>[0]) => ctx.forward(record),
  };
};

/** in -> re-key -> repartition -> count (store) -> out */
function twoStepTopology(): Topology {
  return new Topology()
    .addSource('src', 'in', serdes)
    .addProcessor('rekey', pass, 'src')
    .addInternalTopic({ name: 'rekeyed-repartition', kind: 'repartition' })
    .addSink('to-repartition', 'rekeyed-repartition', serdes, 'rekey')
    .addSource('from-repartition', 'rekeyed-repartition', serdes)
    .addProcessor('count', pass, 'from-repartition')
    .addStateStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.number()),
      'count',
    )
    .addSink('out', 'out', serdes, 'count');
}

describe('computeTaskLayout', () => {
  it('makes one task per input partition per sub-topology and sizes internal topics from their writers', () => {
    const layout = computeTaskLayout(
      twoStepTopology().plan(),
      'app',
      new Map([
        ['in', 3],
        ['out', 5],
      ]),
    );
    expect(layout.tasks.map((t) => t.id)).toEqual(['0_0', '0_1', '0_2', '1_0', '1_1', '1_2']);
    expect(layout.sourceTopics).toEqual(['in', 'app-rekeyed-repartition']);
    expect(layout.internalTopics).toEqual([
      {
        name: 'app-counts-changelog',
        partitions: 3,
        replicationFactor: -1,
        configs: { 'cleanup.policy': 'compact' },
      },
      { name: 'app-rekeyed-repartition', partitions: 3, replicationFactor: -1 },
    ]);
    expect(layout.taskOf('app-rekeyed-repartition', 2)?.id).toBe('1_2');
    expect(layout.taskOf('in', 0)).toMatchObject({
      id: '0_0',
      subtopologyId: 0,
      partition: 0,
      sourceTopics: ['in'],
    });
    expect(layout.taskOf('in', 3)).toBeUndefined();
  });

  it('honours a declared repartition partition count', () => {
    const topology = new Topology()
      .addSource('src', 'in', serdes)
      .addInternalTopic({ name: 'wide-repartition', kind: 'repartition', numberOfPartitions: 8 })
      .addSink('to', 'wide-repartition', serdes, 'src')
      .addSource('from', 'wide-repartition', serdes)
      .addSink('out', 'out', serdes, 'from');
    const layout = computeTaskLayout(
      topology.plan(),
      'app',
      new Map([
        ['in', 2],
        ['out', 1],
      ]),
    );
    expect(layout.tasks.filter((t) => t.subtopologyId === 1)).toHaveLength(8);
    expect(layout.internalTopics).toEqual([
      { name: 'app-wide-repartition', partitions: 8, replicationFactor: -1 },
    ]);
  });

  it('refuses a missing source topic with a coded error naming it', () => {
    expect(() => computeTaskLayout(twoStepTopology().plan(), 'app', new Map())).toThrowError(
      expect.objectContaining({
        code: 'STRM_ERR_RUNTIME_SOURCE_TOPIC_MISSING',
        message: expect.stringContaining('"in"'),
      }),
    );
  });

  it('refuses joined topics with different partition counts', () => {
    const topology = new Topology()
      .addSource('left', 'left', serdes)
      .addSource('right', 'right', serdes)
      .addProcessor('join', pass, 'left', 'right')
      .copartitionSources('left', 'right')
      .addSink('out', 'out', serdes, 'join');
    const attempt = () =>
      computeTaskLayout(
        topology.plan(),
        'app',
        new Map([
          ['left', 3],
          ['right', 4],
          ['out', 1],
        ]),
      );
    expect(attempt).toThrowError(RuntimeError);
    expect(attempt).toThrowError(expect.objectContaining({ code: 'STRM_ERR_RUNTIME_NOT_COPARTITIONED' }));
    const ok = computeTaskLayout(
      topology.plan(),
      'app',
      new Map([
        ['left', 3],
        ['right', 3],
        ['out', 1],
      ]),
    );
    // Co-partitioned topics share their tasks: partition p of both goes to task 0_p.
    expect(ok.tasks.map((t) => t.sourceTopics)).toEqual([
      ['left', 'right'],
      ['left', 'right'],
      ['left', 'right'],
    ]);
  });

  it("reads a pattern source's matching topics as named sources: whole names only, not its own internal topics", () => {
    const topology = new Topology()
      .addSource('prices', /prices-.*/, serdes)
      .addProcessor('count', pass, 'prices')
      .addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('latest'), Serdes.string(), Serdes.string()),
        'count',
      );
    const layout = computeTaskLayout(
      topology.plan(),
      'app',
      new Map([
        ['prices-eu', 2],
        ['prices-us', 3],
        ['old.prices-eu', 4], // matches only in part
        ['app-prices-x', 6], // the application's own internal topic
      ]),
    );
    expect(layout.sourceTopics).toEqual(['prices-eu', 'prices-us']);
    expect(layout.tasks.map((t) => t.id)).toEqual(['0_0', '0_1', '0_2']);
    expect(layout.taskOf('prices-eu', 1)?.id).toBe('0_1');
    expect(layout.taskOf('prices-us', 2)).toMatchObject({ id: '0_2', sourceTopics: ['prices-us'] });
    expect(layout.internalTopics.map((t) => [t.name, t.partitions])).toEqual([['app-latest-changelog', 3]]);
  });
});
