import { afterEach, describe, expect, it } from 'vitest';
import { Stores } from '../../../state/index.js';
import type { KeyValueStore } from '../../../state/store.js';
import {
  Consumed,
  Named,
  type ProcessorContext,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyError,
  TopologyTestDriver,
} from '../../../topology/index.js';

const str = Serdes.string();
const num = Serdes.number();
const drivers: TopologyTestDriver[] = [];
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

/** Counts records per key in `counts` and forwards the running count. */
function counting() {
  let context: ProcessorContext<string, number>;
  let counts: KeyValueStore<string, number>;
  return {
    init(c: ProcessorContext<string, number>) {
      context = c;
      counts = c.getStateStore('counts');
    },
    process(record: { key: string; value: string; timestamp: number }) {
      const n = (counts.get(record.key) ?? 0) + 1;
      counts.put(record.key, n);
      context.forward({ ...record, value: n, headers: {} });
    },
  };
}

describe('Named steps (process / processValues)', () => {
  it('names the node of processValues and still connects the stores that follow the name', async () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), str, num));
    builder
      .stream('words', Consumed.with(str, str))
      .processValues(counting, Named.as('word-counter'), 'counts')
      .to('word-counts', Produced.with(str, num));
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('Processor: word-counter (stores: [counts])');
    const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0 });
    drivers.push(driver);
    const input = driver.createInputTopic('words', str, str);
    input.pipeInput('a', 'x', 1);
    input.pipeInput('a', 'y', 2);
    input.pipeInput('b', 'z', 3);
    expect(driver.createOutputTopic('word-counts', str, num).readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 },
      { key: 'a', value: 2 },
      { key: 'b', value: 1 },
    ]);
  });

  it('names the node of process; without a name both keep their generated names', () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), str, num));
    const words = builder.stream('words', Consumed.with(str, str));
    words.process(counting, Named.as('keyed-counter'), 'counts').to('a', Produced.with(str, num));
    words.processValues(counting, 'counts').to('b', Produced.with(str, num));
    const text = builder.build().describe().toString();
    expect(text).toContain('Processor: keyed-counter (stores: [counts])');
    expect(text).toMatch(/Processor: KSTREAM-PROCESSVALUES-\d+ \(stores: \[counts\]\)/);
  });

  it('refuses an empty name with a coded error', () => {
    expect(() => Named.as('')).toThrow(TopologyError);
    expect(() => Named.as(' ')).toThrow(/processor name " " is not valid/);
  });
});
