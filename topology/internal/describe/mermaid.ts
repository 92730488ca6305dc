/**
 * The diagram form of describe(): a Mermaid flowchart with one subgraph per sub-topology, topics as
 * stadiums and stores as cylinders, so a pull request or a doc shows the data flow at a glance.
 */
import type { TopologyDescriptionJson } from '../../topology-description.js';

/** Renders a description as a Mermaid `flowchart TD`. */
export function renderMermaid(description: TopologyDescriptionJson): string {
  const ids = new Map<string, string>();
  // Mermaid ids must be plain identifiers; names and topics can contain dots and dashes.
  const idOf = (kind: 'n' | 't' | 's', name: string): string => {
    const key = `${kind}:${name}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = `${kind}${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };
  const label = (text: string) => `"${text.replaceAll('"', '#quot;')}"`;

  const lines = ['flowchart TD'];
  const edges: string[] = [];
  const topics = new Set<string>();
  for (const sub of description.subtopologies) {
    lines.push(`  subgraph sub${sub.id}[${label(`Sub-topology ${sub.id}${sub.global ? ' (global)' : ''}`)}]`);
    for (const node of sub.nodes) {
      const id = idOf('n', node.name);
      lines.push(`    ${id}[${label(`${node.type}: ${node.name}`)}]`);
      if (node.type === 'source') {
        const sourced = node.topicPattern === undefined ? node.topics : [`/${node.topicPattern}/`];
        for (const t of sourced) {
          topics.add(t);
          edges.push(`  ${idOf('t', t)} --> ${id}`);
        }
      }
      if (node.type !== 'sink')
        for (const child of node.successors) edges.push(`  ${id} --> ${idOf('n', child)}`);
      if (node.type === 'sink') {
        const t = node.topic ?? '(topic per record)';
        topics.add(t);
        edges.push(`  ${id} --> ${idOf('t', t)}`);
      }
      if (node.type === 'processor') for (const s of node.stores) edges.push(`  ${id} -.- ${idOf('s', s)}`);
    }
    lines.push('  end');
  }
  for (const t of topics) lines.push(`  ${idOf('t', t)}([${label(t)}])`);
  for (const store of description.stores) lines.push(`  ${idOf('s', store.name)}[(${label(store.name)})]`);
  return `${[...lines, ...edges].join('\n')}\n`;
}
