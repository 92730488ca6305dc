/**
 * The public surface of the topology library. Import everything from here; `topology/internal/...` is
 * machinery that may change without notice.
 */

export type { Deserializer, Serde, SerdeContext, Serializer } from '../schemas/serde.js';
export { SerdeError } from '../schemas/serde.js';
export type { TimeWindow, Windowed } from '../state/store.js';
export { BranchedKStream } from './branched-kstream.js';
export { Consumed } from './consumed.js';
export {
  type DeadLetterRecord,
  type DeserializationExceptionHandler,
  type DeserializationFailure,
  DeserializationHandlers,
  DLQ_HEADERS,
  deadLetterRecordOf,
  type ProcessingExceptionHandler,
  type ProcessingFailure,
} from './dead-letter.js';
export {
  countingDroppedRecordsListener,
  type DroppedRecord,
  type DroppedRecordReason,
  type DroppedRecordsListener,
} from './dropped-records.js';
export {
  type RecordCoordinates,
  StreamsError,
  TaskError,
  type TaskErrorCode,
  TestDriverError,
  type TestDriverErrorCode,
  TopologyError,
  type TopologyErrorCode,
} from './errors.js';
export { GlobalKTable } from './global-ktable.js';
export { Grouped } from './grouped.js';
export type { Change } from './internal/operators/change.js';
export { JoinWindows } from './join-windows.js';
export { Joined } from './joined.js';
export { KGroupedStream } from './kgrouped-stream.js';
export { KGroupedTable } from './kgrouped-table.js';
export { KStream } from './kstream.js';
export { KTable } from './ktable.js';
export { Materialized, type StoreType } from './materialized.js';
export { Named } from './named.js';
export type {
  Cancellable,
  Processor,
  ProcessorContext,
  ProcessorSupplier,
  PunctuationType,
  Punctuator,
} from './processor.js';
export { Produced } from './produced.js';
export {
  type Headers,
  NO_HEADERS,
  type RecordMetadata,
  record,
  type StreamRecord,
  type StreamRecord as Record,
  withHeaders,
  withKey,
  withTimestamp,
  withValue,
} from './record.js';
export { Repartitioned } from './repartitioned.js';
export { Serdes } from './serdes/index.js';
export { SessionWindowedKStream } from './session-windowed-kstream.js';
export { SessionWindows } from './session-windows.js';
export { SlidingWindows } from './sliding-windows.js';
export { StreamJoined } from './stream-joined.js';
export { StreamsBuilder, type StreamsBuilderConfig } from './streams-builder.js';
export { BufferConfig, Suppressed } from './suppressed.js';
export {
  type InputTopicOptions,
  TopologyTestDriver,
  type TopologyTestDriverOptions,
} from './test-driver.js';
export { type KeyValuePair, TestInputTopic, TestOutputTopic, type TestRecord } from './test-driver-topics.js';
export { TimeWindowedKStream } from './time-windowed-kstream.js';
export { TimeWindows } from './time-windows.js';
export { Topology } from './topology.js';
export type {
  NodeDescription,
  ProcessorDescription,
  SinkDescription,
  SourceDescription,
  StoreDescription,
  SubtopologyDescription,
  TopologyDescription,
  TopologyDescriptionJson,
} from './topology-description.js';
export type {
  InternalTopicConfig,
  SinkOptions,
  SourceOptions,
  StreamPartitioner,
  TimestampExtractor,
  TopicNameExtractor,
} from './topology-types.js';
export { WindowedSerdes } from './windowed-serdes.js';
