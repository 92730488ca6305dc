/**
 * Deserialization error handling: what a task does with a record whose bytes its serdes cannot decode.
 * Choose with `DeserializationHandlers`: fail the task, log and skip, or dead-letter the record to
 * `<topic>.dlq` with the error and the source coordinates in headers.
 */
import type { Headers } from './record.js';

/** A record that could not be deserialized, with where it came from and why. */
export interface DeserializationFailure {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  /** The serde's error (usually a `SerdeError`). */
  readonly error: unknown;
  /** The source node whose serdes failed. */
  readonly sourceNode: string;
}

/** Decides what happens after a deserialization failure: skip the record, or fail the task. */
export type DeserializationExceptionHandler = (failure: DeserializationFailure) => 'continue' | 'fail';

/**
 * A source record whose processing threw (in a processor, not in a serde), with the raw bytes so that it
 * can be dead-lettered as it was read. Records already forwarded downstream before the throw stay sent.
 */
export interface ProcessingFailure extends DeserializationFailure {
  /** The processor that threw. */
  readonly node: string;
}

/** Decides what happens after a processor threw: skip the record, or fail the task (the default). */
export type ProcessingExceptionHandler = (failure: ProcessingFailure) => 'continue' | 'fail';

/** A record to write to a dead-letter topic. */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: Headers;
}

/** Header names of dead-lettered records, so consumers of `<topic>.dlq` can find the cause and source. */
export const DLQ_HEADERS = {
  errorCode: 'x-dlq-error-code',
  errorMessage: 'x-dlq-error-message',
  sourceTopic: 'x-dlq-source-topic',
  sourcePartition: 'x-dlq-source-partition',
  sourceOffset: 'x-dlq-source-offset',
  sourceNode: 'x-dlq-source-node',
  /** Set for processing failures: the processor that threw. */
  failedNode: 'x-dlq-failed-node',
} as const;

/** The dead-letter copy of a failed record: same bytes and timestamp, on `<topic>.dlq`, with error headers. */
export function deadLetterRecordOf(failure: DeserializationFailure | ProcessingFailure): DeadLetterRecord {
  const error = failure.error as { code?: unknown; message?: unknown } | undefined;
  return {
    topic: `${failure.topic}.dlq`,
    key: failure.key,
    value: failure.value,
    timestamp: failure.timestamp,
    headers: {
      ...failure.headers,
      [DLQ_HEADERS.errorCode]: typeof error?.code === 'string' ? error.code : 'UNKNOWN',
      [DLQ_HEADERS.errorMessage]: typeof error?.message === 'string' ? error.message : String(failure.error),
      [DLQ_HEADERS.sourceTopic]: failure.topic,
      [DLQ_HEADERS.sourcePartition]: String(failure.partition),
      [DLQ_HEADERS.sourceOffset]: String(failure.offset),
      [DLQ_HEADERS.sourceNode]: failure.sourceNode,
      ...('node' in failure ? { [DLQ_HEADERS.failedNode]: failure.node } : {}),
    },
  };
}

/** The built-in deserialization handlers. */
export const DeserializationHandlers = {
  /** Stop the task with a `TaskError` (`STRM_ERR_TASK_DESERIALIZATION`); the default. */
  fail: (): DeserializationExceptionHandler => () => 'fail',
  /** Report the failure (to `console.warn` unless a logger is given) and skip the record. */
  logAndContinue:
    (log: (failure: DeserializationFailure) => void = defaultLog): DeserializationExceptionHandler =>
    (failure) => {
      log(failure);
      return 'continue';
    },
  /**
   * Hand the failure to `send` (which writes it to a dead-letter topic, see {@link deadLetterRecordOf})
   * and skip the record. If `send` throws, the task fails.
   */
  deadLetter:
    (send: (failure: DeserializationFailure) => void): DeserializationExceptionHandler =>
    (failure) => {
      send(failure);
      return 'continue';
    },
} as const;

function defaultLog(failure: DeserializationFailure): void {
  console.warn(
    `skipping undecodable record ${failure.topic}/${failure.partition}@${failure.offset} at source "${failure.sourceNode}": ${String((failure.error as Error)?.message ?? failure.error)}`,
  );
}
