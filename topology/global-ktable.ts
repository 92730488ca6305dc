/**
 * `GlobalKTable<K, V>`: a table fully replicated to every instance (all partitions of its topic), for
 * lookups by any key without co-partitioning, e.g. reference data joined to a stream.
 */
import type { Serde } from '../schemas/serde.js';

/** A global table; join a stream to it (the join operators read its store). */
export class GlobalKTable<K, V> {
  /** @internal Created by `StreamsBuilder.globalTable`. */
  constructor(
    /** The global store holding the table (readable from any processor with `getStateStore`). */
    readonly storeName: string,
    /** @internal */ readonly keySerde: Serde<K> | undefined,
    /** @internal */ readonly valueSerde: Serde<V> | undefined,
  ) {}

  /** The name of the store that holds this table (for interactive queries). */
  queryableStoreName(): string {
    return this.storeName;
  }
}
