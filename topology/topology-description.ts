/**
 * The description of a topology as data: what describe() returns, printable as text in the manner of
 * Kafka Streams' `Topology.describe()`, as JSON, and as a Mermaid diagram.
 */
import { renderMermaid } from './internal/describe/mermaid.js';
import { renderText } from './internal/describe/text.js';

/** A source node: reads topics (or a pattern). */
export interface SourceDescription {
  readonly type: 'source';
  readonly name: string;
  readonly topics: readonly string[];
  /** The pattern, as `RegExp.source`, for pattern subscriptions. */
  readonly topicPattern?: string;
  readonly successors: readonly string[];
}

/** A processor node and the stores it uses. */
export interface ProcessorDescription {
  readonly type: 'processor';
  readonly name: string;
  readonly stores: readonly string[];
  readonly successors: readonly string[];
  readonly predecessors: readonly string[];
}

/** A sink node: writes a topic, or a topic chosen per record (`topic` is then `null`). */
export interface SinkDescription {
  readonly type: 'sink';
  readonly name: string;
  readonly topic: string | null;
  readonly predecessors: readonly string[];
}

/** Any node of a description. */
export type NodeDescription = SourceDescription | ProcessorDescription | SinkDescription;

/** A sub-topology; global ones fill a global store and generate no tasks. */
export interface SubtopologyDescription {
  readonly id: number;
  readonly global: boolean;
  readonly nodes: readonly NodeDescription[];
}

/** A state store and where its changes are logged. */
export interface StoreDescription {
  readonly name: string;
  readonly kind: 'keyValue' | 'window' | 'session';
  readonly persistent: boolean;
  readonly global: boolean;
  readonly cachingEnabled: boolean;
  /** Application-relative changelog topic (`<store>-changelog`), or null when logging is off or global. */
  readonly changelogTopic: string | null;
  readonly processors: readonly string[];
}

/** The JSON form of a description. */
export interface TopologyDescriptionJson {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly stores: readonly StoreDescription[];
  /** Repartition topics (application-relative names; `<applicationId>-` is prefixed at run time). */
  readonly internalTopics: readonly { name: string; kind: string; numberOfPartitions: number | null }[];
  /** Topics that must have equal partition counts because they are joined. */
  readonly copartitionGroups: readonly (readonly string[])[];
}

/**
 * What `Topology.describe()` returns.
 *
 * @example
 * console.log(String(topology.describe()));        // text
 * JSON.stringify(topology.describe(), null, 2);    // JSON
 * topology.describe().toMermaid();                 // diagram for docs and PRs
 */
export class TopologyDescription implements TopologyDescriptionJson {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly stores: readonly StoreDescription[];
  readonly internalTopics: TopologyDescriptionJson['internalTopics'];
  readonly copartitionGroups: readonly (readonly string[])[];

  constructor(json: TopologyDescriptionJson) {
    this.subtopologies = json.subtopologies;
    this.stores = json.stores;
    this.internalTopics = json.internalTopics;
    this.copartitionGroups = json.copartitionGroups;
  }

  /** The Kafka Streams-style text form. */
  toString(): string {
    return renderText(this);
  }

  /** The plain JSON form (what `JSON.stringify` writes). */
  toJSON(): TopologyDescriptionJson {
    return {
      subtopologies: this.subtopologies,
      stores: this.stores,
      internalTopics: this.internalTopics,
      copartitionGroups: this.copartitionGroups,
    };
  }

  /** A Mermaid `flowchart` of sub-topologies, topics and stores. */
  toMermaid(): string {
    return renderMermaid(this);
  }
}
