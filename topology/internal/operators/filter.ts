/** `KStream.filter/filterNot`: forwards records whose predicate result matches. */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** Forwards records whose predicate result differs from `negate`. */
export function filterSupplier<K, V>(
  predicate: (key: K, value: V) => boolean,
  negate: boolean,
): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        if (predicate(record.key, record.value) !== negate) context.forward(record);
      },
    };
  };
}
