/**
 * The mutable per-task state every node of a task shares: the record being processed, stream time,
 * stores, punctuators and the output collector. One object, so that forwarding a record allocates nothing
 * beyond the record itself.
 */
import type { StateStore } from '../../../state/store.js';
import type { Headers, RecordMetadata } from '../../record.js';
import type { TopologyPlan } from '../topology-plan.js';
import type { PunctuationQueue } from './punctuation-queue.js';
import type { RecordCollector } from './task-io.js';

/** State shared by every node of one task. */
export interface TaskState {
  readonly applicationId: string;
  readonly taskId: string;
  readonly partition: number;
  readonly plan: TopologyPlan;
  readonly collector: RecordCollector;
  /** Stores owned by this task, by name. */
  readonly stores: ReadonlyMap<string, StateStore>;
  /** Global stores, readable by every processor. */
  readonly globalStores: ReadonlyMap<string, StateStore>;
  readonly streamTimePunctuators: PunctuationQueue;
  readonly wallClockPunctuators: PunctuationQueue;
  readonly wallClock: () => number;
  /** Coordinates of the source record being processed; undefined inside punctuators. */
  currentMetadata: RecordMetadata | undefined;
  /** Timestamp of the record being processed (or of the punctuation), stamped on changelog records. */
  currentTimestamp: number;
  /** Headers of the record being processed (none inside a punctuation), kept by the record cache. */
  currentHeaders: Headers;
  /** Largest timestamp seen; -1 before the first record. */
  streamTime: number;
  /**
   * Stream time as of the last record-cache flush, when every update cached before it had gone
   * downstream; equal to `streamTime` in a task without a cache. Suppression judges windows closed by it.
   */
  flushedStreamTime: number;
  /** Called after each record-cache flush of the task (suppressions emit what became due). */
  readonly cacheFlushListeners: Array<() => void>;
  commitRequested: boolean;
}
