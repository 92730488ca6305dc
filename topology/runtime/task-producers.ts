/**
 * Exactly-once: the transactional producers of the active tasks (Kafka Streams' `StreamsProducer`), with a
 * sender per task feeding them. Two shapes, chosen by the client (`KafkaClient.perThreadTransactions`):
 *
 * - **per thread** (Kafka Streams' `exactly_once_v2`, KIP-447; @platformatic/kafka): one producer for
 *   every task of the thread, transactional id `<applicationId>-<processId>-<threadIndex>`. All tasks'
 *   outputs, changelog records and input positions go into one transaction, committed together with the
 *   consumer's member id and generation: the group coordinator refuses the offsets of a member of an
 *   older generation (a zombie), which fences it. A failed transaction takes every task with it: the
 *   executor closes them all dirty and revives them on a fresh producer (`resetThreadProducer`).
 * - **per task** (Kafka Streams' first protocol; kafkajs, which has no KIP-447): transactional id
 *   `<applicationId>-<taskId>`; a new owner of the task connecting with it fences the old one. A task's
 *   commit is its own transaction's commit, with its input positions.
 */

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConsumerGroupMetadata } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { SendFailure } from '../internal/kafka/producer.js';
import { isFencedError, type TransactionalProducer } from '../internal/kafka/transactional-producer.js';
import type { OutgoingRecord, TopicPartitionOffset } from '../internal/kafka/types.js';
import type { ActiveTask, TaskTransaction } from './active-task.js';
import type { ResolvedStreamsConfig } from './config.js';
import { productionHandlerFor } from './error-handlers.js';
import type { StreamsEventEmitter } from './events.js';
import { RecordSender, type RecordSink } from './record-sender.js';
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

/**
 * How long a task waits before restoring for a transaction an earlier owner left open on its changelog:
 * the broker aborts it after the transaction timeout (10 s with @platformatic/kafka) once its check
 * (`transaction.abort.timed.out.transaction.cleanup.interval.ms`, 10 s by default) runs.
 */
const STABLE_CHANGELOG_WAIT_MS = 30_000;

/** The stream thread's index in its instance (one thread per instance; a replacement takes a new process id). */
const THREAD_INDEX = 1;

export class TaskProducers {
  readonly #ctx: TaskProducersContext;
  /** True when every task of the thread shares one transaction (the client has KIP-447). */
  readonly perThread: boolean;
  /** Per thread: `<applicationId>-<processId>-<threadIndex>`. */
  readonly #threadTransactionalId: string;
  /** Per thread: the producer of the open (or next) transaction, connected once. */
  #thread: Promise<TransactionalProducer> | undefined;
  /** Per thread: what every task's sender sends into, whichever producer is current. */
  readonly #threadSink: RecordSink;

  constructor(ctx: TaskProducersContext) {
    this.#ctx = ctx;
    this.perThread = ctx.kafka.perThreadTransactions;
    // A process id of this thread's own: two instances of an application never share a transactional id,
    // whatever state directory they share (Kafka Streams keeps one per state directory).
    this.#threadTransactionalId = `${ctx.config.applicationId}-${randomUUID()}-${THREAD_INDEX}`;
    this.#threadSink = {
      send: async (records: ReadonlyArray<OutgoingRecord>): Promise<SendFailure[]> =>
        (await this.#threadProducer()).send(records),
    };
  }

  /** Per thread: the transactional id of the thread's producer. */
  get threadTransactionalId(): string {
    return this.#threadTransactionalId;
  }

  /**
   * The task's sender, and per task its own transactional producer (`<applicationId>-<taskId>`). Per thread
   * the thread's producer is connected on the first call. Connecting fences an older producer of the id and
   * aborts what it left open, before the stores are restored.
   */
  async open(spec: TaskSpec): Promise<TaskTransaction> {
    if (this.perThread) {
      await this.#threadProducer();
      return { producer: undefined, sender: this.#sender(this.#threadSink) };
    }
    const producer = this.#create(`${this.#ctx.config.applicationId}-${spec.id}`);
    const sender = this.#sender(producer);
    await producer.connect();
    return { producer, sender };
  }

  /** Per task: flushes the task's stores and outputs into its transaction and commits it with `offsets`. */
  async commit(task: ActiveTask, offsets: ReadonlyArray<TopicPartitionOffset>): Promise<void> {
    const { producer, sender } = task.transaction!;
    await task.engine.flush();
    await sender.flush();
    await producer!.commit(offsets, this.#ctx.config.applicationId, this.#ctx.groupMetadata());
  }

  /**
   * Per thread: flushes every task's stores and outputs into the thread's transaction and commits it with
   * all their positions and the consumer's group metadata. A failure leaves the transaction to be aborted
   * ({@link resetThreadProducer}) and every task to be closed dirty.
   */
  async commitThread(
    tasks: ReadonlyArray<ActiveTask>,
    offsets: ReadonlyArray<TopicPartitionOffset>,
  ): Promise<void> {
    for (const task of tasks) await task.engine.flush();
    for (const task of tasks) await task.transaction!.sender.flush();
    const producer = await this.#threadProducer();
    await producer.commit(offsets, this.#ctx.config.applicationId, this.#ctx.groupMetadata());
  }

  /**
   * Per thread: after a failed transaction, drops the thread's producer (aborting its transaction, best
   * effort); the next one connects with the same transactional id, which aborts whatever is still open.
   */
  async resetThreadProducer(): Promise<void> {
    const current = this.#thread;
    this.#thread = undefined;
    if (current === undefined) return;
    await current
      .then((producer) => producer.disconnect())
      .catch((error: unknown) =>
        this.#ctx.logger.debug({ err: error }, 'closing the thread transactional producer failed'),
      );
  }

  /**
   * Per thread: waits, before a task restores, until no transaction is open on its changelog partitions
   * (their last stable offset reached their high watermark), at most {@link STABLE_CHANGELOG_WAIT_MS}.
   * Only an earlier owner writes there: a dead or frozen instance whose transaction the broker has not
   * aborted yet (its transactional id is its own, no new producer aborts it). A restore that stopped at
   * the last stable offset would miss what later owners committed after that transaction began, while the
   * committed input offsets include it: the store would lose those updates. Per task the new producer
   * already aborted the old owner's transaction.
   */
  async awaitStableChangelogs(changelogTopics: ReadonlyArray<string>, partition: number): Promise<void> {
    if (!this.perThread || changelogTopics.length === 0) return;
    const admin = this.#ctx.kafka.admin();
    await admin.connect();
    try {
      const deadline = Date.now() + STABLE_CHANGELOG_WAIT_MS;
      for (const topic of changelogTopics) {
        for (;;) {
          const stable = (await admin.watermarks(topic)).find((entry) => entry.partition === partition)?.high;
          const end = (await admin.highWatermarks?.(topic))?.get(partition);
          if (stable === undefined || end === undefined || stable >= end) break;
          if (Date.now() > deadline) {
            this.#ctx.logger.warn(
              { topic, partition, stable, end },
              'a transaction is still open on a changelog partition about to be restored; restoring to its last stable offset',
            );
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * kafkajs reads the committed offsets as soon as the member joins, possibly while the previous owner's
   * last transaction is still being completed (it has no `require_stable` offset fetch, KIP-447), and
   * would then start before offsets that transaction committed: its outputs would be produced twice. Once
   * this owner's producers are initialised every earlier transaction of these tasks is complete (per
   * task), or the read waits for it (per thread, `requireStable`), so the offsets are read again here and
   * the tasks skip what is already committed.
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

  /**
   * Per task: disconnects the task's producer (its open transaction, if any, is aborted by the next owner).
   * Per thread: nothing (the thread's producer outlives its tasks; {@link closeThread} closes it).
   */
  async close(task: ActiveTask): Promise<void> {
    await task.transaction?.producer
      ?.disconnect()
      .catch((error: unknown) =>
        this.#ctx.logger.debug({ err: error, taskId: task.id }, 'closing the transactional producer failed'),
      );
  }

  /** Per thread: closes the thread's producer (an open transaction is aborted) when the thread stops. */
  closeThread(): Promise<void> {
    return this.resetThreadProducer();
  }

  #threadProducer(): Promise<TransactionalProducer> {
    if (this.#thread === undefined) {
      const producer = this.#create(this.#threadTransactionalId);
      const connecting = producer.connect().then(() => {
        this.#ctx.logger.info(
          { transactionalId: this.#threadTransactionalId },
          'exactly-once: one transactional producer for every task of the thread (KIP-447)',
        );
        return producer;
      });
      this.#thread = connecting;
      // A failed connect is not kept: the next caller tries again.
      connecting.catch(() => {
        if (this.#thread === connecting) this.#thread = undefined;
      });
    }
    return this.#thread;
  }

  #create(transactionalId: string): TransactionalProducer {
    const { config, kafka } = this.#ctx;
    return kafka.transactionalProducer({
      transactionalId,
      chunkSize: config.producer.chunkSize ?? 1000,
      initialRetryTimeMs: config.producer.transactionRetryMs ?? 10,
      onAcknowledged: this.#ctx.onAcknowledged,
    });
  }

  #sender(sink: RecordSink): RecordSender {
    const { config, events, logger } = this.#ctx;
    return new RecordSender(sink, {
      chunkSize: config.producer.chunkSize ?? 1000,
      events,
      onFailure: productionHandlerFor(config.productionExceptionHandler, { events, logger }),
      // A fenced producer, or a send that failed for a passing reason (a broker restarting): the next
      // commit fails and closes or revives the task(s). A record refused for good fails the thread.
      onFatal: (error) => {
        // isFencedError looks through the causes the sender wraps the producer's error in.
        if (!isFencedError(error) && !(error as { retriable?: boolean }).retriable) this.#ctx.onFatal(error);
      },
    });
  }
}
