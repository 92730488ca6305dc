/**
 * Coded errors of the topology library. Every error names the thing that is wrong and the fix, carries a
 * stable `code` (`STRM_ERR_...`) that callers and docs can match on, and says whether retrying can help.
 */

/** Codes of {@link TopologyError}: a topology that cannot run as written. */
export type TopologyErrorCode =
  | 'STRM_ERR_TOPOLOGY_DUPLICATE_NAME'
  | 'STRM_ERR_TOPOLOGY_NO_PARENT'
  | 'STRM_ERR_TOPOLOGY_UNKNOWN_NODE'
  | 'STRM_ERR_TOPOLOGY_INVALID_PARENT'
  | 'STRM_ERR_TOPOLOGY_UNKNOWN_STORE'
  | 'STRM_ERR_TOPOLOGY_UNUSED_STORE'
  | 'STRM_ERR_TOPOLOGY_STORE_NOT_CONNECTED'
  | 'STRM_ERR_TOPOLOGY_TOPIC_ALREADY_SOURCED'
  | 'STRM_ERR_TOPOLOGY_NO_SOURCES'
  | 'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT'
  | 'STRM_ERR_TOPOLOGY_NOT_COPARTITIONED'
  | 'STRM_ERR_TOPOLOGY_REPARTITION_REQUIRED';

/** Codes of {@link TaskError}: a failure while a task processes records. */
export type TaskErrorCode =
  | 'STRM_ERR_TASK_DESERIALIZATION'
  | 'STRM_ERR_TASK_SERIALIZATION'
  | 'STRM_ERR_TASK_PROCESSING'
  | 'STRM_ERR_TASK_PUNCTUATION'
  | 'STRM_ERR_TASK_UNKNOWN_TOPIC'
  | 'STRM_ERR_TASK_STATE'
  | 'STRM_ERR_TASK_INVALID_TIMESTAMP';

/** Codes of {@link TestDriverError}: misuse of the TopologyTestDriver. */
export type TestDriverErrorCode =
  | 'STRM_ERR_TEST_DRIVER_UNKNOWN_TOPIC'
  | 'STRM_ERR_TEST_DRIVER_EMPTY_TOPIC'
  | 'STRM_ERR_TEST_DRIVER_UNKNOWN_STORE'
  | 'STRM_ERR_TEST_DRIVER_CLOSED'
  | 'STRM_ERR_TEST_DRIVER_NOT_READY';

/** Base class of the library's coded errors. */
export abstract class StreamsError extends Error {
  /** A stable machine-readable code, e.g. `STRM_ERR_TOPOLOGY_NO_PARENT`. */
  abstract readonly code: string;
  /** True when the same operation may succeed if retried (e.g. a transient I/O failure). */
  readonly retriable: boolean;

  constructor(message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.retriable = options.retriable ?? false;
  }
}

/**
 * An invalid topology, raised when it is built or described (never at run time): the message names the
 * node or store at fault and how to fix it. Never retriable: the code has to change.
 */
export class TopologyError extends StreamsError {
  readonly code: TopologyErrorCode;
  constructor(code: TopologyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(`Invalid topology: ${message}`, options);
    this.name = 'TopologyError';
    this.code = code;
  }
}

/** Where in the input a task error happened, when it happened while processing a source record. */
export interface RecordCoordinates {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * A failure inside a task: a record that cannot be decoded or encoded, or a processor that threw. The
 * original error is the `cause`; `node` and `coordinates` say where.
 */
export class TaskError extends StreamsError {
  readonly code: TaskErrorCode;
  /** The processor or sink node that failed, when known. */
  readonly node: string | undefined;
  /** The source record being processed, when the failure was caused by one (not by a punctuator). */
  readonly coordinates: RecordCoordinates | undefined;
  constructor(
    code: TaskErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean; node?: string; coordinates?: RecordCoordinates } = {},
  ) {
    super(message, options);
    this.name = 'TaskError';
    this.code = code;
    this.node = options.node;
    this.coordinates = options.coordinates;
  }
}

/** Misuse of the {@link TopologyTestDriver}, e.g. reading a topic the topology never writes. */
export class TestDriverError extends StreamsError {
  readonly code: TestDriverErrorCode;
  constructor(code: TestDriverErrorCode, message: string) {
    super(message);
    this.name = 'TestDriverError';
    this.code = code;
  }
}
