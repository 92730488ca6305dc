/**
 * Turns a topology definition into a plan: validated, split into sub-topologies (connected components of
 * processor edges and shared stores; a topic between a sink and a source does not connect), with each
 * sub-topology's topics, stores and changelogs listed. describe(), the task engine, the runtime and the
 * test driver all read plans, never the raw definition.
 */

import { TopologyError } from '../errors.js';
import type { InternalTopicConfig } from '../topology-types.js';
import type { NodeDef, SourceNodeDef, StoreDef } from './node-definitions.js';
import type { TopologyDefinition } from './topology-definition.js';

/** One sub-topology: the unit that becomes a task per input partition (unless it feeds a global store). */
export interface SubtopologyPlan {
  readonly id: number;
  /** True for the source and processor that fill a global store; they generate no tasks. */
  readonly global: boolean;
  /** Nodes in the order they were added. */
  readonly nodes: readonly NodeDef[];
  readonly sources: readonly SourceNodeDef[];
  /** Application-relative names of the topics read (internal ones without the application id). */
  readonly sourceTopics: readonly string[];
  readonly sourcePatterns: readonly RegExp[];
  /** Topics written by sinks with a fixed topic. */
  readonly sinkTopics: readonly string[];
  readonly stores: readonly string[];
  /** Application-relative changelog topic names of the logged stores, `<store>-changelog`. */
  readonly changelogTopics: readonly string[];
}

/** A validated topology, ready to describe or run. */
export interface TopologyPlan {
  /** Sub-topologies that generate tasks, by id. */
  readonly subtopologies: readonly SubtopologyPlan[];
  /** Sub-topologies that fill global stores. */
  readonly globalSubtopologies: readonly SubtopologyPlan[];
  readonly nodes: ReadonlyMap<string, NodeDef>;
  /** Children of each node, in the order they were added. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  readonly stores: ReadonlyMap<string, StoreDef>;
  /** Repartition topics, by application-relative name. */
  readonly internalTopics: ReadonlyMap<string, InternalTopicConfig>;
  /** Groups of application-relative topic names that must have equal partition counts (joins). */
  readonly copartitionGroups: readonly (readonly string[])[];
}

/** The application-relative changelog topic of a store: `<store>-changelog`. */
export function changelogTopicOf(storeName: string): string {
  return `${storeName}-changelog`;
}

/**
 * The real name of a topic the topology names: internal topics (repartition, changelog) are prefixed with
 * the application id, `<applicationId>-<name>`; user topics are used as they are.
 */
export function resolveTopicName(plan: TopologyPlan, applicationId: string, topic: string): string {
  return plan.internalTopics.has(topic) ? `${applicationId}-${topic}` : topic;
}

/** The real changelog topic of a store: `<applicationId>-<store>-changelog`. */
export function resolveChangelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${changelogTopicOf(storeName)}`;
}

/** Validates the definition and computes its plan; throws a {@link TopologyError} naming what is wrong. */
export function planTopology(def: TopologyDefinition): TopologyPlan {
  const nodes = [...def.nodes.values()];
  if (!nodes.some((n) => n.type === 'source' && n.globalStore === undefined)) {
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_NO_SOURCES',
      'the topology reads no topic; add a source (builder.stream(...) or topology.addSource(...))',
    );
  }
  for (const [name, store] of def.stores) {
    if (!store.global && store.processors.size === 0) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_UNUSED_STORE',
        `state store "${name}" is not connected to any processor; connect it (addStateStore(store, "processor") or connectProcessorAndStateStores) or remove it`,
      );
    }
  }

  const children = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
  const groups = new UnionFind(nodes.map((n) => n.name));
  for (const node of nodes) {
    if (node.type === 'source') continue;
    for (const parent of node.parents) {
      children.get(parent)!.push(node.name);
      groups.union(parent, node.name);
    }
  }
  for (const store of def.stores.values()) {
    const [first, ...rest] = store.processors;
    if (first === undefined) continue;
    for (const other of rest) groups.union(first, other);
  }

  const byRoot = new Map<string, NodeDef[]>();
  for (const node of nodes) {
    const root = groups.find(node.name);
    const members = byRoot.get(root);
    if (members === undefined) byRoot.set(root, [node]);
    else members.push(node);
  }

  const subtopologies: SubtopologyPlan[] = [];
  const globalSubtopologies: SubtopologyPlan[] = [];
  let nextId = 0;
  for (const members of byRoot.values()) {
    const plan = subtopologyOf(nextId++, members, def);
    (plan.global ? globalSubtopologies : subtopologies).push(plan);
  }

  const subtopologyOfSource = new Map<string, SubtopologyPlan>();
  for (const sub of subtopologies) for (const src of sub.sources) subtopologyOfSource.set(src.name, sub);
  const copartitionGroups = def.copartitionGroups.map((group) =>
    copartitionTopics(group, def, subtopologyOfSource),
  );

  return {
    subtopologies,
    globalSubtopologies,
    nodes: def.nodes,
    children,
    stores: def.stores,
    internalTopics: def.internalTopics,
    copartitionGroups,
  };
}

function subtopologyOf(id: number, members: NodeDef[], def: TopologyDefinition): SubtopologyPlan {
  const sources = members.filter((n): n is SourceNodeDef => n.type === 'source');
  const stores = new Set<string>();
  for (const n of members) if (n.type === 'processor') for (const s of n.stores) stores.add(s);
  for (const src of sources) if (src.globalStore !== undefined) stores.add(src.globalStore);
  const global = sources.some((s) => s.globalStore !== undefined);
  const storeNames = [...stores];
  return {
    id,
    global,
    nodes: members,
    sources,
    sourceTopics: sources.flatMap((s) => s.topics),
    sourcePatterns: sources.flatMap((s) => (s.pattern === undefined ? [] : [s.pattern])),
    sinkTopics: members.flatMap((n) => (n.type === 'sink' && typeof n.topic === 'string' ? [n.topic] : [])),
    stores: storeNames,
    changelogTopics: global
      ? []
      : storeNames.filter((s) => def.stores.get(s)?.builder.loggingEnabled).map(changelogTopicOf),
  };
}

function copartitionTopics(
  group: readonly string[],
  def: TopologyDefinition,
  subtopologyOfSource: Map<string, SubtopologyPlan>,
): string[] {
  const topics: string[] = [];
  let firstSub: SubtopologyPlan | undefined;
  const declared = new Map<string, number>();
  for (const sourceName of group) {
    const source = def.nodes.get(sourceName) as SourceNodeDef;
    if (source.pattern !== undefined) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_NOT_COPARTITIONED',
        `source "${sourceName}" reads a topic pattern (${source.pattern}) but is joined; a pattern cannot be checked for co-partitioning, so read the joined topics by name`,
      );
    }
    const sub = subtopologyOfSource.get(sourceName);
    if (firstSub !== undefined && sub !== firstSub) {
      throw new TopologyError(
        'STRM_ERR_TOPOLOGY_NOT_COPARTITIONED',
        `sources ${group.map((g) => `"${g}"`).join(', ')} are joined but end up in different sub-topologies; join streams that share a store (the DSL's join does this)`,
      );
    }
    firstSub = sub;
    for (const topic of source.topics) {
      topics.push(topic);
      const count = def.internalTopics.get(topic)?.numberOfPartitions;
      if (count !== undefined) declared.set(topic, count);
    }
  }
  const counts = new Set(declared.values());
  if (counts.size > 1) {
    const list = [...declared].map(([t, c]) => `"${t}" (${c})`).join(', ');
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_NOT_COPARTITIONED',
      `joined repartition topics ${list} declare different partition counts; give them the same numberOfPartitions`,
    );
  }
  return topics;
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  constructor(names: readonly string[]) {
    for (const n of names) this.parent.set(n, n);
  }
  find(name: string): string {
    let root = name;
    while (this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression keeps later lookups flat.
    let cur = name;
    while (cur !== root) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  /** Joins two sets (sub-topology ids follow node order regardless of which root wins). */
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    this.parent.set(rb, ra);
  }
}
