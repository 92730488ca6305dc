/**
 * Coded errors of the Kafka client port. Each client adapter (`kafkajs/`) translates its own errors into
 * these, so that the runtime decides on `code` and `retriable`, never on a client's class names or protocol
 * error strings.
 */

/** Every code of {@link KafkaFacadeError}; the runtime README lists the same (a test checks it). */
export const KAFKA_FACADE_ERROR_CODES = [
  'STRM_ERR_KAFKA_TOPIC_PARTITIONS_MISMATCH',
  'STRM_ERR_KAFKA_ADMIN',
  'STRM_ERR_KAFKA_PRODUCE',
  'STRM_ERR_KAFKA_RECORD_TOO_LARGE',
  'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS',
  'STRM_ERR_KAFKA_NOT_GROUP_MEMBER',
  'STRM_ERR_KAFKA_COMMIT',
  'STRM_ERR_KAFKA_PRODUCER_FENCED',
  'STRM_ERR_KAFKA_TRANSACTION',
  'STRM_ERR_KAFKA_CONSUMER',
  'STRM_ERR_KAFKA_AUTHENTICATION',
  'STRM_ERR_KAFKA_TLS',
  'STRM_ERR_KAFKA_UNREACHABLE',
  'STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE',
] as const;

/** Codes of {@link KafkaFacadeError}. */
export type KafkaFacadeErrorCode = (typeof KAFKA_FACADE_ERROR_CODES)[number];

/** A failure talking to Kafka, with the client's own error as its `cause`. */
export class KafkaFacadeError extends Error {
  readonly code: KafkaFacadeErrorCode;
  /** True when the same call may succeed later (the broker was unavailable, a leader moved). */
  readonly retriable: boolean;

  constructor(
    code: KafkaFacadeErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'KafkaFacadeError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/**
 * True when `error` (or its cause chain) says a task's transactional producer was fenced by a newer owner
 * (`STRM_ERR_KAFKA_PRODUCER_FENCED`, as the adapters translate it): the task moved, as opposed to a
 * transaction that failed.
 */
export function isProducerFenced(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof KafkaFacadeError && current.code === 'STRM_ERR_KAFKA_PRODUCER_FENCED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
