/**
 * Coded errors of the runtime (`KafkaStreams`). Each names what is wrong and the fix; `retriable` says
 * whether restarting the instance (or the thread) can help.
 */
import { StreamsError } from '../errors.js';

/** Every code of {@link RuntimeError}; the runtime README lists the same (a test checks it). */
export const RUNTIME_ERROR_CODES = [
  'STRM_ERR_RUNTIME_CONFIG',
  'STRM_ERR_RUNTIME_ILLEGAL_STATE',
  'STRM_ERR_RUNTIME_SOURCE_TOPIC_MISSING',
  'STRM_ERR_RUNTIME_SINK_TOPIC_MISSING',
  'STRM_ERR_RUNTIME_NOT_COPARTITIONED',
  'STRM_ERR_RUNTIME_PRODUCTION',
  'STRM_ERR_RUNTIME_PROCESSING',
  'STRM_ERR_RUNTIME_APPLICATION_SHUTDOWN',
  'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
  'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
  'STRM_ERR_RUNTIME_NO_COMMITTED_OFFSET',
  'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_REQUIRED',
  'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
  'STRM_ERR_RUNTIME_STORE_IN_STREAM_THREAD',
] as const;

/** Codes of {@link RuntimeError}. */
export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

/** A failure of the runtime around the topology: configuration, topics, group membership, production. */
export class RuntimeError extends StreamsError {
  readonly code: RuntimeErrorCode;
  constructor(
    code: RuntimeErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean; server?: string } = {},
  ) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
    if (options.server !== undefined) this.server = options.server;
  }

  /** `STRM_ERR_RUNTIME_STORE_NOT_LOCAL`: the `applicationServer` that runs the store's task, when known. */
  readonly server?: string;
}
