/**
 * The port's {@link GroupConsumer} on a kafkajs consumer, with kafkajs' gaps filled here: the rejoin hook's
 * commit before a rejoin (`rejoin-hook.ts`), a due heartbeat sent from the batch handler, a first join
 * restarted on a cluster not ready, and the assignment's user data, which kafkajs drops, carried as a
 * marker topic (`assigner.ts`).
 */
import { EventEmitter } from 'node:events';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type {
  BatchControl,
  BatchHandler,
  GroupConsumer,
  GroupConsumerEvents,
  GroupConsumerOptions,
  RecordBatch,
} from '../consumer.js';
import { KafkaFacadeError } from '../errors.js';
import type { IncomingRecord, TopicPartition, TopicPartitionOffset, WireHeaders } from '../types.js';
import { decodeAssignmentUserData, toKafkaAssigner } from './assigner.js';
import { KAFKAJS_RETRY_GROWTH, retryTransient } from './broker-retry.js';
import {
  isBrokerUnreachable,
  isMembershipLostError,
  isRebalanceError,
  isTransientBrokerError,
} from './errors.js';
import { registerFetchLinger } from './fetch-linger.js';
import { IntervalCommits } from './interval-commits.js';
import type { RejoinHookPayload } from './rejoin-hook.js';

/**
 * A consumer group member with manual offset management: batches go to one handler in offset order,
 * offsets are committed only through {@link GroupConsumer.commit}, and the runtime hears about
 * (re)assignments through events. kafkajs has no revoke callback: the handler learns of a rebalance from
 * `heartbeat()` and the runtime commits before the rejoin (see the runtime's stream thread).
 */
export class KafkajsGroupConsumer extends EventEmitter<GroupConsumerEvents> implements GroupConsumer {
  readonly #consumer: Consumer;
  #assignment: TopicPartition[] = [];
  #connected = false;
  readonly #heartbeatIntervalMs: number;
  /** kafkajs' `autoCommit` (application loops only, see {@link GroupConsumerOptions.autoCommitResolved}). */
  readonly #autoCommitResolved: boolean;
  readonly #partitionsConsumedConcurrently: number;
  /** Set when the application loop's commits are paced (`autoCommitIntervalMs`); kafkajs' autoCommit is then off. */
  readonly #intervalCommits: IntervalCommits | undefined;
  readonly #autoCommitIntervalMs: number;
  /** When kafkajs last sent a heartbeat (its own `lastRequest`, mirrored from the HEARTBEAT event). */
  #lastHeartbeatAt = 0;
  /** Set by the first join: from then on a crash is the runtime's to handle (it owns tasks). */
  #joined = false;
  /** Restarts of a first join that failed on a cluster not ready yet (see `#restartFirstJoin`). */
  #joinRestarts = 0;
  /** Heartbeats of the batch handler under way: a rebalance they find is the handler's to commit. */
  #handlerHeartbeats = 0;
  /** The user data of the assignment being synced (from its marker topic), handed out with `assigned`. */
  #assignmentUserData: Buffer = Buffer.alloc(0);

  constructor(kafka: Kafka, options: GroupConsumerOptions) {
    super();
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? 1_000;
    this.#autoCommitResolved = options.autoCommitResolved ?? false;
    this.#partitionsConsumedConcurrently = options.partitionsConsumedConcurrently ?? 1;
    this.#autoCommitIntervalMs = options.autoCommitIntervalMs ?? 0;
    this.#intervalCommits =
      this.#autoCommitResolved && this.#autoCommitIntervalMs > 0
        ? new IntervalCommits(this.#autoCommitIntervalMs)
        : undefined;
    if (options.fetchLinger !== undefined && options.fetchLinger.lingerMs > 0)
      registerFetchLinger(options.groupId, options.fetchLinger, options.maxWaitTimeMs ?? 500);
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 64 * 1024,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: this.#heartbeatIntervalMs,
      readUncommitted: !(options.readCommitted ?? false),
      allowAutoTopicCreation: false,
      // How stale the partition leaders the fetch loop uses may get. kafkajs refreshes them on this
      // timer only (default 5 min): after a broker died, the partitions it led were never fetched
      // again (no error either) until then, although new leaders served them within seconds.
      metadataMaxAge: METADATA_MAX_AGE_MS,
      ...(options.assignor === undefined ? {} : { partitionAssigners: [toKafkaAssigner(options.assignor)] }),
      // A crash is the runtime's decision (its uncaught-exception handler), not kafkajs' restart loop,
      // except for a first join the cluster was not ready for (see `#restartFirstJoin`). The retries
      // before a crash (100 ms doubling up to 5 s, about 16 s, as the client's) outlast a leader election
      // after a broker died: the broker is fenced after its session timeout (9 s by default) and the
      // fetch loop finds the new leaders; 5 retries from 100 ms (3 s) crashed the member on every such kill.
      retry: {
        retries: 8,
        initialRetryTime: 100,
        maxRetryTime: 5_000,
        ...KAFKAJS_RETRY_GROWTH,
        restartOnFailure: async (error) => options.restartOnCrash === true || this.#restartFirstJoin(error),
      },
    });
    const { GROUP_JOIN, REBALANCING, CRASH, HEARTBEAT, RECEIVED_UNSUBSCRIBED_TOPICS, END_BATCH_PROCESS } =
      this.#consumer.events;
    this.#consumer.on(END_BATCH_PROCESS, ({ payload }) => {
      if (payload.lastOffset !== null && payload.lastOffset !== undefined)
        this.emit('batchEnd', payload.topic, payload.partition, Number(payload.lastOffset));
    });
    // Emitted by kafkajs in the sync, before GROUP_JOIN: the user data is kept for that event.
    this.#consumer.on(RECEIVED_UNSUBSCRIBED_TOPICS, ({ payload }) => {
      const topics = payload.topicsNotSubscribed;
      this.#assignmentUserData = decodeAssignmentUserData(topics) ?? this.#assignmentUserData;
    });
    this.#consumer.on(HEARTBEAT, () => {
      this.#lastHeartbeatAt = Date.now();
    });
    this.#consumer.on(GROUP_JOIN, ({ payload }) => {
      this.#joined = true;
      this.#assignment = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      const userData = this.#assignmentUserData;
      this.#assignmentUserData = Buffer.alloc(0);
      this.emit('assigned', this.#assignment, {
        memberId: payload.memberId,
        isLeader: payload.isLeader,
        userData,
      });
    });
    this.#consumer.on(REBALANCING, ({ payload }) => {
      const { waitFor } = payload as RejoinHookPayload;
      // Found by kafkajs itself (see rejoin-hook.ts): commit before it rejoins. A rebalance found
      // by the handler's heartbeat is committed by the handler (waiting here would wait for the handler).
      const beforeRejoin =
        options.beforeRejoin ?? this.#intervalCommits?.beforeRejoin.bind(this.#intervalCommits);
      if (waitFor !== undefined && this.#handlerHeartbeats === 0 && beforeRejoin !== undefined)
        waitFor(withinRejoinWait(beforeRejoin(), options.sessionTimeoutMs ?? 30_000));
      this.emit('rebalancing');
    });
    this.#consumer.on(CRASH, ({ payload }) => {
      if (!payload.restart) this.emit('crashed', translateCrash(payload.error, this.#joined));
    });
  }

  /**
   * Whether kafkajs should restart after a crash. Only before the first join, and only for a cluster
   * that is not ready yet: on a new cluster the group coordinator answers COORDINATOR_LOAD_IN_PROGRESS or
   * NOT_COORDINATOR while it loads __consumer_offsets, for longer than kafkajs' join retries (about 3 s)
   * on a busy machine. No task exists yet, so a restart loses nothing. After a join a crash goes to the
   * runtime: a restarted member would rejoin under tasks holding uncommitted work.
   */
  async #restartFirstJoin(error: Error): Promise<boolean> {
    if (this.#joined || this.#joinRestarts >= MAX_FIRST_JOIN_RESTARTS || !isTransientBrokerError(error))
      return false;
    this.#joinRestarts++;
    // The one line a passing condition gets (kafkajs' own crash lines are demoted in `log-bridge.ts`).
    this.#consumer
      .logger()
      .warn(
        `the cluster is not ready for this member's first join yet (${error.message}); joining again (restart ${this.#joinRestarts} of ${MAX_FIRST_JOIN_RESTARTS})`,
      );
    return true;
  }

  /** The partitions owned since the last join. */
  assignment(): ReadonlyArray<TopicPartition> {
    return this.#assignment;
  }

  async connect(): Promise<void> {
    if (this.#connected) return;
    try {
      await retryTransient(() => this.#consumer.connect());
    } catch (error) {
      throw translateCrash(error as Error, false);
    }
    this.#connected = true;
  }

  /**
   * Subscribes to `topics` and starts fetching. A partition never committed starts at its earliest offset,
   * or at its end for the topics in `fromLatest` (`autoOffsetReset: 'latest'`); kafkajs takes the choice
   * per subscribe call, hence two.
   */
  async run(
    topics: ReadonlyArray<string>,
    handler: BatchHandler,
    fromLatest: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const earliest = topics.filter((topic) => !fromLatest.has(topic));
    const latest = topics.filter((topic) => fromLatest.has(topic));
    if (earliest.length > 0) await this.#consumer.subscribe({ topics: earliest, fromBeginning: true });
    if (latest.length > 0) await this.#consumer.subscribe({ topics: latest, fromBeginning: false });
    const paced = this.#intervalCommits;
    await this.#consumer.run({
      autoCommit: this.#autoCommitResolved && paced === undefined,
      ...(paced === undefined ? {} : { autoCommitInterval: this.#autoCommitIntervalMs }),
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        try {
          const handle = () => handler(toBatch(payload), this.#control(payload));
          await (paced === undefined ? handle() : paced.around(payload, handle));
        } catch (error) {
          // kafkajs rejoins only when it recognises its own group errors: hand the original back.
          if (
            error instanceof KafkaFacadeError &&
            (error.code === 'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS' ||
              error.code === 'STRM_ERR_KAFKA_NOT_GROUP_MEMBER')
          ) {
            throw error.cause;
          }
          throw error;
        }
      },
    });
  }

  /**
   * Commits the given positions (next offset to read) with the current generation. Throws a
   * {@link KafkaFacadeError}: `STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS` (commit again after the rejoin is
   * not possible: the work is redone by the new owner) or `STRM_ERR_KAFKA_NOT_GROUP_MEMBER` (the partitions
   * were given to another member).
   */
  async commit(offsets: ReadonlyArray<TopicPartitionOffset>): Promise<void> {
    if (offsets.length === 0) return;
    try {
      await this.#consumer.commitOffsets(
        offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })),
      );
    } catch (error) {
      throw translateGroupError(
        error,
        'STRM_ERR_KAFKA_COMMIT',
        `Committing offsets of ${offsets.length} partition(s)`,
      );
    }
  }

  /** kafkajs does not expose its generation (and its `sendOffsets` could not send it): undefined. */
  groupMetadata(): undefined {
    return undefined;
  }

  /** Stops fetching these partitions until {@link GroupConsumer.resume}; back-pressure and not-ready tasks. */
  pause(partitions: ReadonlyArray<TopicPartition>): void {
    if (partitions.length > 0) this.#consumer.pause(groupByTopic(partitions));
  }

  resume(partitions: ReadonlyArray<TopicPartition>): void {
    if (partitions.length > 0) this.#consumer.resume(groupByTopic(partitions));
  }

  /**
   * Fetches `topic`/`partition` from `offset` next (only while running, for an assigned partition);
   * batches fetched before are dropped. Commits nothing: the member commits positions itself.
   */
  seek(topic: string, partition: number, offset: number): void {
    this.#consumer.seek({ topic, partition, offset: String(offset) });
  }

  /**
   * The handler's controls. `heartbeat()` makes sure that a heartbeat due within the next few
   * milliseconds is sent by this call: kafkajs heartbeats again right after the handler returns, and a
   * rebalance noticed there makes it rejoin at once, before the runtime could commit what it processed.
   * Waiting out the last few milliseconds keeps the runtime the one that notices.
   */
  #control(payload: EachBatchPayload): BatchControl {
    return {
      heartbeat: async () => {
        const untilDue = this.#lastHeartbeatAt + this.#heartbeatIntervalMs - Date.now();
        if (untilDue > 0 && untilDue <= HEARTBEAT_GUARD_MS) await sleep(untilDue + 1);
        this.#handlerHeartbeats++;
        try {
          await payload.heartbeat();
        } catch (error) {
          throw translateGroupError(error, 'STRM_ERR_KAFKA_COMMIT', 'Heartbeat');
        } finally {
          this.#handlerHeartbeats--;
        }
      },
      resolveOffset: (offset) => {
        try {
          payload.resolveOffset(String(offset));
        } catch (error) {
          // kafkajs throws a TypeError when a rebalance took the partition away while the batch ran
          // (its offsets table no longer has the topic), and would then crash the consumer. The
          // partition's new owner starts from the committed offset: nothing to resolve here.
          if (!(error instanceof TypeError)) throw error;
        }
      },
      isRunning: () => payload.isRunning(),
      isStale: () => payload.isStale(),
    };
  }

  /** Leaves the group and closes connections; the handler is not called again. */
  async disconnect(): Promise<void> {
    if (!this.#connected) return;
    this.#connected = false;
    await this.#intervalCommits?.beforeStop();
    await this.#consumer.disconnect();
  }
}

/** Turns kafkajs group errors into the facade's codes; anything else passes through wrapped. */
export function translateGroupError(
  error: unknown,
  fallback: 'STRM_ERR_KAFKA_COMMIT',
  action: string,
): Error {
  if (error instanceof KafkaFacadeError) return error;
  if (isRebalanceError(error)) {
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS',
      `${action}: the group is rebalancing.`,
      { cause: error, retriable: true },
    );
  }
  if (isBrokerUnreachable(error)) {
    // kafkajs keeps the coordinator it joined through and asks only that broker until the next join; when
    // that broker died every commit and heartbeat fails ("Broker 3 not found in the cached metadata")
    // while another broker already leads the group. A live coordinator that moved would have answered
    // NOT_COORDINATOR: say that, so kafkajs rejoins and finds the new coordinator.
    const moved = Object.assign(new Error(`${action}: the group coordinator is unreachable`), {
      name: 'KafkaJSProtocolError',
      type: 'NOT_COORDINATOR_FOR_GROUP',
      retriable: true,
      cause: error,
    });
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS',
      `${action}: the group coordinator's broker is unreachable (${(error as Error).message}); rejoining the group finds the new one.`,
      { cause: moved, retriable: true },
    );
  }
  if (isMembershipLostError(error)) {
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_NOT_GROUP_MEMBER',
      `${action}: this instance is no longer a member of its generation (it was too slow to heartbeat); its tasks move to another instance.`,
      { cause: error, retriable: true },
    );
  }
  return new KafkaFacadeError(fallback, `${action} failed: ${(error as Error).message}`, {
    cause: error,
    retriable: (error as { retriable?: boolean }).retriable === true || isTransientBrokerError(error),
  });
}

function toBatch(payload: EachBatchPayload): RecordBatch {
  const { topic, partition, messages, highWatermark } = payload.batch;
  const records = new Array<IncomingRecord>(messages.length);
  for (let i = 0; i < messages.length; i++) records[i] = toRecord(topic, partition, messages[i]!);
  return { topic, partition, records, highWatermark: Number(highWatermark) };
}

function toRecord(topic: string, partition: number, message: KafkaMessage): IncomingRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key ?? null,
    value: message.value ?? null,
    headers: toHeaders(message.headers),
  };
}

/**
 * A crash of the kafkajs consumer as the runtime sees it. A cluster not ready (coordinator loading, no
 * leader yet, broker out of reach) is `retriable`: a new consumer may well succeed.
 */
function translateCrash(error: Error, joined: boolean): Error {
  if (error instanceof KafkaFacadeError) return error;
  const retriable = isTransientBrokerError(error);
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_CONSUMER',
    `The group member ${joined ? 'stopped' : 'could not join its group'}: ${error.message}` +
      (retriable ? ' (the cluster was not ready; retried with backoff)' : ''),
    { cause: error, retriable },
  );
}

/**
 * `work`, or nothing once a third of the session timeout (at most 10 s) passed: kafkajs sends no heartbeat
 * while it waits, and a member silent for its session timeout is dropped from the group. A commit queued
 * behind a long restore gives up its place; the new assignment then decides, as without the hook.
 */
function withinRejoinWait(work: Promise<void>, sessionTimeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.min(10_000, sessionTimeoutMs / 3));
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** See the consumer's `metadataMaxAge`: one cheap Metadata request per consumer this often. */
const METADATA_MAX_AGE_MS = 10_000;

/** First joins restarted after a crash on a cluster not ready; with kafkajs' own retries, ~20 s in all. */
const MAX_FIRST_JOIN_RESTARTS = 5;

/** How close to a due heartbeat the handler waits for it rather than leave it to kafkajs. */
const HEARTBEAT_GUARD_MS = 25;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const NO_HEADERS: WireHeaders = Object.freeze({});

function toHeaders(headers: KafkaMessage['headers']): WireHeaders {
  if (headers === undefined) return NO_HEADERS;
  let out: Record<string, Buffer | string | undefined> | undefined;
  for (const name in headers) {
    const value = headers[name];
    out ??= {};
    // A repeated header arrives as an array; the last one wins, as with Java's `lastHeader`.
    out[name] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return out ?? NO_HEADERS;
}

function groupByTopic(
  partitions: ReadonlyArray<TopicPartition>,
): Array<{ topic: string; partitions: number[] }> {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}
