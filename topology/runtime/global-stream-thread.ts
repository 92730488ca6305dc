/**
 * Kafka Streams' GlobalStreamThread: the instance's global stores (`StreamsBuilder.globalTable`,
 * `Topology.addGlobalStore`), each filled from every partition of its topic.
 *
 * `start()` reads the global topics from their beginning up to the ends they had when it was called, so
 * every global store is complete before a stream task reads it (Kafka Streams, too, bootstraps global
 * state before the instance is RUNNING); then the thread follows new records for as long as the instance
 * runs, so a change to a global topic reaches every instance's copy within a fetch.
 *
 * Every record goes through the global sub-topology's processors, as the test driver sends it, so a global
 * store holds the same contents in tests and in production. There is no checkpoint: the topic is the
 * store's changelog and is read whole at each start (a persistent global store is overwritten in place;
 * replaying a topic's upserts and tombstones in order gives the same contents).
 */

import type { Logger } from 'pino';
import type { StateStore } from '../../state/store.js';
import {
  type ChangelogFollower,
  changelogEndOffsets,
  type FollowRange,
} from '../internal/kafka/changelog-follower.js';
import type { RecordBatch } from '../internal/kafka/consumer.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import { StreamTask } from '../internal/task/stream-task.js';
import type { RecordCollector } from '../internal/task/task-io.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { ResolvedStreamsConfig } from './config.js';
import { RuntimeError } from './errors.js';

/** What a {@link GlobalStreamThread} needs from its instance. */
export interface GlobalStreamThreadOptions {
  readonly plan: TopologyPlan;
  readonly applicationId: string;
  readonly stateDir: string;
  readonly kafka: KafkaClient;
  readonly logger: Logger;
  /** Read only committed records (exactly-once applications). */
  readonly readCommitted: boolean;
  /** Told when a record cannot be applied while following (the instance stops: its global state would be wrong). */
  readonly onFatal: (error: Error) => void;
}

/** How often `start()` checks whether the follower's positions reached the ends. */
const CAUGHT_UP_POLL_MS = 50;

export class GlobalStreamThread {
  readonly #options: GlobalStreamThreadOptions;
  readonly #task: StreamTask;
  readonly #follower: ChangelogFollower;
  #failed: Error | undefined;
  #closed = false;

  /** The thread an instance of `plan` needs: none when the topology has no global store. */
  static forTopology(
    plan: TopologyPlan,
    config: ResolvedStreamsConfig,
    kafka: KafkaClient,
    logger: Logger,
    onFatal: (error: Error) => void,
  ): GlobalStreamThread | undefined {
    if (plan.globalSubtopologies.length === 0) return undefined;
    return new GlobalStreamThread({
      ...{ plan, kafka, logger: logger.child({ thread: 'global' }), onFatal },
      ...{ applicationId: config.applicationId, stateDir: config.stateDir },
      readCommitted: config.processingGuarantee === 'exactly_once',
    });
  }

  constructor(options: GlobalStreamThreadOptions) {
    this.#options = options;
    this.#task = StreamTask.createGlobal(options.plan, {
      applicationId: options.applicationId,
      stateDir: options.stateDir,
      collector: noSends,
    });
    this.#follower = options.kafka.changelogFollower({
      // The prefix of throw-away groups: never the application's group, never a committed offset.
      groupId: `${options.applicationId}-global-${process.pid}-${Date.now().toString(36)}`,
      readCommitted: options.readCommitted,
      onBatch: (batch) => this.#apply(batch),
      logger: options.logger,
    });
  }

  /** The global stores, for the stream tasks' environment. */
  globalStores(): ReadonlyMap<string, StateStore> {
    return this.#task.stores();
  }

  /** Opens the stores and reads the global topics to their current ends; then keeps following them. */
  async start(): Promise<void> {
    const { plan, kafka, logger } = this.#options;
    const started = Date.now();
    await this.#task.initStores();
    this.#task.initProcessors();
    const topics = [...new Set(plan.globalSubtopologies.flatMap((sub) => sub.sourceTopics))];
    const ends = await changelogEndOffsets(kafka, topics);
    if (ends.size === 0) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_SOURCE_TOPIC_MISSING',
        `the global store topics ${topics.join(', ')} do not exist; create them before starting the application`,
      );
    }
    const ranges: FollowRange[] = [...ends.keys()].map((id) => {
      const [topic, partition] = id.split('\u0000') as [string, string];
      return { topic, partition: Number(partition), startOffset: 0 };
    });
    await this.#follower.start(ranges);
    const behind = () =>
      ranges.filter(
        (range) => (this.#follower.position(range.topic, range.partition) ?? 0) < ends.get(key(range))!,
      );
    while (behind().length > 0) {
      if (this.#failed !== undefined) throw this.#failed;
      if (this.#closed) return;
      // No deadline, as in Kafka Streams: a follower that loses the brokers restarts by itself.
      await new Promise((resolve) => setTimeout(resolve, CAUGHT_UP_POLL_MS));
    }
    logger.info(
      { topics, records: this.#task.counters.processed, ms: Date.now() - started },
      'global stores read to the end of their topics',
    );
  }

  /** Stops following and closes the global stores. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#follower.stop();
    await this.#task.close();
  }

  #apply(batch: RecordBatch): void {
    if (this.#failed !== undefined || this.#closed) return;
    try {
      for (const record of batch.records) this.#task.process(record);
      this.#task.flushCache();
    } catch (cause) {
      const error = new RuntimeError(
        'STRM_ERR_RUNTIME_PROCESSING',
        `the global stores cannot apply ${batch.topic}-${batch.partition}: ${(cause as Error)?.message ?? String(cause)}`,
        { cause },
      );
      this.#failed = error;
      this.#options.logger.error({ err: error }, 'global stream thread failed');
      this.#options.onFatal(error);
    }
  }
}

const key = (range: { topic: string; partition: number }) => `${range.topic}\u0000${range.partition}`;

/** A global sub-topology only fills its stores: a send is a bug in the topology. */
const noSends: RecordCollector = {
  send: (topic) => {
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_ILLEGAL_STATE',
      `a global store's processor tried to send a record to ${topic}; global processors may only write their store`,
    );
  },
};
