/**
 * The TopologyTestDriver: runs a topology in-process, with no broker, for users' unit tests. It runs the
 * same task engine as the Kafka runtime, one partition per topic: records piped into an input topic are
 * processed before `pipeInput` returns, records written to a topic the topology also reads (repartition
 * topics, or a user topic read back) are fed back in, and every write is kept for the test to read,
 * changelog records included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Serde } from '../schemas/serde.js';
import { DEFAULT_CACHE_MAX_BYTES, ThreadCache } from '../state/cache/thread-cache.js';
import type { KeyValueStore, SessionStore, StateStore, WindowStore } from '../state/store.js';
import {
  type DeserializationExceptionHandler,
  DeserializationHandlers,
  deadLetterRecordOf,
  type ProcessingExceptionHandler,
} from './dead-letter.js';
import { TestDriverError } from './errors.js';
import { StreamTask } from './internal/task/stream-task.js';
import type { RawRecord, RecordCollector } from './internal/task/task-io.js';
import { readsTopic } from './internal/topic-pattern.js';
import { resolveChangelogTopic, resolveTopicName, type TopologyPlan } from './internal/topology-plan.js';
import type { Headers } from './record.js';
import { type InputSink, type OutputSource, TestInputTopic, TestOutputTopic } from './test-driver-topics.js';
import type { Topology } from './topology.js';

/** Options of a {@link TopologyTestDriver}. */
export interface TopologyTestDriverOptions {
  /** Prefix of internal topics; defaults to `test-app`. */
  readonly applicationId?: string;
  /** The mocked wall clock's start; defaults to `Date.now()`. */
  readonly initialWallClockTimeMs?: number;
  /** Where persistent stores live; defaults to a fresh temporary folder removed by `close()`. */
  readonly stateDir?: string;
  /**
   * What to do with a record the topology's serdes cannot decode: fail (the default, `pipeInput`
   * throws), skip it with a warning, dead-letter it to `<topic>.dlq` (readable with an output topic), or a
   * custom handler.
   */
  readonly deserializationErrors?: 'fail' | 'logAndContinue' | 'deadLetter' | DeserializationExceptionHandler;
  /**
   * What to do when a processor throws: fail (the default, `pipeInput` throws a `TaskError`), skip the
   * record with a warning, dead-letter its input bytes to `<topic>.dlq`, or a custom handler.
   */
  readonly processingErrors?: 'fail' | 'logAndContinue' | 'deadLetter' | ProcessingExceptionHandler;
  /**
   * The record cache budget shared by the topology's caching stores, divided among its tasks, as
   * `StreamsConfig.cacheMaxBytes`; defaults to 10 MiB, 0 disables caching.
   */
  readonly cacheMaxBytes?: number;
  /**
   * Where the driver commits. `'eachInput'` (the default, as Kafka Streams' TopologyTestDriver): after
   * every `pipeInput` and `advanceWallClockTime`, the record cache is flushed, so a cached aggregation
   * forwards once per input record and outputs look as if nothing were cached. `'manual'`: only
   * `commit()` flushes it (as the runtime does every `commitIntervalMs`), so updates of a key between two
   * commits reach downstream, the changelog and the output topics once, with its latest value.
   */
  readonly commit?: 'eachInput' | 'manual';
}

/** Options of {@link TopologyTestDriver.createInputTopic}. */
export interface InputTopicOptions {
  /** Timestamp of the first record piped without one; defaults to the driver's wall-clock start. */
  readonly startTimestampMs?: number;
  /** How much each record piped without a timestamp moves the topic's time; defaults to 0. */
  readonly autoAdvanceMs?: number;
}

/**
 * Runs a {@link Topology} in memory for unit tests.
 *
 * @example
 * const driver = await TopologyTestDriver.create(builder.build());
 * const input = driver.createInputTopic('words', Serdes.string(), Serdes.string());
 * const output = driver.createOutputTopic('counts', Serdes.string(), Serdes.number());
 * input.pipeInput('a', 'hello world', 1_000);
 * expect(output.readKeyValuesToMap()).toEqual(new Map([['hello', 1], ['world', 1]]));
 * await driver.close();
 */
export class TopologyTestDriver {
  readonly applicationId: string;
  private readonly plan: TopologyPlan;
  private readonly tasks: StreamTask[];
  private readonly globalTask: StreamTask | undefined;
  private readonly taskByTopic = new Map<string, StreamTask | null>();
  private readonly outputs = new Map<string, RawRecord[]>();
  private readonly produced = new Set<string>();
  private readonly offsets = new Map<string, number>();
  /** Records written to topics the topology reads, waiting to be processed (FIFO, not recursion). */
  private readonly pending: RawRecord[] = [];
  private readonly stateDir: string;
  private readonly ownsStateDir: boolean;
  private wallClockMs: number;
  private readonly initialization: Promise<void>;
  private ready = false;
  private closed = false;
  private draining = false;
  private readonly commitEachInput: boolean;

  /**
   * Creates a driver and opens its stores. Prefer this over `new` when the topology has persistent
   * (RocksDB) stores, which open asynchronously.
   */
  static async create(
    topology: Topology,
    options: TopologyTestDriverOptions = {},
  ): Promise<TopologyTestDriver> {
    const driver = new TopologyTestDriver(topology, options);
    await driver.initialized();
    return driver;
  }

  /**
   * Creates a driver. Stores open asynchronously: `await driver.initialized()` before piping input when
   * the topology has stores (or use {@link TopologyTestDriver.create}).
   */
  constructor(topology: Topology, options: TopologyTestDriverOptions = {}) {
    this.plan = topology.plan();
    this.applicationId = options.applicationId ?? 'test-app';
    this.wallClockMs = options.initialWallClockTimeMs ?? Date.now();
    this.ownsStateDir = options.stateDir === undefined;
    this.stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'tstreams-test-driver-'));
    const collector: RecordCollector = {
      send: (topic, key, value, timestamp, headers) => this.collect(topic, key, value, timestamp, headers),
      partitionCount: () => 1,
    };
    this.commitEachInput = (options.commit ?? 'eachInput') === 'eachInput';
    const env = {
      applicationId: this.applicationId,
      cache: new ThreadCache(options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES),
      stateDir: this.stateDir,
      collector,
      deserializationHandler: this.handlerFor(options.deserializationErrors ?? 'fail', collector),
      processingHandler: this.handlerFor(options.processingErrors ?? 'fail', collector),
      wallClock: () => this.wallClockMs,
    };
    this.globalTask =
      this.plan.globalSubtopologies.length > 0 ? StreamTask.createGlobal(this.plan, env) : undefined;
    const globalStores = this.globalTask?.stores();
    this.tasks = this.plan.subtopologies.map((sub) =>
      StreamTask.create(this.plan, sub.id, 0, globalStores === undefined ? env : { ...env, globalStores }),
    );
    if (this.plan.stores.size === 0) {
      // Nothing to open: ready at once, so store-less topologies need no await.
      this.startProcessors();
      this.initialization = Promise.resolve();
    } else {
      this.initialization = this.initialize();
      // Surface failures through initialized()/pipeInput rather than as an unhandled rejection.
      this.initialization.catch(() => {});
    }
  }

  /** Resolves when every store is open; rejects with the store's error otherwise. */
  initialized(): Promise<void> {
    return this.initialization;
  }

  private async initialize(): Promise<void> {
    if (this.globalTask !== undefined) await this.globalTask.initStores();
    for (const task of this.tasks) await task.initStores();
    this.startProcessors();
  }

  private startProcessors(): void {
    this.globalTask?.initProcessors();
    for (const task of this.tasks) task.initProcessors();
    this.ready = true;
  }

  /** Creates the typed input end of a topic the topology reads. */
  createInputTopic<K, V>(
    topic: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
    options: InputTopicOptions = {},
  ): TestInputTopic<K, V> {
    this.taskFor(topic);
    return new TestInputTopic(
      this.topicAccess,
      topic,
      keySerde,
      valueSerde,
      options.startTimestampMs ?? this.wallClockMs,
      options.autoAdvanceMs ?? 0,
    );
  }

  /** Creates the typed output end of a topic (records written before this call are readable too). */
  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(this.topicAccess, topic, keySerde, valueSerde);
  }

  /** The real changelog topic of a store, to read its changelog records with `createOutputTopic`. */
  changelogTopic(storeName: string): string {
    return resolveChangelogTopic(this.applicationId, storeName);
  }

  /** The real name of a repartition topic, e.g. `test-app-count-repartition`. */
  internalTopic(name: string): string {
    return resolveTopicName(this.plan, this.applicationId, name);
  }

  /** Every topic the topology wrote to so far (sinks, repartition and changelog topics, dead letters). */
  producedTopicNames(): Set<string> {
    return new Set(this.produced);
  }

  /** Moves the mocked wall clock and fires the wall-clock punctuators that became due (once each). */
  advanceWallClockTime(ms: number): void {
    this.assertUsable();
    this.wallClockMs += ms;
    this.globalTask?.punctuateWallClock(this.wallClockMs);
    for (const task of this.tasks) task.punctuateWallClock(this.wallClockMs);
    this.drain();
    if (this.commitEachInput) this.flushCaches();
  }

  /** The mocked wall-clock time. */
  currentWallClockTimeMs(): number {
    return this.wallClockMs;
  }

  /** Any store by name (task or global). */
  getStateStore<S extends StateStore = StateStore>(name: string): S {
    this.assertUsable();
    for (const task of this.tasks) {
      const store = task.stores().get(name);
      if (store !== undefined) return store as S;
    }
    const global = this.globalTask?.stores().get(name);
    if (global !== undefined) return global as S;
    throw new TestDriverError(
      'STRM_ERR_TEST_DRIVER_UNKNOWN_STORE',
      `the topology has no state store "${name}" (stores: ${[...this.plan.stores.keys()].join(', ') || 'none'}); name the store with Materialized.as(name) to read it`,
    );
  }

  /** A key-value store by name. */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.getStateStore<KeyValueStore<K, V>>(name);
  }

  /** A window store by name. */
  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.getStateStore<WindowStore<K, V>>(name);
  }

  /** A session store by name. */
  getSessionStore<K, V>(name: string): SessionStore<K, V> {
    return this.getStateStore<SessionStore<K, V>>(name);
  }

  /**
   * Commits as the runtime does: flushes the record cache (cached aggregations forward their latest
   * values, caching stores write their changelog records) and then every store.
   */
  async commit(): Promise<void> {
    this.assertUsable();
    this.flushCaches();
    await this.globalTask?.flush();
    for (const task of this.tasks) await task.flush();
    this.drain();
  }

  /** Flushes and closes every task and store, and removes the temporary state folder. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      const initialized = await this.initialization.then(
        () => true,
        () => false,
      );
      // A clean close commits first, as Kafka Streams' driver does: cached stores write what they hold
      // (a caching store's own close drops unflushed entries, as a crash would). The stores close even
      // when the flush fails; the failure is then thrown.
      let failure: unknown;
      if (initialized) {
        for (const task of this.tasks) await task.flush().catch((error: unknown) => (failure ??= error));
      }
      for (const task of this.tasks) await task.close();
      await this.globalTask?.close();
      if (failure !== undefined) throw failure;
    } finally {
      if (this.ownsStateDir) rmSync(this.stateDir, { recursive: true, force: true });
    }
  }

  /**
   * What the test topics call: process one piped record and everything it causes; take and count what the
   * topology wrote. Kept off the driver's own surface, so users pipe through topics only.
   */
  private readonly topicAccess: InputSink & OutputSource = {
    pipe: (topic, key, value, timestamp, headers) => {
      this.assertUsable();
      this.taskFor(topic);
      this.pending.push(this.rawRecord(topic, key, value, timestamp, headers));
      this.drain();
      if (this.commitEachInput) this.flushCaches();
    },
    take: (topic) => this.outputs.get(topic)?.shift(),
    queueSize: (topic) => this.outputs.get(topic)?.length ?? 0,
  };

  /**
   * Flushes every task's record cache, then processes what the flush wrote to topics the topology reads,
   * until a flush writes nothing more (a repartitioned aggregation feeds another task's cache).
   */
  private flushCaches(): void {
    for (;;) {
      for (const task of this.tasks) task.flushCache();
      if (this.pending.length === 0) return;
      this.drain();
    }
  }

  private drain(): void {
    // A record processed here may write to topics read by other tasks; they join the queue instead of
    // recursing, so processing order matches a broker's (write, then read).
    if (this.draining) return;
    this.draining = true;
    try {
      for (let raw = this.pending.shift(); raw !== undefined; raw = this.pending.shift()) {
        this.taskFor(raw.topic)!.process(raw);
      }
    } finally {
      this.pending.length = 0;
      this.draining = false;
    }
  }

  private collect(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers,
  ): void {
    const raw = this.rawRecord(topic, key, value, timestamp, headers);
    this.produced.add(topic);
    let queue = this.outputs.get(topic);
    if (queue === undefined) {
      queue = [];
      this.outputs.set(topic, queue);
    }
    queue.push(raw);
    if (this.taskFor(topic, false) !== null) this.pending.push(raw);
  }

  private rawRecord(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers,
  ): RawRecord {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    return { topic, partition: 0, offset, timestamp, key, value, headers };
  }

  /** The task (stream or global) reading `topic`; throws for a topic nobody reads unless `strict` is false. */
  private taskFor(topic: string, strict?: true): StreamTask;
  private taskFor(topic: string, strict: false): StreamTask | null;
  private taskFor(topic: string, strict = true): StreamTask | null {
    let task = this.taskByTopic.get(topic);
    if (task === undefined) {
      task = null;
      const all = this.globalTask === undefined ? this.tasks : [this.globalTask, ...this.tasks];
      for (const candidate of all) {
        if (candidate.sourceTopics().includes(topic) || this.matchesPattern(candidate, topic)) {
          task = candidate;
          break;
        }
      }
      this.taskByTopic.set(topic, task);
    }
    if (task === null && strict) {
      const known = this.tasks.flatMap((t) => t.sourceTopics());
      throw new TestDriverError(
        'STRM_ERR_TEST_DRIVER_UNKNOWN_TOPIC',
        `the topology reads no topic "${topic}" (it reads: ${known.join(', ')}); pipe into one of its source topics`,
      );
    }
    return task;
  }

  private matchesPattern(task: StreamTask, topic: string): boolean {
    const sub = this.plan.subtopologies.find((s) => task.id === `${s.id}_0`);
    return sub?.sourcePatterns.some((p) => readsTopic(p, topic)) ?? false;
  }

  private handlerFor<H extends DeserializationExceptionHandler | ProcessingExceptionHandler>(
    choice: 'fail' | 'logAndContinue' | 'deadLetter' | H,
    collector: RecordCollector,
  ): H | DeserializationExceptionHandler {
    if (typeof choice === 'function') return choice;
    if (choice === 'fail') return DeserializationHandlers.fail();
    if (choice === 'logAndContinue') return DeserializationHandlers.logAndContinue();
    return DeserializationHandlers.deadLetter((failure) => {
      const dlq = deadLetterRecordOf(failure);
      collector.send(dlq.topic, dlq.key, dlq.value, dlq.timestamp, dlq.headers);
    });
  }

  private assertUsable(): void {
    if (this.closed) {
      throw new TestDriverError(
        'STRM_ERR_TEST_DRIVER_CLOSED',
        'the test driver is closed; create a new one per test',
      );
    }
    if (!this.ready) {
      throw new TestDriverError(
        'STRM_ERR_TEST_DRIVER_NOT_READY',
        'the test driver is still opening its stores; `await driver.initialized()` after `new TopologyTestDriver(...)`, or create it with `await TopologyTestDriver.create(...)`',
      );
    }
  }
}
