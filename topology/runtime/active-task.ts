/**
 * A task the runtime runs: the Kafka-free engine task, its collector, the offsets it has processed and
 * committed per source topic (all at the task's partition), and where its persistent stores stand in their
 * changelogs (for checkpoints). A task is "dirty" when it processed records whose offsets are not
 * committed yet.
 */
import { type CheckpointEntry, restoreStartOffset } from '../../state/index.js';
import type { TransactionalProducer } from '../internal/kafka/transactional-producer.js';
import type { IncomingRecord, TopicPartitionOffset } from '../internal/kafka/types.js';
import type { StreamTask } from '../internal/task/stream-task.js';
import type { InputQueues } from './input-queues.js';
import type { RecordSender } from './record-sender.js';
import type { TaskCollector } from './task-collector.js';
import type { TaskSpec } from './task-layout.js';

/** Where a task keeps its files and what its checkpoint vouched for when it was opened. */
export interface TaskDirectoryInfo {
  /** `stateDir/<applicationId>/<taskId>`. */
  readonly path: string;
  /** Persistent, logged stores: the ones a checkpoint covers. */
  readonly checkpointedStores: ReadonlyArray<string>;
  /** Checkpoint entries of stores whose local files were kept. */
  readonly trusted: ReadonlyMap<string, CheckpointEntry>;
}

/**
 * An exactly-once task's output path: the sender feeding its transaction, and the task's own transactional
 * producer when the client has one per task (kafkajs); with one per thread (KIP-447) the thread's producer
 * is the task producers' (`task-producers.ts`), and `producer` is undefined.
 */
export interface TaskTransaction {
  readonly producer: TransactionalProducer | undefined;
  readonly sender: RecordSender;
}

export class ActiveTask {
  /** Next offset to process, per source topic. */
  readonly #positions = new Map<string, number>();
  /** Last committed position, per source topic. */
  readonly #committed = new Map<string, number>();
  /** Offset of the last changelog record each checkpointed store holds. */
  readonly #changelogOffsets = new Map<string, number>();
  /** When the checkpoint was last written (ms), 0 for never. */
  lastCheckpointAt = 0;

  constructor(
    readonly spec: TaskSpec,
    readonly engine: StreamTask,
    readonly collector: TaskCollector,
    readonly directory: TaskDirectoryInfo,
    /** Set under exactly-once only; at-least-once tasks share the thread's sender. */
    readonly transaction?: TaskTransaction,
    /** Set for a task with several input partitions: their records go out in timestamp order. */
    readonly inputs?: InputQueues,
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

  /**
   * Runs one input partition's records through the engine, skipping those before its position (after a
   * rebalance kafkajs restarts at the committed offset: never process a record twice). Returns how many
   * went through the topology; when one throws, the position stays on it (the thread fails).
   */
  process(topic: string, records: ReadonlyArray<IncomingRecord>): number {
    const position = this.position(topic);
    let next = position;
    let processed = 0;
    try {
      for (const record of records) {
        if (record.offset < position) continue;
        this.collector.currentSource = record;
        if (this.engine.process(record)) processed++;
        next = record.offset + 1;
      }
    } finally {
      this.collector.currentSource = undefined;
      if (next > position) this.advance(topic, next);
    }
    return processed;
  }

  /** Processes the buffered records of a task with several inputs, in timestamp order, while they allow. */
  processQueued(): number {
    const inputs = this.inputs!;
    let processed = 0;
    const now = Date.now();
    try {
      for (let record = inputs.next(now); record !== undefined; record = inputs.next(now)) {
        this.collector.currentSource = record;
        const done = this.engine.process(record);
        this.advance(record.topic, record.offset + 1);
        if (done) processed++;
      }
    } finally {
      this.collector.currentSource = undefined;
    }
    return processed;
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

  /** Where restoring `storeName` starts: after its checkpoint, or the changelog's start. */
  restoreStartOffset(storeName: string): number {
    const entry = this.directory.trusted.get(storeName);
    return entry === undefined ? 0 : restoreStartOffset(entry);
  }

  /** Records that `storeName` holds its changelog up to `offset` (restored, or written and acknowledged). */
  noteChangelogOffset(storeName: string, offset: number): void {
    const trusted = this.directory.trusted.get(storeName)?.offset ?? -1;
    this.#changelogOffsets.set(
      storeName,
      Math.max(offset, trusted, this.#changelogOffsets.get(storeName) ?? -1),
    );
  }

  /**
   * The checkpoint entries of the persistent stores, given the acknowledged changelog offsets; call only
   * when the stores are flushed and every changelog record is acknowledged.
   */
  checkpointEntries(
    acknowledged: (topic: string, partition: number) => number | undefined,
  ): CheckpointEntry[] {
    const topics = this.engine.changelogTopics();
    const entries: CheckpointEntry[] = [];
    for (const store of this.directory.checkpointedStores) {
      const topic = topics.get(store);
      if (topic === undefined) continue;
      this.noteChangelogOffset(store, acknowledged(topic, this.spec.partition) ?? -1);
      entries.push({
        store,
        topic,
        partition: this.spec.partition,
        offset: this.#changelogOffsets.get(store) ?? -1,
      });
    }
    return entries;
  }
}
