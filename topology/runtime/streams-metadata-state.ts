/**
 * Where the tasks and keys of an application live, for interactive queries across instances (Kafka
 * Streams' `StreamsMetadataState`): which server (`applicationServer`) runs which tasks, active and
 * standby, as the leader announced it with the last assignment, and which partition, task and servers
 * hold a key of a store.
 */

import { defaultPartition } from '../internal/murmur2.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { HostTasks } from './assignment-info.js';
import type { TaskLayout } from './task-layout.js';

/** The tasks of one server. */
export interface StreamsMetadata {
  readonly server: string;
  readonly taskIds: string[];
  readonly standbyTaskIds: string[];
}

/** Where a key of a store lives. */
export interface KeyQueryMetadata {
  /** The server that runs its task; undefined when unknown. */
  readonly server: string | undefined;
  readonly standbyServers: string[];
  readonly partition: number;
  readonly taskId: string;
}

/** What the metadata is read from; each read sees the instance as it is now. */
export interface StreamsMetadataSource {
  /** Undefined before the instance started. */
  readonly plan: () => TopologyPlan | undefined;
  readonly layout: () => TaskLayout | undefined;
  /** Empty without a running thread. */
  readonly hosts: () => ReadonlyMap<string, HostTasks>;
}

export class StreamsMetadataState {
  readonly #source: StreamsMetadataSource;

  constructor(source: StreamsMetadataSource) {
    this.#source = source;
  }

  /** Which server runs which tasks, active and standby, as of the last rebalance. */
  allMetadata(): StreamsMetadata[] {
    return [...this.#source.hosts()].map(([server, tasks]) => ({
      server,
      taskIds: [...tasks.active],
      standbyTaskIds: [...tasks.standby],
    }));
  }

  /** The server that runs task `taskId`, when known. */
  activeServer(taskId: string): string | undefined {
    return this.allMetadata().find((entry) => entry.taskIds.includes(taskId))?.server;
  }

  /**
   * Where the value of a key of store `storeName` lives; `keyBytes` is the key serialized as on the topic
   * the store's task reads (murmur2, as Kafka's default partitioner). Undefined before the instance
   * started or for a store no task has.
   */
  metadataForKey(storeName: string, keyBytes: Buffer): KeyQueryMetadata | undefined {
    const sub = this.#source.plan()?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    const tasks = this.#source.layout()?.tasks.filter((task) => task.subtopologyId === sub?.id) ?? [];
    if (sub === undefined || tasks.length === 0) return undefined;
    const partition = defaultPartition(keyBytes, tasks.length);
    const taskId = `${sub.id}_${partition}`;
    const metadata = this.allMetadata();
    const server = metadata.find((entry) => entry.taskIds.includes(taskId))?.server;
    const standbyServers = metadata
      .filter((entry) => entry.standbyTaskIds.includes(taskId))
      .map((entry) => entry.server);
    return { server, standbyServers, partition, taskId };
  }
}
