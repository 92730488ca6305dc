/** `KTable.toStream`: forwards each change's new value; a deletion becomes a null value (a tombstone). */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { Change } from './change.js';

/** Forwards the new value of each change. */
export function tableToStreamSupplier<K, V>(): ProcessorSupplier<K, Change<V>, K, V | null> {
  return () => {
    let context: ProcessorContext<K, V | null>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        context.forward({
          key: record.key,
          value: record.value.newValue,
          timestamp: record.timestamp,
          headers: record.headers,
        });
      },
    };
  };
}
