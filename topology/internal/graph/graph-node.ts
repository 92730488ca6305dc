/**
 * The DSL's graph: every DSL step appends one or more nodes; `StreamsBuilder.build()` writes them, in
 * order, into a low-level {@link Topology}. Operators in their own files (windows, joins, suppression)
 * add nodes the same way: implement {@link GraphNode}, or use the node kinds below.
 */
import type { Serde } from '../../../schemas/serde.js';
import type { StoreBuilder } from '../../../state/store.js';
import type { ProcessorSupplier } from '../../processor.js';
import type { Topology } from '../../topology.js';
import type { StreamPartitioner, TimestampExtractor, TopicNameExtractor } from '../../topology-types.js';

/** A node of the DSL graph; `writeTo` adds it (and its stores) to the topology being built. */
export interface GraphNode {
  readonly name: string;
  writeTo(topology: Topology): void;
  /**
   * Connects the node to stores other steps own, once every node is written: a step may read a store a
   * later step materializes (e.g. a processor before a windowed aggregation, reading its window store).
   */
  connectStores?(topology: Topology): void;
}

/** A source of a stream or table. */
export class SourceGraphNode implements GraphNode {
  constructor(
    readonly name: string,
    readonly topics: readonly string[] | RegExp,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
    readonly timestampExtractor: TimestampExtractor<unknown, unknown> | undefined,
  ) {}
  writeTo(topology: Topology): void {
    topology.addSource(this.name, this.topics, {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
      timestampExtractor: this.timestampExtractor,
    });
  }
}

/** A processor with its parents and the stores it owns (added with it) or uses (added elsewhere). */
export class ProcessorGraphNode implements GraphNode {
  constructor(
    readonly name: string,
    readonly parents: readonly string[],
    readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>,
    /** Stores created for this step (e.g. an aggregation's). */
    readonly ownStores: readonly StoreBuilder[] = [],
    /** Stores created elsewhere (builder.addStateStore, or another step's) that this step reads. */
    readonly connectedStores: readonly string[] = [],
  ) {}
  writeTo(topology: Topology): void {
    topology.addProcessor(this.name, this.supplier, ...this.parents);
    for (const store of this.ownStores) topology.addStateStore(store, this.name);
  }
  connectStores(topology: Topology): void {
    if (this.connectedStores.length > 0)
      topology.connectProcessorAndStateStores(this.name, ...this.connectedStores);
  }
}

/** A sink to a user topic. */
export class SinkGraphNode implements GraphNode {
  constructor(
    readonly name: string,
    readonly parent: string,
    readonly topic: string | TopicNameExtractor<unknown, unknown>,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
    readonly partitioner: StreamPartitioner<unknown, unknown> | undefined,
  ) {}
  writeTo(topology: Topology): void {
    topology.addSink(
      this.name,
      this.topic,
      { keySerde: this.keySerde, valueSerde: this.valueSerde, partitioner: this.partitioner },
      this.parent,
    );
  }
}

/**
 * A repartition: a sink to an internal topic and a source reading it back, which splits the graph into
 * two sub-topologies so that records are re-distributed by their new key.
 */
export class RepartitionGraphNode implements GraphNode {
  constructor(
    /** Base name: the topic is `<name>-repartition`, the nodes `<name>-repartition-sink/-source`. */
    readonly name: string,
    readonly parent: string,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
    readonly numberOfPartitions: number | undefined,
    readonly partitioner: StreamPartitioner<unknown, unknown> | undefined,
  ) {}
  get topic(): string {
    return `${this.name}-repartition`;
  }
  get sinkName(): string {
    return `${this.name}-repartition-sink`;
  }
  get sourceName(): string {
    return `${this.name}-repartition-source`;
  }
  writeTo(topology: Topology): void {
    topology.addInternalTopic({
      name: this.topic,
      kind: 'repartition',
      numberOfPartitions: this.numberOfPartitions,
    });
    topology.addSink(
      this.sinkName,
      this.topic,
      { keySerde: this.keySerde, valueSerde: this.valueSerde, partitioner: this.partitioner },
      this.parent,
    );
    topology.addSource(this.sourceName, this.topic, { keySerde: this.keySerde, valueSerde: this.valueSerde });
  }
}

/** A store added with `StreamsBuilder.addStateStore`, for `process(..., storeName)` steps to use. */
export class StateStoreGraphNode implements GraphNode {
  constructor(readonly store: StoreBuilder) {}
  get name(): string {
    return this.store.name;
  }
  writeTo(topology: Topology): void {
    topology.addStateStore(this.store);
  }
}

/** A global store filled from a topic, for global tables. */
export class GlobalStoreGraphNode implements GraphNode {
  constructor(
    readonly name: string,
    readonly sourceName: string,
    readonly topic: string,
    readonly store: StoreBuilder,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
    readonly timestampExtractor: TimestampExtractor<unknown, unknown> | undefined,
    readonly supplier: ProcessorSupplier<unknown, unknown, void, void>,
  ) {}
  writeTo(topology: Topology): void {
    topology.addGlobalStore(
      this.store,
      this.sourceName,
      this.topic,
      { keySerde: this.keySerde, valueSerde: this.valueSerde, timestampExtractor: this.timestampExtractor },
      this.name,
      this.supplier,
    );
  }
}

/** Declares that the sources' topics are joined and must be co-partitioned. */
export class CopartitionGraphNode implements GraphNode {
  constructor(
    readonly name: string,
    readonly sourceNames: readonly string[],
  ) {}
  writeTo(topology: Topology): void {
    topology.copartitionSources(...this.sourceNames);
  }
}

/** Graph nodes hold suppliers type-erased; the DSL's generics guarantee the shapes line up. */
export function asUnknown<K, V, K2, V2>(
  supplier: ProcessorSupplier<K, V, K2, V2>,
): ProcessorSupplier<unknown, unknown, unknown, unknown> {
  return supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>;
}
