/** Options of stream-table joins: serdes (for a repartition of the stream) and a name. */
import type { Serde } from '../schemas/serde.js';

/**
 * Serdes and a name for `KStream.join/leftJoin(table, ...)`. The serdes are used when the stream must be
 * repartitioned first (its key changed); the name, when given, names the join node and the repartition
 * topic (`<applicationId>-<name>-left-repartition`), so they stay stable when the topology changes.
 *
 * @example
 * bookings.selectKey((_, b) => b.roomId).join(rooms, enrich, Joined.with(Serdes.string(), bookingSerde, roomSerde).withName('booking-room'));
 */
export class Joined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** Serde of the table's values (informational for stream-table joins, which read the table's store). */
    readonly otherValueSerde: Serde<VO> | undefined,
    readonly name: string | undefined,
  ) {}

  /** Serdes of the stream's keys and values (and, optionally, of the table's values). */
  static with<K, V, VO>(
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    otherValueSerde?: Serde<VO>,
  ): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, undefined);
  }

  /** A name for the join node and its repartition topic; serdes from the stream. */
  static as<K, V, VO>(name: string): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, undefined, undefined, name);
  }

  /** Names the join node and its repartition topic (`<name>-left-repartition`). */
  withName(name: string): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, name);
  }

  /** The serde of the keys written to the repartition topic. */
  withKeySerde(keySerde: Serde<K>): Joined<K, V, VO> {
    return new Joined(keySerde, this.valueSerde, this.otherValueSerde, this.name);
  }

  /** The serde of the stream values written to the repartition topic. */
  withValueSerde(valueSerde: Serde<V>): Joined<K, V, VO> {
    return new Joined(this.keySerde, valueSerde, this.otherValueSerde, this.name);
  }

  /** The serde of the table's values. */
  withOtherValueSerde(otherValueSerde: Serde<VO>): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, otherValueSerde, this.name);
  }
}
