/**
 * The two topologies the throughput benchmark runs: a stateless one (decode, transform, encode) and a
 * stateful one (a running count per key in a logged in-memory store, so each input record also writes a
 * changelog record).
 */

import type { KeyValueStore } from '../../state/store.js';
import { Stores } from '../../state/stores.js';
import type { ProcessorContext } from '../../topology/processor.js';
import { Serdes } from '../../topology/serdes/index.js';
import { Topology } from '../../topology/topology.js';

/** input -> upper-case the value -> output. One output record per input record. */
export function statelessTopology(input: string, output: string): Topology {
  return new Topology()
    .addSource('in', input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .addProcessor<string, string, string, string>(
      'upper',
      () => {
        let ctx: ProcessorContext<string, string>;
        return {
          init: (context) => {
            ctx = context;
          },
          process: (record) => ctx.forward({ ...record, value: record.value.toUpperCase() }),
        };
      },
      'in',
    )
    .addSink('out', output, { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'upper');
}

/** The store of {@link statefulTopology}; its changelog is `<applicationId>-bench-counts-changelog`. */
export const COUNT_STORE = 'bench-counts';

/** input -> count per key (logged store) -> output. Two records produced per input: output and changelog. */
export function statefulTopology(input: string, output: string): Topology {
  return new Topology()
    .addSource('in', input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .addProcessor<string, string, string, number>(
      'count',
      () => {
        let ctx: ProcessorContext<string, number>;
        let store: KeyValueStore<string, number>;
        return {
          init: (context) => {
            ctx = context;
            store = context.getStateStore<KeyValueStore<string, number>>(COUNT_STORE);
          },
          process: (record) => {
            const count = (store.get(record.key) ?? 0) + 1;
            store.put(record.key, count);
            ctx.forward({ ...record, value: count });
          },
        };
      },
      'in',
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(COUNT_STORE),
        Serdes.string(),
        Serdes.number(),
      ),
      'count',
    )
    .addSink('out', output, { keySerde: Serdes.string(), valueSerde: Serdes.number() }, 'count');
}
