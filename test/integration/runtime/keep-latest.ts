import type { KeyValueStore } from '../../../state/store.js';
import { Stores } from '../../../state/stores.js';
import { Serdes } from '../../../topology/serdes/index.js';
import type { Topology } from '../../../topology/topology.js';

/**
 * Adds processor `keep` after `parent`: it keeps the latest value of each string key in `storeName`, an
 * in-memory store logged to its changelog, the state that the restoration tests fill and restore.
 */
export function keepLatest(topology: Topology, parent: string, storeName: string): Topology {
  return topology
    .addProcessor<string, string, string, string>(
      'keep',
      () => {
        let store: KeyValueStore<string, string>;
        return {
          init: (context) => {
            store = context.getStateStore<KeyValueStore<string, string>>(storeName);
          },
          process: (record) => store.put(record.key, record.value),
        };
      },
      parent,
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(storeName), Serdes.string(), Serdes.string()),
      'keep',
    );
}
