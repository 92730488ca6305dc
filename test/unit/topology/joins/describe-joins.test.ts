import { describe, expect, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  JoinWindows,
  Materialized,
  Produced,
  Serdes,
  StreamJoined,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  WindowedSerdes,
} from '../../../../topology/index.js';

const str = Serdes.string();

/** A windowed count with final results, and a stream-stream join, in one topology. */
function topology() {
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
  const clicks = builder.stream('clicks', Consumed.with(str, str));
  clicks
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000))
    .count(Materialized.as('clicks-per-minute'))
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final-clicks'))
    .toStream()
    .to('clicks-per-minute', Produced.with(WindowedSerdes.timeWindowed(str, 60_000), Serdes.number()));
  const views = builder.stream('views', Consumed.with(str, str));
  clicks
    .leftJoin(
      views,
      (c, v) => `${c}:${v}`,
      JoinWindows.ofTimeDifferenceWithNoGrace(1_000),
      StreamJoined.as<string, string, string>('cv').withName('cv'),
    )
    .to('click-views', Produced.with(str, str));
  return builder.build();
}

describe('describe() of windows, suppression and joins', () => {
  it('prints the windowed aggregation, the suppression and the join nodes with their stores', () => {
    expect(String(topology().describe())).toBe(
      [
        'Topologies:',
        '   Sub-topology: 0',
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [clicks])',
        '      --> KSTREAM-AGGREGATE-0000000001, cv-this-windowed',
        '    Processor: KSTREAM-AGGREGATE-0000000001 (stores: [clicks-per-minute])',
        '      --> final-clicks',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: final-clicks (stores: [final-clicks-store])',
        '      --> KTABLE-TOSTREAM-0000000002',
        '      <-- KSTREAM-AGGREGATE-0000000001',
        '    Processor: KTABLE-TOSTREAM-0000000002 (stores: [])',
        '      --> KSTREAM-SINK-0000000003',
        '      <-- final-clicks',
        '    Sink: KSTREAM-SINK-0000000003 (topic: clicks-per-minute)',
        '      <-- KTABLE-TOSTREAM-0000000002',
        '    Source: KSTREAM-SOURCE-0000000004 (topics: [views])',
        '      --> cv-other-windowed',
        '    Processor: cv-this-windowed (stores: [cv-this-join-store])',
        '      --> cv-join-this',
        '      <-- KSTREAM-SOURCE-0000000000',
        '    Processor: cv-other-windowed (stores: [cv-other-join-store])',
        '      --> cv-join-other',
        '      <-- KSTREAM-SOURCE-0000000004',
        '    Processor: cv-join-this (stores: [cv-outer-join-store, cv-other-join-store])',
        '      --> cv-merge',
        '      <-- cv-this-windowed',
        '    Processor: cv-join-other (stores: [cv-this-join-store, cv-outer-join-store])',
        '      --> cv-merge',
        '      <-- cv-other-windowed',
        '    Processor: cv-merge (stores: [])',
        '      --> KSTREAM-SINK-0000000005',
        '      <-- cv-join-this, cv-join-other',
        '    Sink: KSTREAM-SINK-0000000005 (topic: click-views)',
        '      <-- cv-merge',
        '',
        '',
      ].join('\n'),
    );
  });

  it('lists window stores, the buffer and the co-partition group in JSON, and draws every node', () => {
    const description = topology().describe();
    const json = JSON.parse(JSON.stringify(description));
    expect(json.stores.map((s: { name: string; kind: string }) => `${s.name}:${s.kind}`)).toEqual([
      'clicks-per-minute:window',
      'final-clicks-store:keyValue',
      'cv-this-join-store:window',
      'cv-other-join-store:window',
      'cv-outer-join-store:keyValue',
    ]);
    expect(json.copartitionGroups).toEqual([['clicks', 'views']]);
    const mermaid = description.toMermaid();
    for (const name of ['final-clicks', 'cv-join-this', 'cv-join-other', 'cv-merge', 'cv-outer-join-store']) {
      expect(mermaid).toContain(name);
    }
  });
});
