/**
 * The low-level topology builder (Kafka Streams' `Topology`): sources, processors, sinks and stores,
 * wired by name. The DSL's `StreamsBuilder.build()` produces one of these too; the runtime and the
 * TopologyTestDriver run either.
 */
import type { StateStore, StoreBuilder } from '../state/store.js';
import { TopologyError } from './errors.js';
import { describePlan } from './internal/describe/describe-plan.js';
import { TopologyDefinition } from './internal/topology-definition.js';
import { planTopology, type TopologyPlan } from './internal/topology-plan.js';
import type { ProcessorSupplier } from './processor.js';
import type { TopologyDescription } from './topology-description.js';
import type {
  InternalTopicConfig,
  SinkOptions,
  SourceOptions,
  TopicNameExtractor,
} from './topology-types.js';

/**
 * A graph of processors, built by name, validated when it is described or run.
 *
 * @example
 * const topology = new Topology()
 *   .addSource('in', ['words'], { keySerde: Serdes.string(), valueSerde: Serdes.string() })
 *   .addProcessor('upper', () => ({ init(ctx) { this.ctx = ctx }, process(r) { this.ctx.forward({ ...r, value: r.value.toUpperCase() }) } }), 'in')
 *   .addSink('out', 'shouted', { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'upper');
 */
export class Topology {
  /** @internal The definition the planner reads; not part of the public API. */
  readonly definition = new TopologyDefinition();
  private cachedPlan: { version: number; plan: TopologyPlan } | undefined;

  /** Adds a source reading one or more topics, or every topic matching a pattern. */
  addSource<K, V>(
    name: string,
    topics: string | readonly string[] | RegExp,
    options: SourceOptions<K, V>,
  ): this {
    const pattern = topics instanceof RegExp ? topics : undefined;
    const names =
      pattern !== undefined ? [] : typeof topics === 'string' ? [topics] : [...(topics as string[])];
    this.definition.addSource({
      type: 'source',
      name,
      topics: names,
      pattern,
      keySerde: options.keySerde as SourceOptions<unknown, unknown>['keySerde'],
      valueSerde: options.valueSerde as SourceOptions<unknown, unknown>['valueSerde'],
      timestampExtractor: options.timestampExtractor as SourceOptions<unknown, unknown>['timestampExtractor'],
      globalStore: undefined,
    });
    return this;
  }

  /** Adds a processor fed by the named parents (sources or processors). */
  addProcessor<KIn, VIn, KOut, VOut>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.definition.addProcessor({
      type: 'processor',
      name,
      supplier: supplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: parentNames,
      stores: new Set(),
    });
    return this;
  }

  /** Adds a sink writing to a fixed topic or to a topic chosen per record. */
  addSink<K, V>(
    name: string,
    topic: string | TopicNameExtractor<K, V>,
    options: SinkOptions<K, V>,
    ...parentNames: string[]
  ): this {
    this.definition.addSink({
      type: 'sink',
      name,
      topic: topic as string | TopicNameExtractor<unknown, unknown>,
      keySerde: options.keySerde as SinkOptions<unknown, unknown>['keySerde'],
      valueSerde: options.valueSerde as SinkOptions<unknown, unknown>['valueSerde'],
      partitioner: options.partitioner as SinkOptions<unknown, unknown>['partitioner'],
      parents: parentNames,
    });
    return this;
  }

  /** Adds a state store (one instance per task) and connects it to the named processors. */
  addStateStore(storeBuilder: StoreBuilder, ...processorNames: string[]): this {
    this.definition.addStore(storeBuilder, false);
    for (const processor of processorNames) this.definition.connect(processor, [storeBuilder.name]);
    return this;
  }

  /** Gives a processor access to stores added earlier. */
  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    this.definition.connect(processorName, storeNames);
    return this;
  }

  /**
   * Adds a global store: every instance reads all partitions of `topic` into it through
   * `stateUpdateSupplier` (which should `put` into the store and forward nothing). Every processor can
   * read it with `getStateStore(name)`. The topic itself is the store's changelog, so the store is never
   * logged elsewhere.
   */
  addGlobalStore<K, V, S extends StateStore>(
    storeBuilder: StoreBuilder<S>,
    sourceName: string,
    topic: string,
    options: SourceOptions<K, V>,
    processorName: string,
    stateUpdateSupplier: ProcessorSupplier<K, V, void, void>,
  ): this {
    this.definition.addStore(storeBuilder, true);
    this.definition.addSource({
      type: 'source',
      name: sourceName,
      topics: [topic],
      pattern: undefined,
      keySerde: options.keySerde as SourceOptions<unknown, unknown>['keySerde'],
      valueSerde: options.valueSerde as SourceOptions<unknown, unknown>['valueSerde'],
      timestampExtractor: options.timestampExtractor as SourceOptions<unknown, unknown>['timestampExtractor'],
      globalStore: storeBuilder.name,
    });
    this.definition.addProcessor({
      type: 'processor',
      name: processorName,
      supplier: stateUpdateSupplier as unknown as ProcessorSupplier<unknown, unknown, unknown, unknown>,
      parents: [sourceName],
      stores: new Set([storeBuilder.name]),
    });
    return this;
  }

  /**
   * @internal Declares a repartition topic owned by the application. Sources and sinks name it without
   * the application id; the runtime prefixes it.
   */
  addInternalTopic(config: InternalTopicConfig): this {
    if (config.numberOfPartitions !== undefined && !(config.numberOfPartitions >= 1)) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `repartition topic "${config.name}" asks for ${config.numberOfPartitions} partitions; use a positive integer`,
      );
    }
    this.definition.addInternalTopic(config);
    return this;
  }

  /**
   * @internal Records that the topics of these sources are joined, so they must have the same number of
   * partitions (checked by the planner where it can, and by the runtime against the cluster).
   */
  copartitionSources(...sourceNames: string[]): this {
    this.definition.addCopartitionGroup(sourceNames);
    return this;
  }

  /** Validates the topology and describes it (text via `toString()`, JSON, or `toMermaid()`). */
  describe(): TopologyDescription {
    return describePlan(this.plan());
  }

  /** @internal The validated plan that describe(), the test driver and the runtime run. */
  plan(): TopologyPlan {
    const version = this.definition.version;
    if (this.cachedPlan?.version !== version)
      this.cachedPlan = { version, plan: planTopology(this.definition) };
    return this.cachedPlan.plan;
  }
}
