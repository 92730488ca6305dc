/**
 * The task engine: one sub-topology on one partition, with no Kafka client and no `await` per record.
 * The runtime drives it from consumer batches, the TopologyTestDriver from memory:
 *
 *   const task = StreamTask.create(plan, subtopologyId, partition, env);
 *   await task.initStores();        // build and open the task's stores (then restore them, if needed)
 *   task.initProcessors();          // call every processor's init() (done lazily otherwise)
 *   task.process(rawRecord);        // per record, synchronous
 *   task.punctuateWallClock(now);   // when the wall clock moves
 *   task.flushCache();              // where the driver commits: the record cache only, synchronously
 *   await task.flush();             // at commit: record cache, then stores
 *   await task.close();
 */
import type { TaskCache } from '../../../state/cache/task-cache.js';
import type { ThreadCache } from '../../../state/cache/thread-cache.js';
import type { StateStore, StoreContext } from '../../../state/store.js';
import type { DeserializationExceptionHandler, ProcessingExceptionHandler } from '../../dead-letter.js';
import { TaskError } from '../../errors.js';
import { NO_HEADERS, type StreamRecord } from '../../record.js';
import type { SourceNodeDef } from '../node-definitions.js';
import { readsTopic } from '../topic-pattern.js';
import {
  resolveChangelogTopic,
  resolveTopicName,
  type SubtopologyPlan,
  type TopologyPlan,
} from '../topology-plan.js';
import { NodeContext } from './node-context.js';
import { PunctuationQueue, type PunctuationSchedule } from './punctuation-queue.js';
import {
  ProcessorRuntimeNode,
  type RuntimeNode,
  SinkRuntimeNode,
  SourceRuntimeNode,
} from './runtime-node.js';
import type { RawRecord, RecordCollector } from './task-io.js';
import type { TaskState } from './task-state.js';

/** What a task needs from whoever runs it. */
export interface TaskEnvironment {
  readonly applicationId: string;
  /** Root directory of persistent stores. */
  readonly stateDir: string;
  readonly collector: RecordCollector;
  /** Defaults to failing the task on the first undecodable record. */
  readonly deserializationHandler?: DeserializationExceptionHandler;
  /** Defaults to failing the task when a processor throws. */
  readonly processingHandler?: ProcessingExceptionHandler;
  /** Wall-clock time; defaults to `Date.now`. The test driver passes its mocked clock. */
  readonly wallClock?: () => number;
  /** Global stores (owned by the global task), readable by every processor. */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
  /**
   * The instance's record cache: the task takes a share of it for its caching stores, and gives it back
   * at close. Without one, each caching store keeps a cache of its own.
   */
  readonly cache?: ThreadCache;
}

/** Counters a runtime can export as metrics. */
export interface TaskCounters {
  processed: number;
  skippedDeserialization: number;
  skippedProcessing: number;
  skippedInvalidTimestamp: number;
  punctuations: number;
}

interface SourceBinding {
  readonly def: SourceNodeDef;
  readonly node: SourceRuntimeNode;
}

/** One task: a sub-topology on one partition (or the global stores), run synchronously per record. */
export class StreamTask {
  /** e.g. `0_3`: sub-topology 0, partition 3 (`global` for the global-store task). */
  readonly id: string;
  readonly counters: TaskCounters = {
    processed: 0,
    skippedDeserialization: 0,
    skippedProcessing: 0,
    skippedInvalidTimestamp: 0,
    punctuations: 0,
  };
  private readonly state: TaskState;
  private readonly nodes = new Map<string, RuntimeNode>();
  private readonly sourcesByTopic = new Map<string, SourceBinding | null>();
  private readonly patternSources: SourceBinding[] = [];
  private readonly ownStores = new Map<string, StateStore>();
  private readonly handler: DeserializationExceptionHandler;
  private readonly cache: TaskCache | undefined;
  private processorsInitialized = false;
  private closed = false;

  /** A task for one partition of a (non-global) sub-topology. */
  static create(
    plan: TopologyPlan,
    subtopologyId: number,
    partition: number,
    env: TaskEnvironment,
  ): StreamTask {
    const sub = plan.subtopologies.find((s) => s.id === subtopologyId);
    if (sub === undefined) {
      throw new TaskError(
        'STRM_ERR_TASK_STATE',
        `no task-generating sub-topology ${subtopologyId}; valid ids are ${plan.subtopologies.map((s) => s.id).join(', ')}`,
      );
    }
    return new StreamTask(plan, [sub], `${subtopologyId}_${partition}`, partition, env);
  }

  /**
   * The task that fills every global store from all partitions of its topic. Its stores are never
   * logged (the topic is their changelog); pass `globalStores()` to the stream tasks' environment.
   */
  static createGlobal(plan: TopologyPlan, env: TaskEnvironment): StreamTask {
    return new StreamTask(plan, plan.globalSubtopologies, 'global', -1, env);
  }

  private constructor(
    plan: TopologyPlan,
    subtopologies: readonly SubtopologyPlan[],
    id: string,
    partition: number,
    private readonly env: TaskEnvironment,
  ) {
    this.id = id;
    this.handler = env.deserializationHandler ?? (() => 'fail');
    const global = subtopologies.some((s) => s.global);
    for (const sub of subtopologies) {
      for (const storeName of sub.stores)
        this.ownStores.set(storeName, plan.stores.get(storeName)!.builder.build());
    }
    this.state = {
      applicationId: env.applicationId,
      taskId: id,
      partition,
      plan,
      collector: env.collector,
      stores: this.ownStores,
      globalStores: global ? this.ownStores : (env.globalStores ?? new Map()),
      streamTimePunctuators: new PunctuationQueue(),
      wallClockPunctuators: new PunctuationQueue(),
      wallClock: env.wallClock ?? Date.now,
      currentMetadata: undefined,
      currentTimestamp: -1,
      currentHeaders: NO_HEADERS,
      streamTime: -1,
      flushedStreamTime: -1,
      cacheFlushListeners: [],
      commitRequested: false,
    };
    for (const sub of subtopologies) this.buildNodes(sub);
    const cached = [...this.ownStores.keys()].some((name) => plan.stores.get(name)!.builder.cachingEnabled);
    this.cache = cached ? env.cache?.addTask(id) : undefined;
  }

  private buildNodes(sub: SubtopologyPlan): void {
    const plan = this.state.plan;
    for (const def of sub.nodes) {
      let node: RuntimeNode;
      if (def.type === 'source') {
        const source = new SourceRuntimeNode(def.name);
        const binding = { def, node: source };
        for (const topic of def.topics)
          this.sourcesByTopic.set(resolveTopicName(plan, this.state.applicationId, topic), binding);
        if (def.pattern !== undefined) this.patternSources.push(binding);
        node = source;
      } else if (def.type === 'processor') {
        node = new ProcessorRuntimeNode(def);
      } else {
        node = new SinkRuntimeNode(def, this.state);
      }
      this.nodes.set(def.name, node);
    }
    for (const def of sub.nodes) {
      const node = this.nodes.get(def.name)!;
      for (const child of plan.children.get(def.name) ?? []) node.children.push(this.nodes.get(child)!);
    }
  }

  /** The task's partition (also the changelog partition of its stores); -1 for the global task. */
  get partition(): number {
    return this.state.partition;
  }

  /** The stores this task owns, by name. */
  stores(): ReadonlyMap<string, StateStore> {
    return this.ownStores;
  }

  /** The stores of the global task; the same map as `stores()`, named for what stream tasks use it for. */
  globalStores(): ReadonlyMap<string, StateStore> {
    return this.state.globalStores;
  }

  /** Real changelog topic of each logged store, by store name (restore from these, on `partition`). */
  changelogTopics(): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    if (this.id === 'global') return out;
    for (const [name] of this.ownStores) {
      if (this.state.plan.stores.get(name)?.builder.loggingEnabled)
        out.set(name, resolveChangelogTopic(this.state.applicationId, name));
    }
    return out;
  }

  /** Real names of the topics this task reads (pattern sources are matched when records arrive). */
  sourceTopics(): string[] {
    return [...this.sourcesByTopic.keys()];
  }

  /** Stream time: the largest record timestamp processed, or -1. */
  get streamTime(): number {
    return this.state.streamTime;
  }

  /** True when a processor asked for a commit since the last `clearCommitRequest()`. */
  get commitRequested(): boolean {
    return this.state.commitRequested;
  }

  clearCommitRequest(): void {
    this.state.commitRequested = false;
  }

  /** Opens every store of the task; restoration (by the runtime) happens after this, before processing. */
  async initStores(): Promise<void> {
    const { applicationId, partition, collector } = this.state;
    const global = this.id === 'global';
    for (const [name, store] of this.ownStores) {
      const logged = !global && this.state.plan.stores.get(name)!.builder.loggingEnabled;
      const topic = resolveChangelogTopic(applicationId, name);
      const context: StoreContext = {
        applicationId,
        taskId: this.id,
        partition,
        stateDir: this.env.stateDir,
        changelog: logged
          ? {
              send: (_store, key, value, timestamp) =>
                collector.send(topic, key, value, timestamp, NO_HEADERS, partition),
            }
          : undefined,
        currentTimestamp: () => this.state.currentTimestamp,
        currentHeaders: () => this.state.currentHeaders,
        ...(this.cache === undefined ? {} : { recordCache: this.cache }),
      };
      await store.init(context);
    }
  }

  /** Calls `init` on every processor (once); `process` and punctuation call it if it was not done. */
  initProcessors(): void {
    if (this.processorsInitialized) return;
    this.processorsInitialized = true;
    for (const [name, node] of this.nodes) {
      if (!(node instanceof ProcessorRuntimeNode)) continue;
      const def = this.state.plan.nodes.get(name);
      const stores = def?.type === 'processor' ? def.stores : new Set<string>();
      try {
        node.processor.init?.(new NodeContext(this.state, node, stores));
      } catch (cause) {
        throw new TaskError(
          'STRM_ERR_TASK_PROCESSING',
          `init() of processor "${name}" threw: ${(cause as Error)?.message ?? String(cause)}`,
          { cause, node: name },
        );
      }
    }
  }

  /**
   * Processes one raw record synchronously: decode with its source's serdes, advance stream time, run the
   * sub-topology, then fire stream-time punctuators that became due. Returns false when the record was
   * skipped (undecodable and handled, or an invalid timestamp).
   */
  process(raw: RawRecord): boolean {
    if (this.closed)
      throw new TaskError('STRM_ERR_TASK_STATE', `task ${this.id} is closed; create a new task`);
    if (!this.processorsInitialized) this.initProcessors();
    const binding = this.sourceFor(raw.topic);
    const { def } = binding;
    let key: unknown;
    let value: unknown;
    try {
      key = def.keySerde.deserialize(raw.key, { topic: raw.topic, isKey: true, headers: raw.headers });
      value = def.valueSerde.deserialize(raw.value, { topic: raw.topic, isKey: false, headers: raw.headers });
    } catch (error) {
      const decision = this.handler({ ...raw, error, sourceNode: def.name });
      if (decision === 'continue') {
        this.counters.skippedDeserialization++;
        return false;
      }
      throw new TaskError(
        'STRM_ERR_TASK_DESERIALIZATION',
        `source "${def.name}" cannot deserialize ${raw.topic}/${raw.partition}@${raw.offset} with serdes ${def.keySerde.name}/${def.valueSerde.name}: ${(error as Error)?.message ?? String(error)}; fix the producer, configure matching serdes, or choose a log-and-continue or dead-letter handler`,
        { cause: error, node: def.name, coordinates: raw },
      );
    }
    let record: StreamRecord<unknown, unknown> = {
      key,
      value,
      timestamp: raw.timestamp,
      headers: raw.headers,
    };
    const state = this.state;
    if (def.timestampExtractor !== undefined) {
      const timestamp = def.timestampExtractor(record, state.streamTime);
      record = { key, value, timestamp, headers: raw.headers };
    }
    if (!(record.timestamp >= 0)) {
      this.counters.skippedInvalidTimestamp++;
      return false;
    }
    if (record.timestamp > state.streamTime) {
      state.streamTime = record.timestamp;
      if (this.cache === undefined) state.flushedStreamTime = record.timestamp;
    }
    state.currentMetadata = { topic: raw.topic, partition: raw.partition, offset: raw.offset };
    state.currentTimestamp = record.timestamp;
    state.currentHeaders = record.headers;
    try {
      binding.node.process(record);
    } catch (cause) {
      if (
        cause instanceof TaskError &&
        cause.code === 'STRM_ERR_TASK_PROCESSING' &&
        this.env.processingHandler?.({
          ...raw,
          error: cause.cause,
          sourceNode: def.name,
          node: cause.node ?? def.name,
        }) === 'continue'
      ) {
        this.counters.skippedProcessing++;
        return false;
      }
      if (cause instanceof TaskError && cause.coordinates === undefined) {
        throw new TaskError(
          cause.code,
          `${cause.message} (while processing ${raw.topic}/${raw.partition}@${raw.offset})`,
          {
            cause: cause.cause,
            node: cause.node,
            coordinates: { topic: raw.topic, partition: raw.partition, offset: raw.offset },
          },
        );
      }
      throw cause;
    } finally {
      state.currentMetadata = undefined;
    }
    this.counters.processed++;
    this.punctuate(state.streamTimePunctuators, state.streamTime);
    return true;
  }

  /** Fires wall-clock punctuators due at `nowMs` (defaults to the environment's clock). */
  punctuateWallClock(nowMs: number = this.state.wallClock()): boolean {
    if (!this.processorsInitialized) this.initProcessors();
    return this.punctuate(this.state.wallClockPunctuators, nowMs);
  }

  /** Fires stream-time punctuators due at the current stream time (the runtime calls this after a batch). */
  punctuateStreamTime(): boolean {
    if (this.state.streamTime < 0) return false;
    return this.punctuate(this.state.streamTimePunctuators, this.state.streamTime);
  }

  private punctuate(queue: PunctuationQueue, nowMs: number): boolean {
    const state = this.state;
    return queue.punctuate(nowMs, (schedule: PunctuationSchedule, timestamp: number) => {
      const previous = state.currentTimestamp;
      const previousHeaders = state.currentHeaders;
      state.currentTimestamp = timestamp;
      state.currentHeaders = NO_HEADERS;
      state.currentMetadata = undefined;
      try {
        schedule.callback(timestamp);
        this.counters.punctuations++;
      } catch (cause) {
        throw new TaskError(
          'STRM_ERR_TASK_PUNCTUATION',
          `a punctuator of processor "${schedule.node}" threw at ${timestamp}: ${(cause as Error)?.message ?? String(cause)}`,
          { cause, node: schedule.node },
        );
      } finally {
        state.currentTimestamp = previous;
        state.currentHeaders = previousHeaders;
      }
    });
  }

  private sourceFor(topic: string): SourceBinding {
    let binding = this.sourcesByTopic.get(topic);
    if (binding === undefined) {
      binding = this.patternSources.find((s) => readsTopic(s.def.pattern!, topic)) ?? null;
      this.sourcesByTopic.set(topic, binding);
    }
    if (binding === null) {
      throw new TaskError(
        'STRM_ERR_TASK_UNKNOWN_TOPIC',
        `task ${this.id} has no source for topic "${topic}" (it reads ${this.sourceTopics().join(', ')}); route records only to the task that owns their topic`,
      );
    }
    return binding;
  }

  /**
   * Writes the record cache's dirty entries below and forwards them downstream (through the stores'
   * flush listeners), synchronously; a forward that writes to another cached store of the task is flushed
   * too. The first step of a commit; the TopologyTestDriver's commit points call it alone.
   */
  flushCache(): void {
    if (this.cache === undefined) return;
    const state = this.state;
    const previous = state.currentTimestamp;
    state.currentMetadata = undefined;
    try {
      // Listeners (suppressions) may forward into cached stores again: flush until nothing is dirty.
      do {
        this.cache.flush();
        state.flushedStreamTime = state.streamTime;
        for (const listener of state.cacheFlushListeners) listener();
      } while (this.cache.dirtyEntries > 0);
    } catch (cause) {
      if (cause instanceof TaskError) throw cause;
      throw new TaskError(
        'STRM_ERR_TASK_PROCESSING',
        `flushing the record cache of task ${this.id} threw: ${(cause as Error)?.message ?? String(cause)}`,
        { cause },
      );
    } finally {
      state.currentTimestamp = previous;
    }
  }

  /**
   * Flushes every store (record cache, write batch, changelog); call before committing offsets. Under
   * exactly-once, call it inside the task's transaction: the cache forwards records to sinks and changelogs.
   */
  async flush(): Promise<void> {
    this.flushCache();
    for (const store of this.ownStores.values()) await store.flush();
  }

  /** Closes processors, then stores. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    let failure: unknown;
    if (this.processorsInitialized) {
      for (const node of this.nodes.values()) {
        try {
          if (node instanceof ProcessorRuntimeNode) node.processor.close?.();
        } catch (error) {
          failure ??= error;
        }
      }
    }
    for (const store of this.ownStores.values()) {
      try {
        if (store.isOpen()) await store.close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (this.cache !== undefined) this.env.cache?.removeTask(this.cache);
    if (failure !== undefined) throw failure;
  }
}
