/**
 * Coded errors of the kafka facade. kafkajs errors are translated here so that the runtime decides on
 * `code` and `retriable`, never on kafkajs class names or protocol error strings.
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
] as const;

/** Codes of {@link KafkaFacadeError}. */
export type KafkaFacadeErrorCode = (typeof KAFKA_FACADE_ERROR_CODES)[number];

/** A failure talking to Kafka, with the kafkajs error as its `cause`. */
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

/** The kafkajs protocol error type (`REBALANCE_IN_PROGRESS`, ...) of an error, if it has one. */
export function kafkaErrorType(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'type' in error) {
    const type = (error as { type: unknown }).type;
    return typeof type === 'string' ? type : undefined;
  }
  return undefined;
}

/** True for the errors that mean "the group is rebalancing: commit what you have and rejoin". */
export function isRebalanceError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP';
}

/** True for the errors that mean "this member no longer owns its partitions" (its generation is gone). */
export function isMembershipLostError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID' || type === 'FENCED_INSTANCE_ID';
}

/** Whether kafkajs marked an error retriable. */
export function isRetriableKafkaError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}
