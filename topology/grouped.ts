/** How the DSL groups a stream: serdes of the grouped records and the name of a repartition topic. */
import type { Serde } from '../schemas/serde.js';

/**
 * Serdes and a name for `groupBy`/`groupByKey`. The name, when given, names the repartition topic
 * (`<applicationId>-<name>-repartition`) so it stays stable when the topology changes.
 */
export class Grouped<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly name: string | undefined,
  ) {}

  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped(keySerde, valueSerde, undefined);
  }

  static as<K, V>(name: string): Grouped<K, V> {
    return new Grouped<K, V>(undefined, undefined, name);
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped(this.keySerde, this.valueSerde, name);
  }

  withKeySerde(keySerde: Serde<K>): Grouped<K, V> {
    return new Grouped(keySerde, this.valueSerde, this.name);
  }

  withValueSerde(valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped(this.keySerde, valueSerde, this.name);
  }
}
