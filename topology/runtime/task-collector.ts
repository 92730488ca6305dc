/**
 * A task's {@link RecordCollector}: stamps each output with the task and the input record being processed,
 * and hands it to the shared {@link RecordSender}. Records without a partition hint are partitioned by the
 * producer (murmur2 of the key bytes, as Kafka's default partitioner).
 */

import type { RecordCollector } from '../internal/task/task-io.js';
import type { Headers } from '../record.js';
import type { SourceCoordinates } from './record-sender.js';
import type { SenderLanes } from './sender-lanes.js';

export class TaskCollector implements RecordCollector {
  /** Set by the thread before each record; `undefined` while punctuating. */
  currentSource: SourceCoordinates | undefined;

  constructor(
    private readonly taskId: string,
    private readonly sender: SenderLanes,
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
    this.sender.add({
      topic,
      key,
      value,
      timestamp,
      headers,
      ...(partitionHint === undefined ? {} : { partition: partitionHint }),
      taskId: this.taskId,
      source: this.currentSource,
    });
  }

  partitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }
}
