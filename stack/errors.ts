/**
 * Errors raised while provisioning the local stack. Each has a stable code, says whether trying again may
 * help, and names the missing thing or the log file to read, so a failed `npm test` explains itself.
 */

/** The reasons the stack could not be started, reused or stopped. */
export type StackErrorCode =
  | 'STRM_ERR_STACK_JAVA_NOT_FOUND'
  | 'STRM_ERR_STACK_MAVEN_NOT_FOUND'
  | 'STRM_ERR_STACK_DOWNLOAD_FAILED'
  | 'STRM_ERR_STACK_SERVICE_EXITED'
  | 'STRM_ERR_STACK_SERVICE_TIMEOUT'
  | 'STRM_ERR_STACK_UNREACHABLE'
  | 'STRM_ERR_STACK_BROKER_COUNT_MISMATCH'
  | 'STRM_ERR_STACK_STOP_FAILED'
  | 'STRM_ERR_STACK_OPENSSL_FAILED';

/** A coded failure of the local stack; `retriable` is true when the same call may succeed later. */
export class StackError extends Error {
  readonly code: StackErrorCode;
  readonly retriable: boolean;

  constructor(code: StackErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StackError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}
