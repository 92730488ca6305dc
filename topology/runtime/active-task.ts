/**
 * A task the runtime runs: the Kafka-free engine task, its collector, and the offsets it has processed and
 * committed per source topic (all at the task's partition). A task is "dirty" when it processed records
 * whose offsets are not committed yet.
 */
import type { TopicPartitionOffset } from '../internal/kafka/types.js';
import type { StreamTask } from '../internal/task/stream-task.js';
import type { TaskCollector } from './task-collector.js';
import type { TaskSpec } from './task-layout.js';

export class ActiveTask {
  /** Next offset to process, per source topic. */
  readonly #positions = new Map<string, number>();
  /** Last committed position, per source topic. */
  readonly #committed = new Map<string, number>();

  constructor(
    readonly spec: TaskSpec,
    readonly engine: StreamTask,
    readonly collector: TaskCollector,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  /** The next offset to process in `topic`, or -1 before the first record. */
  position(topic: string): number {
    return this.#positions.get(topic) ?? -1;
  }

  advance(topic: string, nextOffset: number): void {
    this.#positions.set(topic, nextOffset);
  }

  /** True when records were processed since the last commit. */
  hasUncommitted(): boolean {
    for (const [topic, position] of this.#positions) if (this.#committed.get(topic) !== position) return true;
    return false;
  }

  /** The positions to commit (only topics that moved since the last commit). */
  offsetsToCommit(): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const [topic, position] of this.#positions) {
      if (this.#committed.get(topic) !== position)
        offsets.push({ topic, partition: this.spec.partition, offset: position });
    }
    return offsets;
  }

  markCommitted(offsets: ReadonlyArray<TopicPartitionOffset>): void {
    for (const { topic, offset } of offsets) this.#committed.set(topic, offset);
  }
}
