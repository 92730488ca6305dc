import { describe, expect, it } from 'vitest';
import { Stores } from '../../../state/index.js';
import {
  Consumed,
  Grouped,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  Topology,
  TopologyError,
} from '../../../topology/index.js';

const str = Serdes.string();

function wordCount(): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream('words', Consumed.with(str, str))
    .flatMapValues((line) => line.split(' '))
    .groupBy((_, word) => word, Grouped.with(str, str))
    .count(Materialized.as('word-counts'))
    .toStream()
    .to('word-counts', Produced.with(str, Serdes.number()));
  return builder.build();
}

describe('describe()', () => {
  it('prints text in the layout of Kafka Streams, one block per sub-topology', () => {
    expect(String(wordCount().describe())).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [words])',
        '      --> KSTREAM-FLATMAPVALUES-0000000001',
        '    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])',
        '      --> KSTREAM-KEY-SELECT-0000000002',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])',
        '      --> word-counts-repartition-filter',
        '      <-- KSTREAM-FLATMAPVALUES-0000000001',
        '    Processor: word-counts-repartition-filter (stores: [])',
        '      --> word-counts-repartition-sink',
        '      <-- KSTREAM-KEY-SELECT-0000000002',
        '    Sink: word-counts-repartition-sink (topic: word-counts-repartition)',
        '      <-- word-counts-repartition-filter',
        '',
        '   Sub-topology: 1',
        '    Source: word-counts-repartition-source (topics: [word-counts-repartition])',
        '      --> KSTREAM-AGGREGATE-0000000003',
        '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [word-counts])',
        '      --> KTABLE-TOSTREAM-0000000004',
        '      <-- word-counts-repartition-source',
        '    Processor: KTABLE-TOSTREAM-0000000004 (stores: [])',
        '      --> KSTREAM-SINK-0000000005',
        '      <-- KSTREAM-AGGREGATE-0000000003',
        '    Sink: KSTREAM-SINK-0000000005 (topic: word-counts)',
        '      <-- KTABLE-TOSTREAM-0000000004',
        '',
        '',
      ].join('\n'),
    );
  });

  it('serializes to JSON with sub-topologies, stores, changelogs and internal topics', () => {
    const json = JSON.parse(JSON.stringify(wordCount().describe()));
    expect(json.subtopologies.map((s: { id: number; nodes: unknown[] }) => [s.id, s.nodes.length])).toEqual([
      [0, 5],
      [1, 4],
    ]);
    expect(json.subtopologies[1].nodes[1]).toEqual({
      type: 'processor',
      name: 'KSTREAM-AGGREGATE-0000000003',
      stores: ['word-counts'],
      successors: ['KTABLE-TOSTREAM-0000000004'],
      predecessors: ['word-counts-repartition-source'],
    });
    expect(json.stores).toEqual([
      {
        name: 'word-counts',
        kind: 'keyValue',
        persistent: true,
        global: false,
        cachingEnabled: true,
        changelogTopic: 'word-counts-changelog',
        processors: ['KSTREAM-AGGREGATE-0000000003'],
      },
    ]);
    expect(json.internalTopics).toEqual([
      { name: 'word-counts-repartition', kind: 'repartition', numberOfPartitions: null },
    ]);
    expect(json.copartitionGroups).toEqual([]);
  });

  it('draws a Mermaid flowchart whose edges only reference declared nodes, topics and stores', () => {
    const mermaid = wordCount().describe().toMermaid();
    const lines = mermaid.trim().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    expect(lines.filter((l) => l.trim().startsWith('subgraph'))).toEqual([
      '  subgraph sub0["Sub-topology 0"]',
      '  subgraph sub1["Sub-topology 1"]',
    ]);
    const declared = new Set(
      lines.map((l) => /^\s+([nts]\d+)[[(]/.exec(l)?.[1]).filter((id): id is string => id !== undefined),
    );
    const edges = lines.filter((l) => l.includes('-->') || l.includes('-.-'));
    expect(edges.length).toBe(12);
    for (const edge of edges) {
      const [from, , to] = edge.trim().split(' ');
      expect(declared.has(from!), edge).toBe(true);
      expect(declared.has(to!), edge).toBe(true);
    }
    expect(mermaid).toContain('(["word-counts-repartition"])');
    expect(mermaid).toContain('[("word-counts")]');
  });

  it('groups processors that share a store into one sub-topology', () => {
    const opts = { keySerde: str, valueSerde: str };
    const topology = new Topology()
      .addSource('a', 'ta', opts)
      .addSource('b', 'tb', opts)
      .addProcessor('pa', () => ({ process() {} }), 'a')
      .addProcessor('pb', () => ({ process() {} }), 'b')
      .addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('shared'), str, str),
        'pa',
        'pb',
      )
      .addSource('c', 'tc', opts)
      .addSink('sc', 'out', opts, 'c');
    const subs = topology.describe().subtopologies.map((s) => s.nodes.map((n) => n.name));
    expect(subs).toEqual([
      ['a', 'b', 'pa', 'pb'],
      ['c', 'sc'],
    ]);
  });

  it('records co-partition groups and refuses joins it can prove are not co-partitioned', () => {
    const opts = { keySerde: str, valueSerde: str };
    const joinable = () =>
      new Topology()
        .addSource('left', 'l', opts)
        .addSource('right', 'r', opts)
        .addProcessor('join-left', () => ({ process() {} }), 'left')
        .addProcessor('join-right', () => ({ process() {} }), 'right')
        .addStateStore(
          Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('join-store'), str, str),
          'join-left',
          'join-right',
        );
    expect(joinable().copartitionSources('left', 'right').describe().copartitionGroups).toEqual([['l', 'r']]);

    const apart = new Topology()
      .addSource('left', 'l', opts)
      .addSource('right', 'r', opts)
      .addSink('sl', 'x', opts, 'left')
      .addSink('sr', 'y', opts, 'right')
      .copartitionSources('left', 'right');
    expect(() => apart.describe()).toThrow(/are joined but end up in different sub-topologies/);

    const declared = new Topology()
      .addInternalTopic({ name: 'a-repartition', kind: 'repartition', numberOfPartitions: 4 })
      .addInternalTopic({ name: 'b-repartition', kind: 'repartition', numberOfPartitions: 8 })
      .addSource('left', 'a-repartition', opts)
      .addSource('right', 'b-repartition', opts)
      .addProcessor('j', () => ({ process() {} }), 'left', 'right')
      .copartitionSources('left', 'right');
    try {
      declared.describe();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TopologyError);
      expect((error as TopologyError).code).toBe('STRM_ERR_TOPOLOGY_NOT_COPARTITIONED');
      expect((error as Error).message).toMatch(/"a-repartition" \(4\), "b-repartition" \(8\)/);
    }
  });
});
