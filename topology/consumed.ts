/** How the DSL reads a topic: its serdes and, optionally, where event time comes from. */
import type { Serde } from '../schemas/serde.js';
import type { TimestampExtractor } from './topology-types.js';

/**
 * Serdes (and an optional timestamp extractor) for `builder.stream/table/globalTable`. The key and value
 * types of the resulting stream are inferred from the serdes.
 *
 * @example
 * builder.stream('orders', Consumed.with(Serdes.string(), Serdes.json<Order>()));
 */
export class Consumed<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly timestampExtractor: TimestampExtractor<K, V> | undefined,
    readonly processorName: string | undefined,
  ) {}

  /** Reads keys and values with these serdes. */
  static with<K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Consumed<K, V> {
    return new Consumed(keySerde, valueSerde, undefined, undefined);
  }

  /** Takes event time from the record instead of the Kafka timestamp. */
  withTimestampExtractor(extractor: TimestampExtractor<K, V>): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, extractor, this.processorName);
  }

  /** Names the source node (shown by describe()). */
  withName(name: string): Consumed<K, V> {
    return new Consumed(this.keySerde, this.valueSerde, this.timestampExtractor, name);
  }
}
