import type { Serde } from '../../schemas/serde.js';
import { bytesSerde, voidSerde } from './bytes-serde.js';
import { jsonSerde } from './json-serde.js';
import {
  kafkaDoubleSerde,
  kafkaFloatSerde,
  kafkaIntegerSerde,
  kafkaLongBigIntSerde,
  kafkaLongSerde,
  kafkaShortSerde,
  kafkaUuidSerde,
} from './kafka-serdes.js';
import { int32Serde, numberSerde } from './number-serde.js';
import { stringSerde } from './string-serde.js';

/**
 * The built-in serdes. Each call returns a fresh serde, so none is shared mutable state.
 *
 * The capitalised ones (`String`, `Integer`, `Long`, ...) write the bytes Kafka's own serdes of the same
 * name write, so Java clients and Kafka Streams applications read them and we read theirs. The `sortable`
 * ones encode numbers so that byte order is numeric order (for store keys scanned by range); no other
 * client knows their layout.
 *
 * @example
 * builder.stream('orders', Consumed.with(Serdes.String(), Serdes.json<Order>()));
 * counts.toStream().to('order-counts', Produced.with(Serdes.String(), Serdes.Long()));
 */
export const Serdes = {
  /** UTF-8 strings; ordered by code point. Same bytes as Kafka's `Serdes.String()`. */
  string: (): Serde<string> => stringSerde(),
  /** JSON values; the type parameter is trusted, not validated. */
  json: <T>(): Serde<T> => jsonSerde<T>(),
  /** Any number, 8 bytes, order-preserving (range scans come out in numeric order); not Kafka's `Double`. */
  sortableNumber: (): Serde<number> => numberSerde(),
  /** 32-bit signed integers, 4 bytes, order-preserving (sign bit flipped); not Kafka's `Integer`. */
  sortableInt32: (): Serde<number> => int32Serde(),
  /** @deprecated The same as {@link Serdes.sortableNumber}; for Kafka's `Double` layout use `Serdes.Double()`. */
  number: (): Serde<number> => numberSerde(),
  /** @deprecated The same as {@link Serdes.sortableInt32}; for Kafka's `Integer` layout use `Serdes.Integer()`. */
  int32: (): Serde<number> => int32Serde(),
  /** Raw bytes, untouched. Same bytes as Kafka's `Serdes.ByteArray()`. */
  bytes: (): Serde<Buffer> => bytesSerde(),
  /** Always `null`: for topics without keys. */
  void: (): Serde<null> => voidSerde(),
  /** Kafka's `Serdes.String()`: UTF-8. */
  String: (): Serde<string> => stringSerde(),
  /** Kafka's `Serdes.ByteArray()`: the bytes as they are. */
  ByteArray: (): Serde<Buffer> => bytesSerde(),
  /** Kafka's `Serdes.Short()`: 16-bit signed integer, 2 bytes big-endian. */
  Short: (): Serde<number> => kafkaShortSerde(),
  /** Kafka's `Serdes.Integer()`: 32-bit signed integer, 4 bytes big-endian. */
  Integer: (): Serde<number> => kafkaIntegerSerde(),
  /** Kafka's `Serdes.Long()`: 8 bytes big-endian, as a number (values beyond 2^53 - 1 are refused). */
  Long: (): Serde<number> => kafkaLongSerde(),
  /** Kafka's `Serdes.Long()` as a bigint: the whole signed 64-bit range. */
  LongAsBigInt: (): Serde<bigint> => kafkaLongBigIntSerde(),
  /** Kafka's `Serdes.Float()`: IEEE 754 single precision, 4 bytes big-endian. */
  Float: (): Serde<number> => kafkaFloatSerde(),
  /** Kafka's `Serdes.Double()`: IEEE 754 double precision, 8 bytes big-endian. */
  Double: (): Serde<number> => kafkaDoubleSerde(),
  /** Kafka's `Serdes.UUID()`: the UUID's 36-character string form in UTF-8; values are strings. */
  UUID: (): Serde<string> => kafkaUuidSerde(),
  /** Kafka's `Serdes.Void()`: always `null`. */
  Void: (): Serde<null> => voidSerde(),
} as const;

/** The serde factories, also reachable one by one. */
export {
  bytesSerde,
  int32Serde,
  jsonSerde,
  kafkaDoubleSerde,
  kafkaFloatSerde,
  kafkaIntegerSerde,
  kafkaLongBigIntSerde,
  kafkaLongSerde,
  kafkaShortSerde,
  kafkaUuidSerde,
  numberSerde,
  stringSerde,
  voidSerde,
};
