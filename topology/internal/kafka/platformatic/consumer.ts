/**
 * The port's {@link GroupConsumer} on @platformatic/kafka: the library keeps the membership (JoinGroup,
 * SyncGroup, heartbeats, rejoins, classic eager protocol) on an {@link AsyncAssignConsumer}; fetching is the
 * adapter's own loop over the assigned partitions (`partition-fetcher.ts`), which gives the port its
 * per-partition batches, pause, resume and seek, none of which the library's `MessagesStream` has.
 *
 * Rebalances: the library rejoins by itself when a heartbeat answers REBALANCE_IN_PROGRESS, announcing it
 * with `consumer:group:rebalance` first. From then on the handler's `heartbeat()` throws
 * `STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS`, and `beforeRejoin` runs; the library has no revoke callback, but
 * it asks `protocolsMetadata` for the member's subscription user data before every JoinGroup and waits for
 * a promise there, so the rejoin waits for `beforeRejoin` (as the Java consumer's `onPartitionsRevoked`),
 * at most a third of the session timeout. Its commit still carries the old generation, which the broker
 * accepts until the JoinGroup completes.
 *
 * Commits go through a second consumer of the same group that never joins, with the member's id and
 * generation copied in and no retries of its own: the member's `Consumer.commit` answers a rebalance error
 * by rejoining and committing again under the new generation, for partitions that may have moved.
 */
import { EventEmitter } from 'node:events';
import type { BaseOptions, ConsumerGroupJoinPayload } from '@platformatic/kafka';
import { Admin, Consumer } from '@platformatic/kafka';
import type { PartitionAssignorHook } from '../assignor.js';
import type {
  BatchControl,
  BatchHandler,
  ConsumerGroupMetadata,
  GroupConsumer,
  GroupConsumerEvents,
  GroupConsumerOptions,
} from '../consumer.js';
import { KafkaFacadeError } from '../errors.js';
import type { TopicPartition, TopicPartitionOffset } from '../types.js';
import { AsyncAssignConsumer, hookAssigner, splitAssignment } from './assigner.js';
import { errorMessage, isTransientError, protocolErrorIds } from './errors.js';
import { type FetchedPartition, PartitionFetcher } from './partition-fetcher.js';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

interface Position {
  readonly topic: string;
  readonly partition: number;
  offset: number;
  /** Bumped by every seek: a batch fetched before is stale. */
  seeks: number;
}

export class PlatformaticGroupConsumer extends EventEmitter<GroupConsumerEvents> implements GroupConsumer {
  readonly #options: GroupConsumerOptions;
  readonly #member: AsyncAssignConsumer;
  readonly #committer: Consumer;
  readonly #base: BaseOptions;
  /** Reads committed offsets with `requireStable` (a `readCommitted` member only). */
  #admin: Admin | undefined;
  readonly #fetcher: PartitionFetcher;
  #assignment: TopicPartition[] = [];
  readonly #positions = new Map<string, Position>();
  readonly #paused = new Set<string>();
  /** Bumped by every join and rebalance: batches of an older generation are not handed out. */
  #epoch = 0;
  #rebalancing = false;
  #running = false;
  #loop: Promise<void> | undefined;
  #fromLatest: ReadonlySet<string> = new Set();
  #wake: (() => void) | undefined;
  /** Set when the library called the assignor for the join under way (it does not for a lone member). */
  #assignerRan = false;
  /** The commit before a rejoin under way (`beforeRejoin`); the next JoinGroup waits for it. */
  #revoked: Promise<void> = Promise.resolve();

  constructor(base: BaseOptions, options: GroupConsumerOptions) {
    super();
    this.#options = options;
    this.#base = base;
    const assignor = options.assignor;
    const rebalanceTimeout = options.rebalanceTimeoutMs ?? 60_000;
    const planned = assignor === undefined ? undefined : hookAssigner(assignor);
    this.#member = new AsyncAssignConsumer({
      ...base,
      // The broker holds a JoinGroup until every member rejoined, up to the rebalance timeout: a shorter
      // request timeout gave up on joins of a busy group ("Request timed out"). The Java consumer does the same.
      timeout: Math.max(base.timeout ?? 30_000, rebalanceTimeout + 5_000),
      groupId: options.groupId,
      autocommit: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout,
      heartbeatInterval: options.heartbeatIntervalMs ?? 1_000,
      // Called before every JoinGroup, the library's rejoins included: the commit before a rejoin waits here.
      protocolsMetadata: async () => {
        await this.#revoked;
        return assignor?.userData() ?? Buffer.alloc(0);
      },
      ...(assignor === undefined
        ? {}
        : {
            protocols: [{ name: assignor.name, version: assignor.version }],
            partitionAssigner: (...args: Parameters<ReturnType<typeof hookAssigner>>) => {
              this.#assignerRan = true;
              return planned!(...args);
            },
          }),
    });
    this.#committer = new Consumer({ ...base, groupId: options.groupId, autocommit: false, retries: 0 });
    this.#fetcher = new PartitionFetcher(base, options.groupId, {
      readCommitted: options.readCommitted ?? false,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 64 * 1024,
      maxWaitTimeMs: options.maxWaitTimeMs ?? 500,
    });
    this.#member.on('consumer:group:rebalance', () => this.#onRebalance());
    this.#member.on('consumer:group:join', (payload) => this.#join(payload));
  }

  assignment(): ReadonlyArray<TopicPartition> {
    return this.#assignment;
  }

  async connect(): Promise<void> {
    try {
      await this.#member.metadata({ topics: [] });
    } catch (error) {
      throw translateCrash(error, false);
    }
  }

  async run(
    topics: ReadonlyArray<string>,
    handler: BatchHandler,
    fromLatest: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    this.#fromLatest = fromLatest;
    this.#member.topics.trackAll(...topics);
    this.#running = true;
    this.#loop = this.#fetchLoop(handler);
    try {
      await this.#member.joinGroup();
    } catch (error) {
      throw translateCrash(error, false);
    }
  }

  #onRebalance(): void {
    if (this.#rebalancing) return;
    this.#rebalancing = true;
    this.#epoch++;
    this.emit('rebalancing');
    // The commit before the rejoin, as the Java consumer's `onPartitionsRevoked`: the library's JoinGroup
    // waits for it in `protocolsMetadata`, at most a third of the session timeout (at most 10 s), as in
    // the kafkajs adapter: the member sends no heartbeat meanwhile.
    const beforeRejoin = this.#options.beforeRejoin;
    if (beforeRejoin !== undefined)
      this.#revoked = withinRejoinWait(
        beforeRejoin().catch(() => undefined),
        this.#options.sessionTimeoutMs ?? 30_000,
      );
  }

  /**
   * Applies a join. When that fails (reading the committed offsets or the reset offsets), an application
   * loop (`restartOnCrash`) tries again a second later unless another join or rebalance came meanwhile,
   * as kafkajs restarts a plain consumer; the runtime's member crashes and its handler decides.
   */
  #join(payload: ConsumerGroupJoinPayload): void {
    this.#onJoin(payload).catch(async (error) => {
      if (this.#options.restartOnCrash !== true) return this.#crash(error);
      const epoch = this.#epoch;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (this.#running && epoch === this.#epoch) this.#join(payload);
    });
  }

  async #onJoin(payload: ConsumerGroupJoinPayload): Promise<void> {
    const epoch = ++this.#epoch;
    let { partitions, userData } = splitAssignment(payload.assignments ?? []);
    const assignor = this.#options.assignor;
    if (payload.isLeader === true && assignor !== undefined && !this.#assignerRan) {
      // A lone member: the library assigned every partition itself without the assignor. Its plan is
      // computed here, for the user data (e.g. the hosts of interactive queries) and the partitions.
      ({ partitions, userData } = await this.#lonePlan(payload.memberId, assignor));
    }
    this.#assignerRan = false;
    // Positions of the new assignment: the committed offsets, else the earliest (latest for `fromLatest`).
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of partitions)
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    const committed = byTopic.size === 0 ? new Map<string, bigint[]>() : await this.#committed(byTopic);
    const positions = new Map<string, Position>();
    for (const [topic, list] of byTopic) {
      const missing = list.filter((partition) => (committed.get(topic)?.[partition] ?? -1n) < 0n);
      const reset =
        missing.length === 0
          ? new Map<number, number>()
          : await this.#fetcher.listOffsets(
              topic,
              missing,
              this.#fromLatest.has(topic) ? 'latest' : 'earliest',
            );
      for (const partition of list) {
        const offset = committed.get(topic)?.[partition] ?? -1n;
        positions.set(key(topic, partition), {
          topic,
          partition,
          offset: offset >= 0n ? Number(offset) : (reset.get(partition) ?? 0),
          seeks: 0,
        });
      }
    }
    if (epoch !== this.#epoch) return;
    this.#positions.clear();
    for (const [id, position] of positions) this.#positions.set(id, position);
    this.#paused.clear();
    this.#assignment = partitions;
    this.#rebalancing = false;
    this.emit('assigned', partitions, {
      memberId: payload.memberId,
      isLeader: payload.isLeader ?? false,
      userData,
    });
    this.#wake?.();
  }

  /**
   * The group's committed offsets of `byTopic`'s partitions. A `readCommitted` member (exactly-once) asks
   * with `requireStable` (KIP-447), through an admin client because the library's own OffsetFetch sends it
   * false: offsets still in a transaction of the partitions' previous owner are waited for, not read as of
   * before that transaction (whose outputs would then be produced again). A transaction of a dead or
   * frozen owner stays open until the broker aborts it (the transaction timeout, 10 s with this adapter's
   * producers): the read is retried for about 25 s, then the offsets are read as they are, and the
   * runtime reads them again, stable, before the tasks process (`task-producers.ts`, `startFromCommitted`).
   */
  async #committed(byTopic: ReadonlyMap<string, number[]>): Promise<Map<string, bigint[]>> {
    const plain = () =>
      this.#member.listCommittedOffsets({
        topics: [...byTopic].map(([topic, list]) => ({ topic, partitions: list })),
      });
    if (this.#options.readCommitted !== true) return plain();
    this.#admin ??= new Admin({ ...this.#base, retries: 10 });
    let groups: Awaited<ReturnType<Admin['listConsumerGroupOffsets']>>;
    try {
      groups = await this.#stableOffsets(byTopic);
    } catch (error) {
      if (protocolErrorIds(error).has('UNSTABLE_OFFSET_COMMIT')) return plain();
      throw error;
    }
    const committed = new Map<string, bigint[]>();
    for (const group of groups)
      for (const topic of group.topics) {
        const list = committed.get(topic.name) ?? [];
        for (const partition of topic.partitions) list[partition.partitionIndex] = partition.committedOffset;
        committed.set(topic.name, list);
      }
    return committed;
  }

  #stableOffsets(byTopic: ReadonlyMap<string, number[]>) {
    return this.#admin!.listConsumerGroupOffsets({
      groups: [
        {
          groupId: this.#options.groupId,
          topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
        },
      ],
      requireStable: true,
    });
  }

  async #lonePlan(
    memberId: string,
    assignor: PartitionAssignorHook,
  ): Promise<{ partitions: TopicPartition[]; userData: Buffer }> {
    const topics = this.#member.topics.current;
    const partitionCounts = await this.#fetcher.partitionCounts(topics);
    const plan = await assignor.assign({
      members: [{ memberId, userData: assignor.userData() }],
      partitionCounts,
    });
    const mine = plan.get(memberId);
    return { partitions: [...(mine?.partitions ?? [])], userData: mine?.userData ?? Buffer.alloc(0) };
  }

  async commit(offsets: ReadonlyArray<TopicPartitionOffset>): Promise<void> {
    if (offsets.length === 0) return;
    if (this.#rebalancing && this.#member.generationId < 0)
      throw new KafkaFacadeError(
        'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS',
        'Commit: the group is rebalancing.',
        {
          retriable: true,
        },
      );
    this.#committer.memberId = this.#member.memberId;
    this.#committer.generationId = this.#member.generationId;
    try {
      await this.#committer.commit({
        offsets: offsets.map(({ topic, partition, offset }) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        })),
      });
    } catch (error) {
      throw translateGroupError(error, `Committing offsets of ${offsets.length} partition(s)`);
    }
  }

  groupMetadata(): ConsumerGroupMetadata | undefined {
    const { memberId, generationId } = this.#member;
    if (memberId === null || generationId < 0) return undefined;
    return { memberId, generationId };
  }

  pause(partitions: ReadonlyArray<TopicPartition>): void {
    for (const { topic, partition } of partitions) this.#paused.add(key(topic, partition));
  }

  resume(partitions: ReadonlyArray<TopicPartition>): void {
    for (const { topic, partition } of partitions) this.#paused.delete(key(topic, partition));
    this.#wake?.();
  }

  seek(topic: string, partition: number, offset: number): void {
    const position = this.#positions.get(key(topic, partition));
    if (position === undefined) return;
    position.offset = offset;
    position.seeks++;
  }

  async disconnect(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop?.catch(() => undefined);
    this.#loop = undefined;
    try {
      // A member that never joined has nothing to leave.
      await this.#member.leaveGroup(false);
    } catch {}
    await this.#member.close(true).catch(() => undefined);
    await this.#committer.close(true).catch(() => undefined);
    await this.#admin?.close().catch(() => undefined);
    await this.#fetcher.close().catch(() => undefined);
  }

  /** Waits up to `ms`, or until a join, a resume or a disconnect. */
  #idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.#wake === done) self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }

  async #fetchLoop(handler: BatchHandler): Promise<void> {
    let failures = 0;
    while (this.#running) {
      const epoch = this.#epoch;
      const wanted = this.#rebalancing
        ? []
        : [...this.#positions.values()].filter((p) => !this.#paused.has(key(p.topic, p.partition)));
      if (wanted.length === 0) {
        await this.#idle(100);
        continue;
      }
      const requested = wanted.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        offset: p.offset,
        seeks: p.seeks,
      }));
      let fetched: FetchedPartition[];
      try {
        fetched = await this.#fetcher.fetch(requested);
        failures = 0;
      } catch (error) {
        if (!this.#running) return;
        // As the kafkajs adapter's consumer: transient errors are retried (100 ms doubling to 5 s, about 16 s).
        if (isTransientError(error) && failures < 8) {
          await this.#idle(Math.min(5_000, 100 * 2 ** failures++));
          continue;
        }
        // An application loop fetches again after a pause instead of crashing (kafkajs' restart).
        if (this.#options.restartOnCrash === true) {
          failures = 0;
          await this.#idle(1_000);
          continue;
        }
        this.#crash(error);
        return;
      }
      for (const part of fetched) {
        if (!this.#running || epoch !== this.#epoch) break;
        const id = key(part.topic, part.partition);
        const position = this.#positions.get(id);
        const asked = requested.find((r) => r.topic === part.topic && r.partition === part.partition);
        // Seeked, paused or moved since the fetch: these records do not follow the position any more.
        if (
          position === undefined ||
          asked === undefined ||
          position.seeks !== asked.seeks ||
          this.#paused.has(id)
        )
          continue;
        if (position.offset !== asked.offset) continue;
        let resolved = position.offset;
        if (part.records.length > 0) {
          const control: BatchControl = {
            heartbeat: async () => {
              if (this.#rebalancing || epoch !== this.#epoch)
                throw new KafkaFacadeError(
                  'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS',
                  'Heartbeat: the group is rebalancing.',
                  {
                    retriable: true,
                  },
                );
            },
            resolveOffset: (offset) => {
              if (offset + 1 > resolved) resolved = offset + 1;
            },
            isRunning: () => this.#running,
            isStale: () => position.seeks !== asked.seeks,
          };
          try {
            await handler(
              {
                topic: part.topic,
                partition: part.partition,
                records: part.records,
                highWatermark: part.highWatermark,
              },
              control,
            );
          } catch (error) {
            if (
              error instanceof KafkaFacadeError &&
              (error.code === 'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS' ||
                error.code === 'STRM_ERR_KAFKA_NOT_GROUP_MEMBER')
            )
              break;
            // Application loops: the resolved prefix is committed, and the batch's rest fetched again
            // after a pause instead of a crash (`restartOnCrash`, kafkajs' restart of a plain consumer).
            if (resolved > asked.offset && position.seeks === asked.seeks) {
              position.offset = resolved;
              if (this.#options.autoCommitResolved === true) await this.#autoCommit(position);
            }
            if (this.#options.restartOnCrash === true) {
              await this.#idle(1_000);
              break;
            }
            this.#crash(error);
            return;
          }
          if (position.seeks !== asked.seeks) continue;
          // Records not resolved are fetched again (the handler stopped early, e.g. on pause).
          const last = part.records[part.records.length - 1]!.offset;
          position.offset = resolved > last ? Math.max(resolved, part.nextOffset) : resolved;
        } else {
          position.offset = Math.max(position.offset, part.nextOffset);
        }
        // Application loops (`autoCommitResolved`): past every batch, markers-only ones included.
        if (this.#options.autoCommitResolved === true && position.offset > asked.offset)
          await this.#autoCommit(position);
        if (part.nextOffset > asked.offset)
          this.emit('batchEnd', part.topic, part.partition, part.nextOffset - 1);
      }
    }
  }

  /** The commit of an application loop; one lost to a rebalance is redone by the next owner. */
  async #autoCommit(position: Position): Promise<void> {
    try {
      await this.commit([{ topic: position.topic, partition: position.partition, offset: position.offset }]);
    } catch {}
  }

  #crash(error: unknown): void {
    if (!this.#running) return;
    this.#running = false;
    this.emit('crashed', translateCrash(error, true));
  }
}

/** `work`, or nothing once a third of the session timeout (at most 10 s) passed. */
function withinRejoinWait(work: Promise<void>, sessionTimeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.min(10_000, sessionTimeoutMs / 3));
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** The library's group errors as the port's codes. */
function translateGroupError(error: unknown, action: string): KafkaFacadeError {
  if (error instanceof KafkaFacadeError) return error;
  const ids = protocolErrorIds(error);
  if (ids.has('REBALANCE_IN_PROGRESS'))
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_REBALANCE_IN_PROGRESS',
      `${action}: the group is rebalancing.`,
      {
        cause: error,
        retriable: true,
      },
    );
  if (ids.has('ILLEGAL_GENERATION') || ids.has('UNKNOWN_MEMBER_ID') || ids.has('FENCED_INSTANCE_ID'))
    return new KafkaFacadeError(
      'STRM_ERR_KAFKA_NOT_GROUP_MEMBER',
      `${action}: this instance is no longer a member of its generation; its tasks move to another instance.`,
      { cause: error, retriable: true },
    );
  return new KafkaFacadeError('STRM_ERR_KAFKA_COMMIT', `${action} failed: ${errorMessage(error)}`, {
    cause: error,
    retriable: isTransientError(error),
  });
}

function translateCrash(error: unknown, joined: boolean): KafkaFacadeError {
  if (error instanceof KafkaFacadeError) return error;
  const retriable = isTransientError(error);
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_CONSUMER',
    `The group member ${joined ? 'stopped' : 'could not join its group'}: ${errorMessage(error)}` +
      (retriable ? ' (the cluster was not ready; retried with backoff)' : ''),
    { cause: error, retriable },
  );
}
