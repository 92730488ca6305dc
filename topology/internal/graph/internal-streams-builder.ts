/**
 * The DSL's shared state behind a `StreamsBuilder`: the node registry every step appends to, the name
 * generator, the configuration, and the errors found while composing (raised by `build()`).
 */
import type { Serde } from '../../../schemas/serde.js';
import { type KeyValueStoreBuilder, Stores } from '../../../state/index.js';
import type { DroppedRecordsListener } from '../../dropped-records.js';
import { TopologyError } from '../../errors.js';
import type { Materialized, StoreType } from '../../materialized.js';
import { jsonSerde } from '../../serdes/json-serde.js';
import { Topology } from '../../topology.js';
import type { DslFactory } from './dsl-factory.js';
import type { GraphNode } from './graph-node.js';

/** Configuration of a `StreamsBuilder`. */
export interface StreamsBuilderConfig {
  /**
   * Insert a repartition topic automatically when a stateful step follows a key change (the default,
   * as Kafka Streams does). When false, such a topology fails to build and names the step to fix.
   */
  readonly automaticRepartition?: boolean;
  /** Store type of DSL steps whose `Materialized` does not say; defaults to `rocksdb`. */
  readonly defaultStoreType?: StoreType;
  /** Serde for keys whose serde the DSL cannot know (after `map`, `selectKey`...); defaults to JSON. */
  readonly defaultKeySerde?: Serde<unknown>;
  /** Serde for values whose serde the DSL cannot know (after `mapValues`...); defaults to JSON. */
  readonly defaultValueSerde?: Serde<unknown>;
  /**
   * Told about every record a windowed step drops because its window had closed (older than the window's
   * end plus its grace period, by stream time); count it as a metric or log it. Defaults to ignoring them.
   */
  readonly onDroppedRecord?: DroppedRecordsListener;
}

/** The node registry, name generator and configuration shared by every DSL object of one builder. */
export class InternalStreamsBuilder {
  readonly nodes: GraphNode[] = [];
  readonly storeNodes: GraphNode[] = [];
  readonly errors: TopologyError[] = [];
  readonly automaticRepartition: boolean;
  readonly defaultStoreType: StoreType;
  /** Where windowed steps report dropped records (see {@link StreamsBuilderConfig.onDroppedRecord}). */
  readonly onDroppedRecord: DroppedRecordsListener | undefined;
  private readonly defaultKey: Serde<unknown>;
  private readonly defaultValue: Serde<unknown>;
  private index = 0;

  /**
   * @param dsl How steps create the public objects they return (given by `StreamsBuilder`, so that no
   *   internal file imports a public DSL class).
   */
  constructor(
    readonly dsl: DslFactory,
    config: StreamsBuilderConfig = {},
  ) {
    this.automaticRepartition = config.automaticRepartition ?? true;
    this.defaultStoreType = config.defaultStoreType ?? 'rocksdb';
    this.onDroppedRecord = config.onDroppedRecord;
    this.defaultKey = config.defaultKeySerde ?? jsonSerde();
    this.defaultValue = config.defaultValueSerde ?? jsonSerde();
  }

  /** A generated node name in Kafka Streams' style, e.g. `KSTREAM-FILTER-0000000003`. */
  newName(prefix: string): string {
    return `${prefix}-${String(this.index++).padStart(10, '0')}`;
  }

  /** A generated store name, e.g. `KSTREAM-AGGREGATE-STATE-STORE-0000000004`. */
  newStoreName(prefix: string): string {
    return `${prefix}-STATE-STORE-${String(this.index++).padStart(10, '0')}`;
  }

  addNode(node: GraphNode): void {
    this.nodes.push(node);
  }

  addStoreNode(node: GraphNode): void {
    this.storeNodes.push(node);
  }

  /** Records a composition error; `build()` throws the first one. */
  addError(error: TopologyError): void {
    this.errors.push(error);
  }

  keySerde<K>(serde: Serde<K> | undefined): Serde<K> {
    return serde ?? (this.defaultKey as Serde<K>);
  }

  valueSerde<V>(serde: Serde<V> | undefined): Serde<V> {
    return serde ?? (this.defaultValue as Serde<V>);
  }

  /**
   * The key-value store builder a `Materialized` describes, with serdes filled in from the step; cached
   * unless `withCachingDisabled()`.
   */
  keyValueStore<K, V>(
    materialized: Materialized<K, V> | undefined,
    generatedName: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
  ): KeyValueStoreBuilder<K, V> {
    const name = materialized?.storeName ?? generatedName;
    const type = materialized?.storeType ?? this.defaultStoreType;
    const supplier =
      type === 'in_memory' ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    const builder = Stores.keyValueStoreBuilder(
      supplier,
      materialized?.keySerde ?? this.keySerde(keySerde),
      materialized?.valueSerde ?? this.valueSerde(valueSerde),
    );
    // Kafka Streams caches every store the DSL materializes unless told not to.
    if (materialized?.cachingEnabled ?? true) builder.withCachingEnabled();
    if (materialized !== undefined && !materialized.loggingEnabled) builder.withLoggingDisabled();
    else if (materialized !== undefined) builder.withLoggingEnabled(materialized.changelogConfig);
    return builder;
  }

  build(): Topology {
    const first = this.errors[0];
    if (first !== undefined) throw first;
    const topology = new Topology();
    for (const node of this.storeNodes) node.writeTo(topology);
    for (const node of this.nodes) node.writeTo(topology);
    for (const node of this.nodes) node.connectStores?.(topology);
    // Plan now so that whole-graph errors (unused stores, co-partitioning) surface at build time.
    topology.plan();
    return topology;
  }
}

/** Raised for a stateful step after a key change when automatic repartitioning is off. */
export function repartitionRequiredError(step: string, keyChanger: string): TopologyError {
  return new TopologyError(
    'STRM_ERR_TOPOLOGY_REPARTITION_REQUIRED',
    `stateful step "${step}" follows a key change at "${keyChanger}", but automatic repartitioning is off; call .repartition() before the stateful step, or enable automaticRepartition`,
  );
}
