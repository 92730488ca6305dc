/**
 * The mutable definition behind a {@link Topology}: nodes, stores, internal topics and co-partition
 * groups, checked as they are added (names, parents, stores). Whole-graph checks happen in the planner.
 */
import type { StoreBuilder } from '../../state/store.js';
import { TopologyError } from '../errors.js';
import type { InternalTopicConfig } from '../topology-types.js';
import type { NodeDef, ProcessorNodeDef, SinkNodeDef, SourceNodeDef, StoreDef } from './node-definitions.js';

/** The nodes, stores, internal topics and co-partition groups of a topology, checked as they are added. */
export class TopologyDefinition {
  /** Nodes in the order they were added, which is also the order describe() prints them. */
  readonly nodes = new Map<string, NodeDef>();
  readonly stores = new Map<string, StoreDef>();
  readonly internalTopics = new Map<string, InternalTopicConfig>();
  /** Groups of source node names whose topics must have the same partition count (joins). */
  readonly copartitionGroups: string[][] = [];
  /** Bumped on every change so a cached plan knows it is stale. */
  version = 0;

  addSource(def: SourceNodeDef): void {
    this.assertNewName(def.name);
    if (def.topics.length === 0 && def.pattern === undefined) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
        `source "${def.name}" reads no topic; pass at least one topic name or a RegExp`,
      );
    }
    for (const topic of def.topics) {
      const owner = this.sourceOfTopic(topic);
      if (owner !== undefined) {
        throw new TopologyError(
          'STRM_ERR_TOPOLOGY_TOPIC_ALREADY_SOURCED',
          `topic "${topic}" is already read by source "${owner}", so source "${def.name}" cannot read it too; read it once and branch or merge the stream instead`,
        );
      }
    }
    this.nodes.set(def.name, def);
    this.version++;
  }

  addProcessor(def: ProcessorNodeDef): void {
    this.assertNewName(def.name);
    this.assertParents(def.name, def.parents);
    this.nodes.set(def.name, def);
    this.version++;
  }

  addSink(def: SinkNodeDef): void {
    this.assertNewName(def.name);
    this.assertParents(def.name, def.parents);
    this.nodes.set(def.name, def);
    this.version++;
  }

  addStore(builder: StoreBuilder, global: boolean): void {
    if (this.stores.has(builder.name)) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_DUPLICATE_NAME',
        `state store "${builder.name}" is added twice; give each store a unique name (Materialized.as(name))`,
      );
    }
    this.stores.set(builder.name, { builder, processors: new Set(), global });
    this.version++;
  }

  connect(processorName: string, storeNames: readonly string[]): void {
    const node = this.nodes.get(processorName);
    if (node === undefined || node.type !== 'processor') {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_UNKNOWN_NODE',
        `cannot connect stores to "${processorName}": no processor has that name; add the processor before connecting stores to it`,
      );
    }
    for (const storeName of storeNames) {
      const store = this.stores.get(storeName);
      if (store === undefined) {
        throw new TopologyError(
          'STRM_ERR_TOPOLOGY_UNKNOWN_STORE',
          `processor "${processorName}" asks for state store "${storeName}", which was never added; add it with addStateStore() first`,
        );
      }
      if (store.global) {
        // Global stores are readable from every processor without connecting; connecting would pull
        // the global source into a task's sub-topology.
        continue;
      }
      store.processors.add(processorName);
      node.stores.add(storeName);
    }
    this.version++;
  }

  addInternalTopic(config: InternalTopicConfig): void {
    const existing = this.internalTopics.get(config.name);
    if (existing !== undefined) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_DUPLICATE_NAME',
        `internal topic "${config.name}" is declared twice; give the repartition step a unique name`,
      );
    }
    this.internalTopics.set(config.name, config);
    this.version++;
  }

  addCopartitionGroup(sourceNames: readonly string[]): void {
    for (const name of sourceNames) {
      const node = this.nodes.get(name);
      if (node === undefined || node.type !== 'source') {
        throw new TopologyError(
          'STRM_ERR_TOPOLOGY_UNKNOWN_NODE',
          `co-partition group names "${name}", which is not a source node; list the sources whose topics are joined`,
        );
      }
    }
    this.copartitionGroups.push([...sourceNames]);
    this.version++;
  }

  sourceOfTopic(topic: string): string | undefined {
    for (const node of this.nodes.values()) {
      if (node.type === 'source' && node.topics.includes(topic)) return node.name;
    }
    return undefined;
  }

  private assertNewName(name: string): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TopologyError('STRM_ERR_TOPOLOGY_INVALID_ARGUMENT', 'a node name must be a non-empty string');
    }
    if (this.nodes.has(name)) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_DUPLICATE_NAME',
        `node "${name}" is added twice; every source, processor and sink needs a unique name`,
      );
    }
  }

  private assertParents(name: string, parents: readonly string[]): void {
    if (parents.length === 0) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_NO_PARENT',
        `processor or sink "${name}" has no parent; pass the name of at least one source or processor it reads from`,
      );
    }
    for (const parent of parents) {
      const node = this.nodes.get(parent);
      if (node === undefined) {
        throw new TopologyError(
          'STRM_ERR_TOPOLOGY_UNKNOWN_NODE',
          `"${name}" names parent "${parent}", which does not exist (yet); add parents before their children`,
        );
      }
      if (node.type === 'sink') {
        throw new TopologyError(
          'STRM_ERR_TOPOLOGY_INVALID_PARENT',
          `"${name}" names sink "${parent}" as its parent, but sinks have no children; read the sink's topic with a new source instead`,
        );
      }
      if (parent === name) {
        throw new TopologyError('STRM_ERR_TOPOLOGY_INVALID_PARENT', `"${name}" cannot be its own parent`);
      }
    }
  }
}
