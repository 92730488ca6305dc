/**
 * Exactly-once: the transactional producer of every active task (Kafka Streams' `StreamsProducer` under
 * `exactly_once`, one per task as in its first protocol), with the sender feeding it. The transactional id
 * `<applicationId>-<taskId>` fences an older owner of the task when the producer connects; a task's commit
 * is its transaction's commit, with its input positions.
 */

import type { Logger } from 'pino';
import type { ConsumerGroupMetadata } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import { isFencedError } from '../internal/kafka/transactional-producer.js';
import type { TopicPartitionOffset } from '../internal/kafka/types.js';
import type { ActiveTask, TaskTransaction } from './active-task.js';
import type { ResolvedStreamsConfig } from './config.js';
import { productionHandlerFor } from './error-handlers.js';
import type { StreamsEventEmitter } from './events.js';
import { RecordSender } from './record-sender.js';
import type { TaskSpec } from './task-layout.js';

/** What the task producers need from their thread. */
export interface TaskProducersContext {
  readonly config: ResolvedStreamsConfig;
  readonly kafka: KafkaClient;
  readonly events: StreamsEventEmitter;
  readonly logger: Logger;
  /** The brokers acknowledged records up to `lastOffset` (checkpoints vouch for changelog records). */
  readonly onAcknowledged: (topic: string, partition: number, lastOffset: number) => void;
  /** A record refused for good: the thread fails. */
  readonly onFatal: (error: Error) => void;
  /**
   * The consumer's member id and generation, sent with the offsets of a transaction (KIP-447: a member of
   * an older generation is refused); undefined when the client cannot tell (kafkajs).
   */
  readonly groupMetadata: () => ConsumerGroupMetadata | undefined;
}

export class TaskProducers {
  readonly #ctx: TaskProducersContext;

  constructor(ctx: TaskProducersContext) {
    this.#ctx = ctx;
  }

  /**
   * The task's transactional producer (`<applicationId>-<taskId>`) and its sender. Connecting fences an
   * older owner of the task and aborts what it left open, before the stores are restored.
   */
  async open(spec: TaskSpec): Promise<TaskTransaction> {
    const { config, kafka, events, logger } = this.#ctx;
    const producer = kafka.transactionalProducer({
      transactionalId: `${config.applicationId}-${spec.id}`,
      chunkSize: config.producer.chunkSize ?? 1000,
      initialRetryTimeMs: config.producer.transactionRetryMs ?? 10,
      onAcknowledged: this.#ctx.onAcknowledged,
    });
    const sender = new RecordSender(producer, {
      chunkSize: config.producer.chunkSize ?? 1000,
      events,
      onFailure: productionHandlerFor(config.productionExceptionHandler, { events, logger }),
      // A fenced producer, or a send that failed for a passing reason (a broker restarting): the task's
      // next commit fails and closes or revives it. A record refused for good fails the thread.
      onFatal: (error) => {
        // isFencedError looks through the causes the sender wraps the producer's error in.
        if (!isFencedError(error) && !(error as { retriable?: boolean }).retriable) this.#ctx.onFatal(error);
      },
    });
    await producer.connect();
    return { producer, sender };
  }

  /** Flushes the task's stores and outputs into its transaction and commits it with `offsets`. */
  async commit(task: ActiveTask, offsets: ReadonlyArray<TopicPartitionOffset>): Promise<void> {
    const { producer, sender } = task.transaction!;
    await task.engine.flush();
    await sender.flush();
    await producer.commit(offsets, this.#ctx.config.applicationId, this.#ctx.groupMetadata());
  }

  /**
   * kafkajs reads the committed offsets as soon as the member joins, possibly while the previous owner's
   * last transaction is still being completed (it has no `require_stable` offset fetch, KIP-447), and
   * would then start before offsets that transaction committed: its outputs would be produced twice. Once
   * this owner's producers are initialised every earlier transaction of these tasks is complete, so the
   * offsets are read again here and the tasks skip what is already committed.
   */
  async startFromCommitted(tasks: ReadonlyArray<ActiveTask>): Promise<void> {
    const admin = this.#ctx.kafka.admin();
    await admin.connect();
    try {
      const topics = [...new Set(tasks.flatMap((task) => task.spec.sourceTopics))];
      const committed = await admin.committedOffsets(this.#ctx.config.applicationId, topics, {
        requireStable: true,
      });
      for (const task of tasks) {
        const mine = committed.filter(
          (entry) => entry.partition === task.spec.partition && task.spec.sourceTopics.includes(entry.topic),
        );
        for (const entry of mine) task.advance(entry.topic, entry.offset);
        task.markCommitted(mine);
      }
    } finally {
      await admin.disconnect();
    }
  }

  /** Disconnects the task's producer (its open transaction, if any, is aborted by the next owner). */
  async close(task: ActiveTask): Promise<void> {
    await task.transaction?.producer
      .disconnect()
      .catch((error: unknown) =>
        this.#ctx.logger.debug({ err: error, taskId: task.id }, 'closing the transactional producer failed'),
      );
  }
}
