/** `KStream.map/selectKey`: a new key and value per record (marks the stream as key-changed). */

import type { KeyValue } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Forwards each record with the key and value the mapper returns. */
export function mapSupplier<K, V, K2, V2>(
  mapper: (key: K, value: V) => KeyValue<K2, V2>,
): ProcessorSupplier<K, V, K2, V2> {
  return () => {
    let context: ProcessorContext<K2, V2>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        const { key, value } = mapper(record.key, record.value);
        context.forward({ key, value, timestamp: record.timestamp, headers: record.headers });
      },
    };
  };
}
