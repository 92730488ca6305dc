/**
 * The lifecycle of a {@link KafkaStreams} instance, as in Kafka Streams:
 *
 * ```
 * CREATED -> REBALANCING <-> RUNNING -> PENDING_SHUTDOWN -> NOT_RUNNING
 *                 \-------------\-----> ERROR -> PENDING_SHUTDOWN
 * ```
 */
export type StreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'ERROR';

const ALLOWED: Readonly<Record<StreamsState, ReadonlyArray<StreamsState>>> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  REBALANCING: ['RUNNING', 'REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  ERROR: ['PENDING_SHUTDOWN'],
};

/** True when the lifecycle allows going from `from` to `to`. */
export function isValidTransition(from: StreamsState, to: StreamsState): boolean {
  return ALLOWED[from].includes(to);
}

/** True while the instance processes or may process records again. */
export function isRunningOrRebalancing(state: StreamsState): boolean {
  return state === 'RUNNING' || state === 'REBALANCING';
}
