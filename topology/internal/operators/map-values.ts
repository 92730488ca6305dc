/** `KStream.mapValues`: a new value per record, key untouched. */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Forwards each record with its mapped value. */
export function mapValuesSupplier<K, V, V2>(
  mapper: (value: V, key: K) => V2,
): ProcessorSupplier<K, V, K, V2> {
  return () => {
    let context: ProcessorContext<K, V2>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        context.forward({
          key: record.key,
          value: mapper(record.value, record.key),
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}
