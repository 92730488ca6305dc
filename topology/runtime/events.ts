/**
 * The instrumentation events of a {@link KafkaStreams} instance. The metrics module and users subscribe to
 * them (`streams.events.on('commit', ...)`); the processing loop emits them once per batch or commit, never
 * per record, and never calls an exporter itself.
 */
import { EventEmitter } from 'node:events';
import type { StreamsState } from './streams-state.js';

/** One processed batch of one input partition. */
export interface BatchProcessedEvent {
  readonly taskId: string;
  readonly topic: string;
  readonly partition: number;
  /** Records read from Kafka in this batch. */
  readonly consumed: number;
  /** Records that went through the topology (consumed minus skipped undecodable ones). */
  readonly processed: number;
  /** Time spent in the topology for the batch, milliseconds. */
  readonly durationMs: number;
  /** Records behind the partition's end after this batch (high watermark minus position). */
  readonly lag: number;
}

/** Output acknowledged by the brokers, per task. */
export interface RecordsProducedEvent {
  readonly taskId: string;
  readonly count: number;
}

/** A completed commit: outputs acknowledged, stores flushed, offsets committed. */
export interface CommitEvent {
  readonly durationMs: number;
  /** The tasks whose offsets were committed. */
  readonly taskIds: ReadonlyArray<string>;
  /** Why it ran: the interval, a rebalance, a shutdown, a processor's `context.commit()`. */
  readonly reason: 'interval' | 'rebalance' | 'shutdown' | 'requested' | 'idle';
}

/** A record written to a dead-letter topic. */
export interface DeadLetterEvent {
  /** The `.dlq` topic. */
  readonly topic: string;
  readonly reason: 'deserialization' | 'processing' | 'production';
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: number;
}

/** One changelog partition of a restoring task's store. */
export interface RestorePartitionEvent {
  readonly taskId: string;
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
}

/** Named, typed events; see each payload's doc. */
export interface StreamsEvents {
  /** The lifecycle state changed. */
  stateChange: [newState: StreamsState, oldState: StreamsState];
  /** A rebalance began: every task is committed and suspended until the new assignment. */
  rebalanceStarted: [];
  /** The group handed out a new assignment; `tasks` are this instance's tasks now. */
  rebalanceCompleted: [event: { readonly tasks: ReadonlyArray<string>; readonly durationMs: number }];
  /**
   * The state updater began restoring one changelog partition of a newly assigned task's store (Kafka
   * Streams' `onRestoreStart`): from `startOffset` (after the checkpoint, or 0) to `endOffset` (exclusive,
   * the end when the task was assigned). The instance's running tasks go on processing meanwhile.
   */
  restoreStarted: [
    event: RestorePartitionEvent & { readonly startOffset: number; readonly endOffset: number },
  ];
  /** A batch of a restoring changelog partition was applied (`onBatchRestored`): `records` in it. */
  restoreProgress: [
    event: RestorePartitionEvent & { readonly batchEndOffset: number; readonly records: number },
  ];
  /**
   * A newly assigned task's stores were restored from their changelogs (`onRestoreEnd`, per task); it
   * processes from now on.
   */
  restoreCompleted: [
    event: {
      readonly taskIds: ReadonlyArray<string>;
      readonly partitions: number;
      readonly records: number;
      readonly durationMs: number;
    },
  ];
  taskCreated: [taskId: string];
  /** `clean` is false when the task was closed without committing (its work is redone elsewhere). */
  taskClosed: [taskId: string, clean: boolean];
  /**
   * Exactly-once: the task's transaction failed (not fenced) and was aborted; the task was closed dirty and
   * created again here, its stores restored from the changelog and its input re-read from the last commit.
   */
  taskRevived: [event: { readonly taskId: string; readonly attempt: number; readonly error: Error }];
  batchProcessed: [event: BatchProcessedEvent];
  recordsProduced: [event: RecordsProducedEvent];
  commit: [event: CommitEvent];
  deadLetter: [event: DeadLetterEvent];
  /** A record was skipped (log-and-continue) by a deserialization or production handler. */
  recordSkipped: [
    event: { readonly taskId: string; readonly reason: 'deserialization' | 'processing' | 'production' },
  ];
  /**
   * The stream thread failed on a passing cluster error (`error.retriable`: a broker down, leaders or the
   * group coordinator moving) and is being replaced without the uncaught-exception handler; the new thread
   * goes on from the last commit. `attempt` counts such recoveries in the last ten minutes (at most five;
   * then the handler decides, through an `error` event).
   */
  threadRecovered: [event: { readonly error: Error; readonly attempt: number }];
  /**
   * `numStreamThreads > 1`: the active tasks of one stream thread (`StreamThread-<n>`), after its state or
   * assignment changed.
   */
  threadTasks: [event: { readonly thread: string; readonly tasks: ReadonlyArray<string> }];
  /** An error reached the uncaught-exception handler. */
  error: [error: Error];
}

/** The emitter type users subscribe to. */
export type StreamsEventEmitter = EventEmitter<StreamsEvents>;

/** A new emitter; `error` events never throw when nobody listens (they are reported, not fatal). */
export function createStreamsEventEmitter(): StreamsEventEmitter {
  const emitter = new EventEmitter<StreamsEvents>();
  // Node throws on an unhandled 'error' event; the runtime already logs and handles the error.
  emitter.on('error', () => undefined);
  return emitter;
}
