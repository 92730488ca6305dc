/** Options of an explicit `stream.repartition(...)`. */
import type { Serde } from '../schemas/serde.js';
import type { StreamPartitioner } from './topology-types.js';

/**
 * Serdes, name, partition count and partitioner of an explicit repartition topic
 * (`<applicationId>-<name>-repartition`).
 */
export class Repartitioned<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly name: string | undefined,
    readonly numberOfPartitions: number | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned(keySerde, valueSerde, undefined, undefined, undefined);
  }

  static as<K, V>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, name, undefined, undefined);
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned(this.keySerde, this.valueSerde, name, this.numberOfPartitions, this.partitioner);
  }

  /** Fixes the topic's partition count (otherwise it follows the upstream input's). */
  withNumberOfPartitions(count: number): Repartitioned<K, V> {
    return new Repartitioned(this.keySerde, this.valueSerde, this.name, count, this.partitioner);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.keySerde, this.valueSerde, this.name, this.numberOfPartitions, partitioner);
  }
}
