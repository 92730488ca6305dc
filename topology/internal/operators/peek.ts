/** `KStream.peek`: calls an action per record (logging, metrics) and forwards it unchanged. */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Calls `action` and forwards the record unchanged. */
export function peekSupplier<K, V>(action: (key: K, value: V) => void): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        action(record.key, record.value);
        context.forward(record);
      },
    };
  };
}
