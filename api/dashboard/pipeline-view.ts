/**
 * The pipeline panel's data: the state of this instance's streams, the task placement every instance
 * learnt at the last rebalance (`allMetadata()`), and the consumer lag of the application's group per input
 * partition, from the group's committed offsets against the partitions' end offsets (one admin read covers
 * every instance, where the runtime's lag gauge covers only this one). Read at most once a second,
 * however many dashboards are open.
 */
import type { KafkaAdmin } from '../../topology/internal/kafka/admin.js';
import type { PipelineEvent } from './dashboard-events.js';

/** What the view needs of the streams runtime (`KafkaStreams` has it). */
export interface PlacementSource {
  readonly state: string;
  allMetadata(): Array<{ server: string; taskIds: string[]; standbyTaskIds: string[] }>;
}

/** Options of {@link PipelineView}. */
export interface PipelineViewOptions {
  /** This instance's advertised `host:port`. */
  readonly self: string;
  /** Absent when this process runs no topology. */
  readonly streams?: PlacementSource;
  /** A connected admin client, and the streams' consumer group (the application id). */
  readonly admin: KafkaAdmin;
  readonly groupId: string;
  /** How long one reading is reused (default 1 s). */
  readonly maxAgeMs?: number;
}

/** Reads {@link PipelineEvent}s, cached for `maxAgeMs`. */
export class PipelineView {
  readonly #options: PipelineViewOptions;
  #last: { at: number; value: Promise<PipelineEvent> } | undefined;

  constructor(options: PipelineViewOptions) {
    this.#options = options;
  }

  /** The current reading (a cached one when younger than `maxAgeMs`). */
  read(now = Date.now()): Promise<PipelineEvent> {
    if (this.#last === undefined || now - this.#last.at >= (this.#options.maxAgeMs ?? 1_000)) {
      this.#last = { at: now, value: this.#read() };
    }
    return this.#last.value;
  }

  async #read(): Promise<PipelineEvent> {
    const { streams, self } = this.#options;
    const base = {
      instance: self,
      state: streams?.state ?? 'NOT_RUN',
      placement: (streams?.allMetadata() ?? [])
        .map((entry) => ({
          server: entry.server,
          activeTasks: [...entry.taskIds].sort(),
          standbyTasks: [...entry.standbyTaskIds].sort(),
        }))
        .sort((a, b) => a.server.localeCompare(b.server)),
    };
    if (streams === undefined) return { ...base, lag: [] };
    try {
      return { ...base, lag: await this.#lag() };
    } catch (error) {
      return { ...base, lag: [], error: `lag unavailable: ${(error as Error).message}` };
    }
  }

  async #lag(): Promise<PipelineEvent['lag']> {
    const { admin, groupId } = this.#options;
    const committed = await admin.groupCommittedOffsets(groupId);
    const lag: Array<{ topic: string; partition: number; lag: number }> = [];
    const ends = new Map<string, Map<number, number>>();
    for (const { topic, partition, offset } of committed) {
      let topicEnds = ends.get(topic);
      if (topicEnds === undefined) {
        topicEnds = new Map((await admin.watermarks(topic)).map((entry) => [entry.partition, entry.high]));
        ends.set(topic, topicEnds);
      }
      const end = topicEnds.get(partition) ?? 0;
      // -1: nothing committed yet, so everything up to the end is still to be read.
      const position = offset === -1 ? 0 : offset;
      lag.push({ topic, partition, lag: end > position ? end - position : 0 });
    }
    return lag.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  }
}
