/** `KStream.flatMapValues`: zero or more values per record, key untouched. */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Forwards one record per value the mapper yields. */
export function flatMapValuesSupplier<K, V, V2>(
  mapper: (value: V, key: K) => Iterable<V2>,
): ProcessorSupplier<K, V, K, V2> {
  return () => {
    let context: ProcessorContext<K, V2>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        for (const value of mapper(record.value, record.key)) {
          context.forward({ key: record.key, value, timestamp: record.timestamp, headers: record.headers });
        }
      },
    };
  };
}
