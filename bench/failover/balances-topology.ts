/**
 * The stateful topology the failover benchmark runs: payments keyed by account, a running count and sum
 * per account in a RocksDB store (logged to its changelog), every new balance emitted. One sub-topology,
 * so each input partition is one stateful task and a record sent to a partition is processed by exactly
 * the task that owns it: the benchmark's marker reaches a moved task's store and nothing else.
 */
import type { KeyValueStore } from '../../state/store.js';
import { Stores } from '../../state/stores.js';
import type { ProcessorContext } from '../../topology/processor.js';
import { Serdes } from '../../topology/serdes/index.js';
import { Topology } from '../../topology/topology.js';

export interface Payment {
  readonly amount: number;
}

export interface Balance {
  readonly count: number;
  readonly sum: number;
}

export const BALANCES_STORE = 'balances';

/** `input` (by account) -> running balance per account (RocksDB, logged) -> `output`. */
export function balancesTopology(input: string, output: string): Topology {
  return new Topology()
    .addSource('payments', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<Payment>() })
    .addProcessor<string, Payment, string, Balance>(
      'balance',
      () => {
        let ctx: ProcessorContext<string, Balance>;
        let store: KeyValueStore<string, Balance>;
        return {
          init: (context) => {
            ctx = context;
            store = context.getStateStore<KeyValueStore<string, Balance>>(BALANCES_STORE);
          },
          process: (record) => {
            const previous = store.get(record.key) ?? { count: 0, sum: 0 };
            const next = { count: previous.count + 1, sum: previous.sum + record.value.amount };
            store.put(record.key, next);
            ctx.forward({ ...record, value: next });
          },
        };
      },
      'payments',
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(BALANCES_STORE),
        Serdes.string(),
        Serdes.json<Balance>(),
      ),
      'balance',
    )
    .addSink(
      'balances',
      output,
      { keySerde: Serdes.string(), valueSerde: Serdes.json<Balance>() },
      'balance',
    );
}
