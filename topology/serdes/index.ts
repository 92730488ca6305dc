import type { Serde } from '../../schemas/serde.js';
import { bytesSerde, voidSerde } from './bytes-serde.js';
import { jsonSerde } from './json-serde.js';
import { int32Serde, numberSerde } from './number-serde.js';
import { stringSerde } from './string-serde.js';

/**
 * The built-in serdes. Each call returns a fresh serde, so none is shared mutable state.
 *
 * @example
 * builder.stream('orders', Consumed.with(Serdes.string(), Serdes.json<Order>()));
 */
export const Serdes = {
  /** UTF-8 strings; ordered by code point. */
  string: (): Serde<string> => stringSerde(),
  /** JSON values; the type parameter is trusted, not validated. */
  json: <T>(): Serde<T> => jsonSerde<T>(),
  /** Any number, 8 bytes, order-preserving (range scans come out in numeric order). */
  number: (): Serde<number> => numberSerde(),
  /** 32-bit signed integers, 4 bytes, order-preserving. */
  int32: (): Serde<number> => int32Serde(),
  /** Raw bytes, untouched. */
  bytes: (): Serde<Buffer> => bytesSerde(),
  /** Always `null`: for topics without keys. */
  void: (): Serde<null> => voidSerde(),
} as const;

/** The serde factories, also reachable one by one. */
export { bytesSerde, int32Serde, jsonSerde, numberSerde, stringSerde, voidSerde };
