/** `KStream.flatMap`: zero or more records per record, with new keys (marks the stream as key-changed). */
import type { KeyValue } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Forwards one record per key-value pair the mapper yields. */
export function flatMapSupplier<K, V, K2, V2>(
  mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>,
): ProcessorSupplier<K, V, K2, V2> {
  return () => {
    let context: ProcessorContext<K2, V2>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        for (const { key, value } of mapper(record.key, record.value)) {
          context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
        }
      },
    };
  };
}
