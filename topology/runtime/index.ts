/**
 * The runtime's public surface: run a topology on Kafka with {@link KafkaStreams}, observe it through its
 * typed events and Prometheus metrics, and handle errors with the documented handlers. Read a topic to its
 * end with {@link readTopicToEnd} (operator tools, tests; not the hot path).
 */

export type { Pem, SaslConfig, TlsConfig } from '../internal/kafka/security.js';
export type {
  AutoOffsetReset,
  DeserializationHandlerOption,
  ProcessingGuarantee,
  ProcessingHandlerOption,
  ProductionHandlerOption,
  StreamsConfig,
  UncaughtExceptionHandler,
  UncaughtExceptionResponse,
} from './config.js';
export { droppedRecordsMetric } from './dropped-records-metric.js';
export { deadLetterTopicOf } from './error-handlers.js';
export { RuntimeError, type RuntimeErrorCode } from './errors.js';
export type {
  BatchProcessedEvent,
  CommitEvent,
  DeadLetterEvent,
  RecordsProducedEvent,
  StreamsEventEmitter,
  StreamsEvents,
} from './events.js';
export {
  KafkaStreams,
  type StaleStore,
  type StateListener,
  type StoreQuery,
  type StoreQueryResult,
  type ThreadMetadata,
} from './kafka-streams.js';
export { type MeteredStreams, registerStreamsMetrics } from './metrics.js';
export type { ProductionExceptionHandler, ProductionFailure } from './production-errors.js';
export {
  type ReadTopicConnection,
  type ReadTopicToEndOptions,
  readTopicToEnd,
  type TopicRecord,
} from './read-topic-to-end.js';
export type { KeyQueryMetadata, StreamsMetadata } from './streams-metadata-state.js';
export type { StreamsState } from './streams-state.js';
export type { TopologyModule } from './topology-module.js';
