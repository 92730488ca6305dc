/** Options of stream-stream joins: serdes of both sides, names, and the join stores' type and logging. */
import type { Serde } from '../schemas/serde.js';
import type { StoreType } from './materialized.js';

/**
 * Serdes, names and store options for `KStream.join/leftJoin/outerJoin(otherStream, ...)`. Each side keeps
 * its recent records in a window store (`<storeName>-this-join-store` and `<storeName>-other-join-store`
 * when named); a left or outer join also keeps unmatched records in `<storeName>-outer-join-store` until
 * their window closes.
 *
 * @example
 * reservations.join(payments, (r, p) => ({ ...r, paid: p.amount }), JoinWindows.ofTimeDifferenceWithNoGrace(60_000),
 *   StreamJoined.with(Serdes.string(), reservationSerde, paymentSerde).withStoreName('reservation-payment'));
 */
export class StreamJoined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly otherValueSerde: Serde<VO> | undefined,
    /** Names the join nodes and repartition topics. */
    readonly name: string | undefined,
    /** Base name of the join stores (and their changelogs). */
    readonly storeName: string | undefined,
    readonly storeType: StoreType | undefined,
    readonly loggingEnabled: boolean,
  ) {}

  /** Serdes of the keys, this stream's values and the other stream's values (for the join stores). */
  static with<K, V, VO>(
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    otherValueSerde: Serde<VO>,
  ): StreamJoined<K, V, VO> {
    return new StreamJoined(keySerde, valueSerde, otherValueSerde, undefined, undefined, undefined, true);
  }

  /** A base name for the join stores; serdes from the streams. */
  static as<K, V, VO>(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>(undefined, undefined, undefined, undefined, storeName, undefined, true);
  }

  /** Names the join nodes (`<name>-join-this`, ...) and repartition topics (`<name>-left-repartition`, ...). */
  withName(name: string): StreamJoined<K, V, VO> {
    return this.copy({ name });
  }

  /** Names the join stores (`<storeName>-this-join-store`, ...) and so their changelogs. */
  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return this.copy({ storeName });
  }

  /** The serde of the keys in the join stores and repartition topics. */
  withKeySerde(keySerde: Serde<K>): StreamJoined<K, V, VO> {
    return this.copy({ keySerde });
  }

  /** The serde of this stream's values. */
  withValueSerde(valueSerde: Serde<V>): StreamJoined<K, V, VO> {
    return this.copy({ valueSerde });
  }

  /** The serde of the other stream's values. */
  withOtherValueSerde(otherValueSerde: Serde<VO>): StreamJoined<K, V, VO> {
    return this.copy({ otherValueSerde });
  }

  /** RocksDB (the builder's default) or memory for the join stores. */
  withStoreType(storeType: StoreType): StreamJoined<K, V, VO> {
    return this.copy({ storeType });
  }

  /** No changelogs for the join stores (a restarted task then joins only records it sees afresh). */
  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return this.copy({ loggingEnabled: false });
  }

  private copy(changes: Partial<StreamJoined<K, V, VO>>): StreamJoined<K, V, VO> {
    const next = { ...this, ...changes };
    return new StreamJoined(
      next.keySerde,
      next.valueSerde,
      next.otherValueSerde,
      next.name,
      next.storeName,
      next.storeType,
      next.loggingEnabled,
    );
  }
}
