/**
 * `KTable.groupBy`: re-keys each change for the aggregation downstream. The old value is sent (as a
 * subtraction) to the group it belonged to, then the new value (as an addition) to its new group, so the
 * aggregate of a group a row leaves goes down and the one it joins goes up.
 */
import type { KeyValue } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';
import type { Change } from './change.js';

/** Re-keys each change into a subtraction for the old group and an addition for the new one. */
export function tableGroupBySupplier<K, V, K2, V2>(
  selector: (key: K, value: V) => KeyValue<K2, V2>,
): ProcessorSupplier<K, Change<V>, K2, Change<V2>> {
  return () => {
    let context: ProcessorContext<K2, Change<V2>>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        const { timestamp, headers } = record;
        if (record.value.oldValue !== null) {
          const old = selector(record.key, record.value.oldValue);
          context.forward({
            key: old.key,
            value: { newValue: null, oldValue: old.value },
            timestamp,
            headers,
          });
        }
        if (record.value.newValue !== null) {
          const next = selector(record.key, record.value.newValue);
          context.forward({
            key: next.key,
            value: { newValue: next.value, oldValue: null },
            timestamp,
            headers,
          });
        }
      },
    };
  };
}
