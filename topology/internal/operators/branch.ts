/** `KStream.split().branch()`: sends each record to the first branch whose predicate accepts it. */
import type { ProcessorContext, ProcessorSupplier } from '../../processor.js';

/** One branch: its predicate and the child that receives its records. */
export interface BranchRoute<K, V> {
  readonly predicate: (key: K, value: V) => boolean;
  /** The child node that receives the branch's records. */
  readonly child: string;
}

/** The splitter processor: first matching branch wins, else the default child (if any). */
export function branchSupplier<K, V>(
  routes: readonly BranchRoute<K, V>[],
  defaultChild: string | undefined,
): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V>;
    return {
      init(c) {
        context = c;
      },
      process(record) {
        for (const route of routes) {
          if (route.predicate(record.key, record.value)) {
            context.forward(record, route.child);
            return;
          }
        }
        if (defaultChild !== undefined) context.forward(record, defaultChild);
      },
    };
  };
}
