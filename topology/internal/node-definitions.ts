/**
 * The nodes of a built topology, as the planner, describe() and the task engine see them. Public code
 * never constructs these: it goes through `Topology.addSource/addProcessor/addSink`.
 */
import type { Serde } from '../../schemas/serde.js';
import type { StoreBuilder } from '../../state/store.js';
import type { ProcessorSupplier } from '../processor.js';
import type { StreamPartitioner, TimestampExtractor, TopicNameExtractor } from '../topology-types.js';

/** A source: topics (or a pattern) and the serdes that decode them. */
export interface SourceNodeDef {
  readonly type: 'source';
  readonly name: string;
  /** Application-relative topic names (internal topics are prefixed with the application id at run time). */
  readonly topics: readonly string[];
  readonly pattern: RegExp | undefined;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly timestampExtractor: TimestampExtractor<unknown, unknown> | undefined;
  /** Set for the source of a global store: it feeds the store, not a task. */
  readonly globalStore: string | undefined;
}

/** A processor: its supplier, parents and connected stores. */
export interface ProcessorNodeDef {
  readonly type: 'processor';
  readonly name: string;
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  readonly parents: readonly string[];
  /** Names of the stores this processor may use (mutable while the topology is being built). */
  readonly stores: Set<string>;
}

/** A sink: its topic (or extractor), serdes and partitioner. */
export interface SinkNodeDef {
  readonly type: 'sink';
  readonly name: string;
  readonly topic: string | TopicNameExtractor<unknown, unknown>;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  readonly parents: readonly string[];
}

/** Any node of a topology. */
export type NodeDef = SourceNodeDef | ProcessorNodeDef | SinkNodeDef;

/** A store of a topology, with the processors connected to it. */
export interface StoreDef {
  readonly builder: StoreBuilder;
  /** Processors connected to the store. */
  readonly processors: Set<string>;
  /** Global stores are filled from their source topic, on every instance, and never logged. */
  readonly global: boolean;
}
