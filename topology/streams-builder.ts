/**
 * `StreamsBuilder`: the entry point of the DSL. It reads topics as streams and tables, collects every
 * step into a graph, and `build()`s a {@link Topology} to describe, test or run.
 */
import type { Serde } from '../schemas/serde.js';
import type { StoreBuilder } from '../state/store.js';
import { BranchedKStream } from './branched-kstream.js';
import type { Consumed } from './consumed.js';
import { GlobalKTable } from './global-ktable.js';
import type { DslFactory } from './internal/graph/dsl-factory.js';
import {
  asUnknown,
  GlobalStoreGraphNode,
  ProcessorGraphNode,
  SourceGraphNode,
  StateStoreGraphNode,
} from './internal/graph/graph-node.js';
import {
  InternalStreamsBuilder,
  type StreamsBuilderConfig,
} from './internal/graph/internal-streams-builder.js';
import { tableSourceSupplier } from './internal/operators/table-source.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { KGroupedTable } from './kgrouped-table.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import type { Materialized } from './materialized.js';
import type { ProcessorSupplier } from './processor.js';
import { SessionWindowedKStream } from './session-windowed-kstream.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import type { Topology } from './topology.js';
import type { TimestampExtractor } from './topology-types.js';

/** Configuration of a {@link StreamsBuilder}. */
export type { StreamsBuilderConfig };

/**
 * Builds a topology with the DSL.
 *
 * @example
 * const builder = new StreamsBuilder();
 * builder
 *   .stream('words', Consumed.with(Serdes.string(), Serdes.string()))
 *   .flatMapValues((line) => line.split(' '))
 *   .groupBy((_, word) => word, Grouped.with(Serdes.string(), Serdes.string()))
 *   .count(Materialized.as('word-counts'))
 *   .toStream()
 *   .to('word-counts', Produced.with(Serdes.string(), Serdes.number()));
 * const topology = builder.build();
 */
export class StreamsBuilder {
  /** @internal The graph every step appends to; operator files extend the DSL through it. */
  readonly internal: InternalStreamsBuilder;

  constructor(config: StreamsBuilderConfig = {}) {
    this.internal = new InternalStreamsBuilder(DSL, config);
  }

  /** A stream of the records of one or more topics, or of every topic matching a pattern. */
  stream<K = unknown, V = unknown>(
    topics: string | readonly string[] | RegExp,
    consumed?: Consumed<K, V>,
  ): KStream<K, V> {
    const name = consumed?.processorName ?? this.internal.newName('KSTREAM-SOURCE');
    this.internal.addNode(
      new SourceGraphNode(
        name,
        typeof topics === 'string' ? [topics] : topics,
        this.internal.keySerde(consumed?.keySerde) as Serde<unknown>,
        this.internal.valueSerde(consumed?.valueSerde) as Serde<unknown>,
        consumed?.timestampExtractor as TimestampExtractor<unknown, unknown> | undefined,
      ),
    );
    return new KStream<K, V>(this.internal, name, consumed?.keySerde, consumed?.valueSerde, undefined, [
      name,
    ]);
  }

  /**
   * A table of the latest value per key of a topic (a null value deletes the key), kept in a store named
   * by `materialized` (or generated).
   */
  table<K = unknown, V = unknown>(
    topic: string,
    consumed?: Consumed<K, V>,
    materialized?: Materialized<K, V>,
  ): KTable<K, V> {
    const sourceName = consumed?.processorName ?? this.internal.newName('KSTREAM-SOURCE');
    const keySerde = consumed?.keySerde;
    const valueSerde = consumed?.valueSerde;
    this.internal.addNode(
      new SourceGraphNode(
        sourceName,
        [topic],
        this.internal.keySerde(keySerde) as Serde<unknown>,
        this.internal.valueSerde(valueSerde) as Serde<unknown>,
        consumed?.timestampExtractor as TimestampExtractor<unknown, unknown> | undefined,
      ),
    );
    const name = this.internal.newName('KTABLE-SOURCE');
    const store = this.internal.keyValueStore(
      materialized,
      this.internal.newStoreName(`${topic}`),
      keySerde,
      valueSerde,
    );
    this.internal.addNode(
      new ProcessorGraphNode(name, [sourceName], asUnknown(tableSourceSupplier<K, V>(store.name, true)), [
        store,
      ]),
    );
    return new KTable<K, V>(
      this.internal,
      name,
      materialized?.keySerde ?? keySerde,
      materialized?.valueSerde ?? valueSerde,
      store.name,
      [sourceName],
    );
  }

  /** A table replicated in full to every instance, for lookups by any key (joins with any stream). */
  globalTable<K = unknown, V = unknown>(
    topic: string,
    consumed?: Consumed<K, V>,
    materialized?: Materialized<K, V>,
  ): GlobalKTable<K, V> {
    const sourceName = consumed?.processorName ?? this.internal.newName('KSTREAM-SOURCE');
    const name = this.internal.newName('KTABLE-SOURCE');
    const keySerde = consumed?.keySerde;
    const valueSerde = consumed?.valueSerde;
    // The topic is the global store's changelog; logging it again would duplicate the topic.
    const store = this.internal.keyValueStore(
      materialized?.withLoggingDisabled(),
      this.internal.newStoreName(`${topic}`),
      keySerde,
      valueSerde,
    );
    if (materialized === undefined) store.withLoggingDisabled();
    // The global task only fills its store from the topic: nothing to deduplicate, nothing forwarded.
    store.withCachingDisabled();
    this.internal.addNode(
      new GlobalStoreGraphNode(
        name,
        sourceName,
        topic,
        store,
        this.internal.keySerde(keySerde) as Serde<unknown>,
        this.internal.valueSerde(valueSerde) as Serde<unknown>,
        consumed?.timestampExtractor as TimestampExtractor<unknown, unknown> | undefined,
        tableSourceSupplier<K, V>(store.name, false) as unknown as ProcessorSupplier<
          unknown,
          unknown,
          void,
          void
        >,
      ),
    );
    return new GlobalKTable<K, V>(
      store.name,
      materialized?.keySerde ?? keySerde,
      materialized?.valueSerde ?? valueSerde,
    );
  }

  /** Adds a store for `stream.process(supplier, storeName)` steps to use. */
  addStateStore(storeBuilder: StoreBuilder): this {
    this.internal.addStoreNode(new StateStoreGraphNode(storeBuilder));
    return this;
  }

  /**
   * Builds the topology: writes every step into a {@link Topology} and validates it. Throws a
   * `TopologyError` naming the step at fault (e.g. a stateful step after a key change with automatic
   * repartitioning off, or a store no step uses).
   */
  build(): Topology {
    return this.internal.build();
  }
}

/**
 * The public DSL classes, handed down to every step through the builder: the one place that imports them
 * all, so that they and the internal steps need not import one another (no import circle).
 */
const DSL: DslFactory = {
  stream: (builder, nodeName, keySerde, valueSerde, keyChangedBy, sourceNodes) =>
    new KStream(builder, nodeName, keySerde, valueSerde, keyChangedBy, sourceNodes),
  table: (builder, nodeName, keySerde, valueSerde, storeName, sourceNodes, valueGetter) =>
    new KTable(builder, nodeName, keySerde, valueSerde, storeName, sourceNodes, valueGetter),
  groupedStream: (stream, grouped) => new KGroupedStream(stream, grouped),
  groupedTable: (builder, selectNode, grouped) => new KGroupedTable(builder, selectNode, grouped),
  branched: (stream, prefix) => new BranchedKStream(stream, prefix),
  timeWindowed: (grouped, windows) => new TimeWindowedKStream(grouped, windows),
  sessionWindowed: (grouped, windows) => new SessionWindowedKStream(grouped, windows),
  isStream: (value): value is KStream<unknown, unknown> => value instanceof KStream,
  isTable: (value): value is KTable<unknown, unknown> => value instanceof KTable,
  isGlobalTable: (value): value is GlobalKTable<unknown, unknown> => value instanceof GlobalKTable,
};
