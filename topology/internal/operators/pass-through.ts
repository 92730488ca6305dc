/** Forwards every record unchanged: the node behind `merge`, branch children and repartition filters. */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Forwards every record unchanged. */
export function passThroughSupplier<K, V>(): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        context.forward(record);
      },
    };
  };
}

/** Drops records with a null key, which cannot be partitioned by key (before a repartition topic). */
export function dropNullKeysSupplier<K, V>(): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        if (record.key !== null && record.key !== undefined) context.forward(record);
      },
    };
  };
}
