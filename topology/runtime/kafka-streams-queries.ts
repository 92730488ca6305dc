/**
 * The interactive-query surface of {@link KafkaStreams} (Kafka Streams' `metadataForKey`, `store`,
 * IQv2 `query`, stale stores): who hosts what (`StreamsMetadataState`) and the local stores
 * (`QueryableStoreProvider`), and the tasks of the local threads, over what the instance runs now. A base
 * class so that `KafkaStreams` keeps its lifecycle and policy, and these methods stay where users call them.
 */
import type { StateStore } from '../../state/store.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { GlobalStreamThread } from './global-stream-thread.js';
import { QueryableStoreProvider, type StaleStore } from './queryable-store-provider.js';
import { runStoreQuery, type StoreQuery, type StoreQueryResult } from './store-query.js';
import type { StreamThread } from './stream-thread.js';
import { refuseStoresInWorkers, type StreamThreads, type ThreadMetadata } from './stream-threads.js';
import type { KeyQueryMetadata, StreamsMetadata } from './streams-metadata-state.js';
import { StreamsMetadataState } from './streams-metadata-state.js';
import type { StreamsState } from './streams-state.js';
import type { TaskLayout } from './task-layout.js';

/** What the queries read of the instance, at the time of each query. */
export interface QueriedInstance {
  readonly numStreamThreads: number;
  state(): StreamsState;
  plan(): TopologyPlan | undefined;
  layout(): TaskLayout | undefined;
  /** The stream thread on the main thread (`numStreamThreads` 1). */
  thread(): StreamThread | undefined;
  /** The stream threads on workers (`numStreamThreads > 1`). */
  threads(): StreamThreads | undefined;
  global(): GlobalStreamThread | undefined;
  /** The name of the main-thread stream thread (`StreamThread-<n>`, n counting replacements). */
  threadName(): string;
}

export abstract class KafkaStreamsQueries {
  readonly #source: QueriedInstance;
  /** Who runs what (as of the threads' last assignments). */
  readonly #metadata: StreamsMetadataState;
  readonly #stores: QueryableStoreProvider;

  protected constructor(source: QueriedInstance) {
    this.#source = source;
    this.#metadata = new StreamsMetadataState({
      plan: () => source.plan(),
      layout: () => source.layout(),
      hosts: () => source.threads()?.hosts() ?? source.thread()?.hosts() ?? new Map(),
    });
    this.#stores = new QueryableStoreProvider({
      state: () => source.state(),
      plan: () => source.plan(),
      activeTasks: () => source.thread()?.taskManager.tasks() ?? [],
      standbyStore: (taskId, storeName) => source.thread()?.taskManager.standbyStore(taskId, storeName),
      globalStore: (storeName) => source.global()?.globalStores().get(storeName),
      metadata: this.#metadata,
    });
  }

  /**
   * Which server (`applicationServer`) runs which tasks, active and standby, as of the last rebalance;
   * empty when the instances set no `applicationServer`.
   */
  allMetadata(): StreamsMetadata[] {
    return this.#metadata.allMetadata();
  }

  /**
   * Where the value of a key of store `storeName` lives: its partition, task, the server that runs that
   * task (undefined when unknown) and the servers that keep a standby copy of it. `keyBytes` is the key
   * serialized as on the topic the store's task reads (the partition is murmur2 of those bytes, as Kafka's
   * default partitioner). Returns undefined before the instance started or for a store no task has.
   *
   * @example
   * const where = streams.metadataForKey('totals', Buffer.from('north'));
   * if (where?.server !== myServer) forwardTo(where?.server);
   */
  metadataForKey(storeName: string, keyBytes: Buffer): KeyQueryMetadata | undefined {
    return this.#metadata.metadataForKey(storeName, keyBytes);
  }

  /**
   * The instances of store `storeName` this instance holds now, one per local task, with the partition
   * each covers (a key lives in the partition its serialized key hashes to, as the input was partitioned).
   * For interactive queries: read them, never write. Empty while rebalancing away from the store's tasks.
   * Prefer {@link store}, which refuses reads that could be wrong.
   */
  localStores<S = StateStore>(storeName: string): Array<{ taskId: string; partition: number; store: S }> {
    refuseStoresInWorkers('localStores', this.#source.numStreamThreads);
    return this.#stores.localStores<S>(storeName);
  }

  /**
   * The store `storeName` of the local active task for `partition`, for an interactive query (read it,
   * never write). Refuses a read that could be wrong with a retriable {@link RuntimeError}:
   * `STRM_ERR_RUNTIME_STORE_UNAVAILABLE` while this instance is not `RUNNING` (starting, rebalancing: its
   * tasks may be restoring or moving), `STRM_ERR_RUNTIME_STORE_NOT_LOCAL` (with `server`, the owner when
   * known) when another instance runs that task. Find the partition with {@link metadataForKey}. A global
   * store is whole on every instance: any partition reads it.
   *
   * @example
   * const where = streams.metadataForKey('totals', keyBytes)!;
   * const total = streams.store<ReadOnlyKeyValueStore<string, number>>('totals', where.partition).get('north');
   */
  store<S = StateStore>(storeName: string, partition: number): S {
    refuseStoresInWorkers('store', this.#source.numStreamThreads);
    return this.#stores.store<S>(storeName, partition);
  }

  /**
   * Runs an interactive query on key-value store `storeName` of `partition` (as Kafka Streams' IQv2
   * `query()` with a `KeyQuery` or `RangeQuery`): `get` a key, a `range`, `all` entries, or
   * `approximateNumEntries`. Works with any `numStreamThreads`: with several the query goes to the stream
   * thread (worker) whose task holds the partition and the answer comes back by structured clone, so keys
   * and values must be plain data. Refuses as {@link store} does (retriable `STRM_ERR_RUNTIME_STORE_UNAVAILABLE`
   * unless `RUNNING`, `STRM_ERR_RUNTIME_STORE_NOT_LOCAL` with `server`).
   *
   * @example
   * const where = streams.metadataForKey('totals', keyBytes)!;
   * const total = await streams.query('totals', where.partition, { type: 'get', key: 'north' });
   */
  async query<Q extends StoreQuery, K = unknown, V = unknown>(
    storeName: string,
    partition: number,
    query: Q,
  ): Promise<StoreQueryResult<Q, K, V>> {
    const threads = this.#source.threads();
    if (threads !== undefined)
      return (await threads.query(storeName, partition, query)) as StoreQueryResult<Q, K, V>;
    return runStoreQuery(this.#stores.store(storeName, partition), query) as StoreQueryResult<Q, K, V>;
  }

  /**
   * Store `storeName` of `partition` for a read that accepts stale answers (KIP-535's
   * `StoreQueryParameters.enableStaleStores()`): the local active task's store when this instance runs it
   * and is `RUNNING` (lag 0), otherwise the store of a local standby task, in any state (it keeps being
   * served while the group rebalances, until the standby is promoted or dropped), with its `lag`: records
   * its changelogs are behind their ends as last read (the standbys read the ends every few seconds, so
   * the lag is that of a moment ago; it sums the task's changelogged stores, an upper bound for one store).
   * Read it, never write. Throws a retriable {@link RuntimeError} when this instance holds no readable
   * replica: `STRM_ERR_RUNTIME_STORE_NOT_LOCAL` (with `server`, the active's when known), or
   * `STRM_ERR_RUNTIME_STORE_UNAVAILABLE` while a standby's lag is not known yet. {@link metadataForKey}
   * lists the servers with a standby copy, to ask them instead.
   *
   * @example
   * const where = streams.metadataForKey('totals', keyBytes)!;
   * const { store, lag } = streams.staleStore<ReadOnlyKeyValueStore<string, number>>('totals', where.partition);
   * if (lag <= 100) answer(store.get('north'), { lag });
   */
  staleStore<S = StateStore>(storeName: string, partition: number): StaleStore<S> {
    refuseStoresInWorkers('staleStore', this.#source.numStreamThreads);
    return this.#stores.staleStore<S>(storeName, partition);
  }

  /** The ids of the tasks this instance runs now (on all its stream threads), e.g. `['0_1', '1_1']`. */
  localTaskIds(): string[] {
    const threads = this.#source.threads();
    if (threads !== undefined) return threads.activeTaskIds();
    return this.#source.thread()?.taskManager.taskIds() ?? [];
  }

  /** The ids of the standby tasks (warm copies of tasks active elsewhere) this instance keeps now. */
  standbyTaskIds(): string[] {
    const threads = this.#source.threads();
    if (threads !== undefined) return threads.standbyTaskIds();
    return this.#source.thread()?.taskManager.standbyTaskIds() ?? [];
  }

  /**
   * This instance's stream threads and the tasks each runs (Kafka Streams' `metadataForLocalThreads()`):
   * one entry per thread of `numStreamThreads`, named `StreamThread-<n>`; empty before `start()`.
   */
  metadataForLocalThreads(): ThreadMetadata[] {
    const threads = this.#source.threads();
    if (threads !== undefined) return threads.threads();
    if (this.#source.thread() === undefined) return [];
    return [
      {
        threadName: this.#source.threadName(),
        threadState: this.#source.state(),
        activeTasks: this.localTaskIds(),
        standbyTasks: this.standbyTaskIds(),
      },
    ];
  }
}
