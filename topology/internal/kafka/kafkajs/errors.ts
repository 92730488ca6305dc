/**
 * How kafkajs 2.2.4 reports errors, read here and nowhere else: its protocol error `type` strings and
 * its error class names. The adapter turns what they mean into the port's {@link KafkaFacadeError} codes.
 */
import { KafkaFacadeError } from '../errors.js';

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

/**
 * Protocol errors that only say "not yet" or "not here": a coordinator still loading its log or moved, a
 * partition without a (serving) leader yet, a replica set briefly short. They are normal right after a
 * cluster, a group or a topic was created and while a leader moves, and the same call succeeds moments
 * later. kafkajs names NOT_LEADER_OR_FOLLOWER `NOT_LEADER_FOR_PARTITION` and COORDINATOR_* `GROUP_*`.
 */
const TRANSIENT_BROKER_ERROR_TYPES = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'KAFKA_STORAGE_ERROR',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'NOT_CONTROLLER',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'ELIGIBLE_LEADERS_NOT_AVAILABLE',
]);

/** kafkajs errors raised when no broker could be reached or it did not answer in time. */
const CONNECTION_ERROR_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
]);

/**
 * True when `error`, or what it wraps (kafkajs gives up with `KafkaJSNumberOfRetriesExceeded`, which it
 * marks non-retriable, around the last protocol error), is a broker saying "not yet" (see
 * {@link TRANSIENT_BROKER_ERROR_TYPES}) or a broker out of reach. Such a call is worth repeating after a
 * pause; a refusal (too large, not authorised, invalid config) is not.
 */
export function isTransientBrokerError(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    typeof current === 'object' && current !== null && depth < 6;
    depth++
  ) {
    const type = kafkaErrorType(current);
    if (type !== undefined && TRANSIENT_BROKER_ERROR_TYPES.has(type)) return true;
    const name = (current as { name?: unknown }).name;
    if (typeof name === 'string' && CONNECTION_ERROR_NAMES.has(name)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * True when `error` (or what it wraps) says a broker could not be reached at all, or is no longer in the
 * cluster's metadata (`KafkaJSBrokerNotFound`): it died or left, as opposed to answering with an error.
 */
export function isBrokerUnreachable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    typeof current === 'object' && current !== null && depth < 6;
    depth++
  ) {
    const name = (current as { name?: unknown }).name;
    if (typeof name === 'string' && CONNECTION_ERROR_NAMES.has(name)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Whether kafkajs marked an error retriable. */
export function isRetriableKafkaError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

/** kafkajs' error types with which the broker tells a producer that a newer one took its transactional id. */
const FENCED_TYPES = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'INVALID_PRODUCER_ID_MAPPING']);

/** True when `error` (or its cause chain) says this producer was fenced by a newer one. */
export function isFencedError(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (current instanceof KafkaFacadeError && current.code === 'STRM_ERR_KAFKA_PRODUCER_FENCED') return true;
    const type = kafkaErrorType(current);
    if (type !== undefined && FENCED_TYPES.has(type)) return true;
    current = (current as { cause?: unknown } | null)?.cause;
  }
  return false;
}
