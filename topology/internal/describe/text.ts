/** The text form of describe(), laid out as Kafka Streams prints `Topology.describe()`. */
import type { NodeDescription, TopologyDescriptionJson } from '../../topology-description.js';

/** Renders a description as Kafka Streams-style text. */
export function renderText(description: TopologyDescriptionJson): string {
  const lines: string[] = ['Topologies:'];
  for (const sub of description.subtopologies) {
    lines.push(
      sub.global
        ? `   Sub-topology: ${sub.id} for global store (will not generate tasks)`
        : `   Sub-topology: ${sub.id}`,
    );
    for (const node of sub.nodes) lines.push(...renderNode(node));
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function renderNode(node: NodeDescription): string[] {
  switch (node.type) {
    case 'source': {
      const what =
        node.topicPattern === undefined
          ? `topics: [${node.topics.join(', ')}]`
          : `topic pattern: ${node.topicPattern}`;
      return [`    Source: ${node.name} (${what})`, `      --> ${list(node.successors)}`];
    }
    case 'processor':
      return [
        `    Processor: ${node.name} (stores: [${node.stores.join(', ')}])`,
        `      --> ${list(node.successors)}`,
        `      <-- ${list(node.predecessors)}`,
      ];
    case 'sink':
      return [
        `    Sink: ${node.name} (${node.topic === null ? 'topic extractor' : `topic: ${node.topic}`})`,
        `      <-- ${list(node.predecessors)}`,
      ];
  }
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}
