/** How the DSL writes a topic: serdes and, optionally, a partitioner. */
import type { Serde } from '../schemas/serde.js';
import type { StreamPartitioner } from './topology-types.js';

/**
 * Serdes (and an optional partitioner) for `stream.to(...)`. Without a partitioner, records go to the
 * partition Kafka's default partitioner picks for their key (murmur2).
 *
 * @example
 * stream.to('orders-by-region', Produced.with(Serdes.string(), Serdes.json<Order>()));
 */
export class Produced<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
    readonly processorName: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Produced<K, V> {
    return new Produced(keySerde, valueSerde, undefined, undefined);
  }

  withPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, partitioner, this.processorName);
  }

  /** Names the sink node. */
  withName(name: string): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, name);
  }
}
