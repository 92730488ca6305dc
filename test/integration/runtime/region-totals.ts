/**
 * The multi-step topology the runtime's integration tests run: orders keyed by order id are re-keyed by
 * region (through a repartition topic), then a stateful processor keeps a running count and sum per region
 * in a logged store and emits every new total. Exactness is checkable: per region, the emitted counts must
 * be exactly 1..n (no loss, no duplicate) and the last sum the sum of the region's amounts.
 */
import type { KeyValueStore } from '../../../state/store.js';
import { Stores } from '../../../state/stores.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';

export interface Order {
  readonly region: string;
  readonly amount: number;
}

export interface RegionTotal {
  readonly count: number;
  readonly sum: number;
}

export const REPARTITION_TOPIC = 'orders-by-region-repartition';
export const STORE = 'region-totals';

/** `orders` (by order id) -> re-key by region -> repartition -> running totals per region -> `totals`. */
export function regionTotalsTopology(
  input: string,
  output: string,
  options: { persistent?: boolean } = {},
): Topology {
  const supplier = options.persistent
    ? Stores.persistentKeyValueStore(STORE)
    : Stores.inMemoryKeyValueStore(STORE);
  return new Topology()
    .addSource('orders', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<Order>() })
    .addProcessor<string, Order, string, Order>(
      'by-region',
      () => {
        let ctx: ProcessorContext<string, Order>;
        return {
          init: (context) => {
            ctx = context;
          },
          process: (record) => ctx.forward({ ...record, key: record.value.region }),
        };
      },
      'orders',
    )
    .addInternalTopic({ name: REPARTITION_TOPIC, kind: 'repartition' })
    .addSink(
      'to-region',
      REPARTITION_TOPIC,
      { keySerde: Serdes.string(), valueSerde: Serdes.json<Order>() },
      'by-region',
    )
    .addSource('orders-by-region', REPARTITION_TOPIC, {
      keySerde: Serdes.string(),
      valueSerde: Serdes.json<Order>(),
    })
    .addProcessor<string, Order, string, RegionTotal>(
      'total',
      () => {
        let ctx: ProcessorContext<string, RegionTotal>;
        let store: KeyValueStore<string, RegionTotal>;
        return {
          init: (context) => {
            ctx = context;
            store = context.getStateStore<KeyValueStore<string, RegionTotal>>(STORE);
          },
          process: (record) => {
            const previous = store.get(record.key) ?? { count: 0, sum: 0 };
            const next = { count: previous.count + 1, sum: previous.sum + record.value.amount };
            store.put(record.key, next);
            ctx.forward({ ...record, value: next });
          },
        };
      },
      'orders-by-region',
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(supplier, Serdes.string(), Serdes.json<RegionTotal>()),
      'total',
    )
    .addSink(
      'totals',
      output,
      { keySerde: Serdes.string(), valueSerde: Serdes.json<RegionTotal>() },
      'total',
    );
}

/** `count` orders numbered from `first`, spread over `regions` regions, with amounts 1..97. */
export function makeOrders(first: number, count: number, regions = 7): Array<{ id: string; order: Order }> {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    return { id: `order-${n}`, order: { region: `region-${n % regions}`, amount: (n % 97) + 1 } };
  });
}
