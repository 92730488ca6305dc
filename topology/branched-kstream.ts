/**
 * `KStream.split()`: routes each record to the first branch whose predicate accepts it. Branch names are
 * carried in the type, so the result is an object with exactly those keys.
 */
import { asUnknown, ProcessorGraphNode } from './internal/graph/graph-node.js';
import { type BranchRoute, branchSupplier } from './internal/operators/branch.js';
import { passThroughSupplier } from './internal/operators/pass-through.js';
import type { KStream } from './kstream.js';

/**
 * A stream being split; add branches with `branch`, finish with `defaultBranch` or `noDefaultBranch`.
 *
 * @example
 * const { vip, regular } = orders
 *   .split('orders-')
 *   .branch((id, o) => o.customerTier === 'gold', 'vip')
 *   .defaultBranch('regular');
 */
export class BranchedKStream<K, V, Names extends string = never> {
  private readonly routes: Array<{ predicate: (key: K, value: V) => boolean; name: string }> = [];

  /** @internal Created by `KStream.split()`. */
  constructor(
    private readonly stream: KStream<K, V>,
    private readonly prefix: string,
  ) {}

  /** Adds a branch: records accepted by `predicate` (and no earlier branch) go to it. */
  branch<N extends string>(
    predicate: (key: K, value: V) => boolean,
    name: N,
  ): BranchedKStream<K, V, Names | N> {
    this.routes.push({ predicate, name });
    return this as unknown as BranchedKStream<K, V, Names | N>;
  }

  /** Finishes the split; records no branch accepted go to the default branch (named `default` unless given). */
  defaultBranch<N extends string = 'default'>(name?: N): { [P in Names | N]: KStream<K, V> } {
    return this.finish((name ?? 'default') as N) as { [P in Names | N]: KStream<K, V> };
  }

  /** Finishes the split; records no branch accepted are dropped. */
  noDefaultBranch(): { [P in Names]: KStream<K, V> } {
    return this.finish(undefined) as { [P in Names]: KStream<K, V> };
  }

  private finish(defaultName: string | undefined): Record<string, KStream<K, V>> {
    const builder = this.stream.builder;
    const splitter = `${this.prefix}split`;
    const childOf = (name: string) => `${this.prefix}${name}`;
    const routes: BranchRoute<K, V>[] = this.routes.map((r) => ({
      predicate: r.predicate,
      child: childOf(r.name),
    }));
    const defaultChild = defaultName === undefined ? undefined : childOf(defaultName);
    builder.addNode(
      new ProcessorGraphNode(
        splitter,
        [this.stream.nodeName],
        asUnknown(branchSupplier(routes, defaultChild)),
      ),
    );
    const names = [...this.routes.map((r) => r.name), ...(defaultName === undefined ? [] : [defaultName])];
    const out: Record<string, KStream<K, V>> = {};
    for (const name of names) {
      const child = childOf(name);
      builder.addNode(new ProcessorGraphNode(child, [splitter], asUnknown(passThroughSupplier<K, V>())));
      const s = this.stream;
      out[name] = builder.dsl.stream(builder, child, s.keySerde, s.valueSerde, s.keyChangedBy, s.sourceNodes);
    }
    return out;
  }
}
