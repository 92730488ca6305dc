/** Builds the data form of describe() from a validated plan. */

import type { NodeDescription, SubtopologyDescription } from '../../topology-description.js';
import { TopologyDescription } from '../../topology-description.js';
import type { NodeDef } from '../node-definitions.js';
import type { SubtopologyPlan, TopologyPlan } from '../topology-plan.js';
import { changelogTopicOf } from '../topology-plan.js';

/** The data form of describe() for a validated plan. */
export function describePlan(plan: TopologyPlan): TopologyDescription {
  const all = [...plan.subtopologies, ...plan.globalSubtopologies].sort((a, b) => a.id - b.id);
  return new TopologyDescription({
    subtopologies: all.map((sub) => describeSubtopology(sub, plan)),
    stores: [...plan.stores].map(([name, store]) => ({
      name,
      kind: store.builder.kind,
      persistent: store.builder.persistent,
      global: store.global,
      cachingEnabled: store.builder.cachingEnabled,
      changelogTopic: !store.global && store.builder.loggingEnabled ? changelogTopicOf(name) : null,
      processors: [...store.processors],
    })),
    internalTopics: [...plan.internalTopics.values()].map((t) => ({
      name: t.name,
      kind: t.kind,
      numberOfPartitions: t.numberOfPartitions ?? null,
    })),
    copartitionGroups: plan.copartitionGroups,
  });
}

function describeSubtopology(sub: SubtopologyPlan, plan: TopologyPlan): SubtopologyDescription {
  return { id: sub.id, global: sub.global, nodes: sub.nodes.map((n) => describeNode(n, plan)) };
}

function describeNode(node: NodeDef, plan: TopologyPlan): NodeDescription {
  const successors = plan.children.get(node.name) ?? [];
  switch (node.type) {
    case 'source':
      return node.pattern === undefined
        ? { type: 'source', name: node.name, topics: node.topics, successors }
        : { type: 'source', name: node.name, topics: [], topicPattern: node.pattern.source, successors };
    case 'processor':
      return {
        type: 'processor',
        name: node.name,
        stores: [...node.stores],
        successors,
        predecessors: node.parents,
      };
    case 'sink':
      return {
        type: 'sink',
        name: node.name,
        topic: typeof node.topic === 'string' ? node.topic : null,
        predecessors: node.parents,
      };
  }
}
