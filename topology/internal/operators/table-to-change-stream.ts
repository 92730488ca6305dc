/**
 * `KTable.toChangeStream`: forwards each change as it is, new and old value, for a step that needs what
 * changed in a row and not only its new value.
 */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { Change } from './change.js';

/** Forwards each change unchanged. */
export function tableToChangeStreamSupplier<K, V>(): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return () => {
    let context: ProcessorContext<K, Change<V>>;
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
