/**
 * Hands out the local stores of an instance for interactive queries (Kafka Streams'
 * `QueryableStoreProvider`), refusing reads that could be wrong with a retriable `RuntimeError`: the
 * active task's store while the instance is `RUNNING`, and for reads that accept staleness a standby's
 * copy with its lag. `KafkaStreams.store`, `staleStore` and `localStores` document the rules.
 */
import type { StateStore } from '../../state/store.js';
import type { TopologyPlan } from '../internal/topology-plan.js';
import type { ActiveTask } from './active-task.js';
import { RuntimeError } from './errors.js';
import type { StreamsMetadataState } from './streams-metadata-state.js';
import type { StreamsState } from './streams-state.js';

/** A replica of one store partition for a read that accepts staleness; see `KafkaStreams.staleStore`. */
export interface StaleStore<S> {
  readonly store: S;
  /** Records behind the changelog ends (0 for the running active task). */
  readonly lag: number;
  /** True when a standby task's copy answers, false for the local active task. */
  readonly standby: boolean;
}

/** What the provider reads; each read sees the instance as it is now. */
export interface QueryableStoreSource {
  readonly state: () => StreamsState;
  /** Undefined before the instance started. */
  readonly plan: () => TopologyPlan | undefined;
  /** The running active tasks (none without a thread). */
  readonly activeTasks: () => ReadonlyArray<ActiveTask>;
  /** A standby task's store with the task's lag, when this instance keeps that standby. */
  readonly standbyStore: (
    taskId: string,
    storeName: string,
  ) => { store: StateStore; lag: number | undefined } | undefined;
  /** A global store by name (any instance holds all of it), when the topology has one. */
  readonly globalStore: (storeName: string) => StateStore | undefined;
  readonly metadata: StreamsMetadataState;
}

export class QueryableStoreProvider {
  readonly #source: QueryableStoreSource;

  constructor(source: QueryableStoreSource) {
    this.#source = source;
  }

  /** The open instances of store `storeName` here, one per local active task, with their partitions. */
  localStores<S = StateStore>(storeName: string): Array<{ taskId: string; partition: number; store: S }> {
    const found: Array<{ taskId: string; partition: number; store: S }> = [];
    for (const task of this.#source.activeTasks()) {
      const store = task.engine.stores().get(storeName);
      if (store?.isOpen()) found.push({ taskId: task.id, partition: task.spec.partition, store: store as S });
    }
    return found;
  }

  /** The store of the local active task for `partition`, or a retriable refusal. */
  store<S = StateStore>(storeName: string, partition: number): S {
    const state = this.#source.state();
    if (state !== 'RUNNING') {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
        `store ${storeName} cannot be read while the instance is ${state}: its tasks may be restoring or moving; retry shortly`,
        { retriable: true },
      );
    }
    // A global store is whole on every instance: any partition reads it.
    const global = this.#source.globalStore(storeName);
    if (global?.isOpen()) return global as S;
    const found = this.localStores<S>(storeName).find((entry) => entry.partition === partition);
    if (found !== undefined) return found.store;
    const plan = this.#source.plan();
    const sub = plan?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    if (sub === undefined) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_CONFIG',
        `no task of this topology has a store named ${storeName}; known stores: ${[...(plan?.stores.keys() ?? [])].join(', ')}`,
      );
    }
    const taskId = `${sub.id}_${partition}`;
    const server = this.#source.metadata.activeServer(taskId);
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
      `partition ${partition} of store ${storeName} (task ${taskId}) is not active on this instance${server === undefined ? '' : `; ${server} runs it`}`,
      { retriable: true, ...(server === undefined ? {} : { server }) },
    );
  }

  /** The active store (lag 0) when `RUNNING`, else a local standby's copy with its lag, or a refusal. */
  staleStore<S = StateStore>(storeName: string, partition: number): StaleStore<S> {
    const state = this.#source.state();
    if (state === 'RUNNING') {
      const active = this.localStores<S>(storeName).find((entry) => entry.partition === partition);
      if (active !== undefined) return { store: active.store, lag: 0, standby: false };
    }
    const plan = this.#source.plan();
    const sub = plan?.subtopologies.find((candidate) => candidate.stores.includes(storeName));
    if (plan !== undefined && sub === undefined) {
      throw new RuntimeError(
        'STRM_ERR_RUNTIME_CONFIG',
        `no task of this topology has a store named ${storeName}`,
      );
    }
    const taskId = `${sub?.id ?? '?'}_${partition}`;
    const standby = sub === undefined ? undefined : this.#source.standbyStore(taskId, storeName);
    if (standby?.store.isOpen()) {
      if (standby.lag === undefined) {
        throw new RuntimeError(
          'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
          `the standby of store ${storeName} (task ${taskId}) has not read its changelog ends yet, so its lag is unknown; retry shortly`,
          { retriable: true },
        );
      }
      return { store: standby.store as S, lag: standby.lag, standby: true };
    }
    const server = this.#source.metadata.activeServer(taskId);
    throw new RuntimeError(
      'STRM_ERR_RUNTIME_STORE_NOT_LOCAL',
      `this instance holds no readable replica of partition ${partition} of store ${storeName} (state ${state})${server === undefined ? '' : `; ${server} runs its active task`}`,
      { retriable: true, ...(server === undefined ? {} : { server }) },
    );
  }
}
