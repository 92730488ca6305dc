/**
 * Turns the configured handler names into the functions the engine and the sender call, and implements
 * dead-lettering: the failed record's bytes go to `<topic>.dlq` with headers naming the error and the
 * source topic, partition and offset.
 */
import type { Logger } from 'pino';
import {
  type DeserializationFailure,
  DLQ_HEADERS,
  deadLetterRecordOf,
  type ProcessingFailure,
} from '../dead-letter.js';
import type { TopicSpec } from '../internal/kafka/types.js';
import type {
  DeserializationHandlerOption,
  ProcessingHandlerOption,
  ProductionHandlerOption,
} from './config.js';
import type { StreamsEventEmitter } from './events.js';
import type { SendFailureHandler } from './record-sender.js';
import type { TaskCollector } from './task-collector.js';

/** The dead-letter topic of a topic. */
export const deadLetterTopicOf = (topic: string): string => `${topic}.dlq`;

/**
 * The internal-topic spec of a dead-letter topic: created with the source topic's partition count when
 * missing, but an existing one is accepted with any count (operators often create it with one partition).
 * Dead-lettered records carry their source coordinates in headers, so their DLQ partition matters little.
 */
export function deadLetterTopicSpec(
  topic: string,
  sourcePartitions: number,
  replicationFactor?: number,
): TopicSpec {
  return {
    name: deadLetterTopicOf(topic),
    partitions: sourcePartitions,
    anyPartitionCount: true,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
  };
}

/**
 * The engine's deserialization or processing handler for one task (`reason` says which): both failures
 * carry the input record's bytes and coordinates; a processing failure also names the processor.
 */
export function inputFailureHandlerFor<F extends DeserializationFailure | ProcessingFailure>(
  reason: 'deserialization' | 'processing',
  option: DeserializationHandlerOption | ProcessingHandlerOption,
  context: { taskId: string; collector: TaskCollector; events: StreamsEventEmitter; logger: Logger },
): (failure: F) => 'continue' | 'fail' {
  const { taskId, collector, events, logger } = context;
  const describe = (failure: F) => ({
    taskId,
    reason,
    topic: failure.topic,
    partition: failure.partition,
    offset: failure.offset,
    error: (failure.error as Error)?.message ?? String(failure.error),
  });
  if (typeof option === 'function') return option as (failure: F) => 'continue' | 'fail';
  switch (option) {
    case 'fail':
      return () => 'fail';
    case 'logAndContinue':
      return (failure) => {
        logger.warn(describe(failure), 'skipping an input record');
        events.emit('recordSkipped', { taskId, reason });
        return 'continue';
      };
    case 'deadLetter':
      return (failure) => {
        const dead = deadLetterRecordOf(failure);
        // The source's partition when the .dlq topic's count is known (it is created with the source's
        // count), folded into range; else the producer's partitioner picks from the topic's real count:
        // an existing .dlq may have fewer partitions, and the source coordinates are in the headers.
        const dlqPartitions = collector.partitionCount(dead.topic);
        const partition = dlqPartitions === undefined ? undefined : failure.partition % dlqPartitions;
        collector.send(dead.topic, dead.key, dead.value, dead.timestamp, dead.headers, partition);
        logger.warn({ ...describe(failure), dlq: dead.topic }, 'dead-lettered an input record');
        events.emit('deadLetter', {
          topic: dead.topic,
          reason,
          sourceTopic: failure.topic,
          sourcePartition: failure.partition,
          sourceOffset: failure.offset,
        });
        return 'continue';
      };
  }
}

/** The sender's handler for records the broker refused. */
export function productionHandlerFor(
  option: ProductionHandlerOption,
  context: { events: StreamsEventEmitter; logger: Logger },
): SendFailureHandler {
  const { events, logger } = context;
  return (failure, resend) => {
    const { pending, error } = failure;
    const fields = {
      taskId: pending.taskId,
      topic: pending.topic,
      source: pending.source,
      error: error.message,
    };
    if (typeof option === 'function') {
      return option({
        topic: pending.topic,
        key: pending.key,
        value: pending.value,
        timestamp: pending.timestamp,
        headers: pending.headers ?? {},
        taskId: pending.taskId,
        source: pending.source,
        error,
      });
    }
    switch (option) {
      case 'fail':
        return 'fail';
      case 'logAndContinue':
        logger.warn(fields, 'dropping an output record the broker refused');
        events.emit('recordSkipped', { taskId: pending.taskId, reason: 'production' });
        return 'continue';
      case 'deadLetter': {
        const topic = deadLetterTopicOf(pending.topic);
        resend({
          topic,
          key: pending.key,
          value: pending.value,
          timestamp: pending.timestamp,
          headers: {
            ...pending.headers,
            [DLQ_HEADERS.errorCode]: error.code,
            [DLQ_HEADERS.errorMessage]: error.message,
            [DLQ_HEADERS.sourceTopic]: pending.source?.topic ?? '',
            [DLQ_HEADERS.sourcePartition]: String(pending.source?.partition ?? -1),
            [DLQ_HEADERS.sourceOffset]: String(pending.source?.offset ?? -1),
          },
        });
        logger.warn({ ...fields, dlq: topic }, 'dead-lettered an output record the broker refused');
        events.emit('deadLetter', {
          topic,
          reason: 'production',
          sourceTopic: pending.source?.topic ?? '',
          sourcePartition: pending.source?.partition ?? -1,
          sourceOffset: pending.source?.offset ?? -1,
        });
        return 'continue';
      }
    }
  };
}
