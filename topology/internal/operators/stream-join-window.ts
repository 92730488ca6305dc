/**
 * One side of a stream-stream join (Kafka Streams' `KStreamJoinWindow`): keeps each record in the side's
 * window store, at its timestamp, for the other side to find, then passes it on to its own join node.
 * Records with a null key or value can join nothing and are dropped.
 */
import type { WindowStore } from '../../../state/store.js';
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

export function streamJoinWindowSupplier<K, V>(storeName: string): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    let store: WindowStore<K, V>;
    return {
      init(c) {
        context = c;
        store = c.getStateStore<WindowStore<K, V>>(storeName);
      },
      process(record) {
        if (record.key === null || record.key === undefined) return;
        if (record.value === null || record.value === undefined) return;
        store.put(record.key, record.value, record.timestamp);
        context.forward(record);
      },
    };
  };
}
