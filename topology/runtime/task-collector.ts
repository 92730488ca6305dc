/**
 * A task's {@link RecordCollector}: stamps each output with the task and the input record being processed,
 * and hands it to the shared sender. Records without a partition hint get one from the murmur2 hash of
 * their key bytes (Kafka's default partitioner) when the topic's partition count is known; otherwise
 * (null key, topic chosen at run time) the producer picks.
 */

import { defaultPartition } from '../internal/murmur2.js';
import type { RecordCollector } from '../internal/task/task-io.js';
import type { Headers } from '../record.js';
import type { PendingRecord, SourceCoordinates } from './record-sender.js';

/** Where a collector queues records: the shared sender lanes, or an exactly-once task's own sender. */
export interface RecordQueue {
  add(record: PendingRecord): void;
}

export class TaskCollector implements RecordCollector {
  /** Set by the thread before each record; `undefined` while punctuating. */
  currentSource: SourceCoordinates | undefined;

  constructor(
    private readonly taskId: string,
    private readonly sender: RecordQueue,
    private readonly partitionCounts: ReadonlyMap<string, number>,
  ) {}

  send(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers,
    partitionHint?: number,
  ): void {
    let partition = partitionHint;
    if (partition === undefined && key !== null) {
      // Kafka's default partitioner, here rather than in the producer: the sender routes by partition.
      const count = this.partitionCounts.get(topic);
      if (count !== undefined) partition = defaultPartition(key, count);
    }
    this.sender.add({
      topic,
      partition,
      key,
      value,
      timestamp,
      headers,
      taskId: this.taskId,
      source: this.currentSource,
    });
  }

  partitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }
}
