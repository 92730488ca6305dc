/**
 * The main thread's handle on one stream thread that runs on a worker (`numStreamThreads > 1`): starts
 * the worker (`stream-thread-worker.ts`), keeps what it last reported (state, tasks, record-cache totals),
 * hands its events and failures to the listener, forwards store queries and closes it.
 */
import type { Worker } from 'node:worker_threads';
import type { RecordCacheStatistics } from '../../state/cache/thread-cache.js';
import { RuntimeError } from './errors.js';
import type { StoreQuery } from './store-query.js';
import {
  argsFromMessage,
  errorFromMessage,
  type ForwardedEvent,
  type FromStreamThread,
  type StreamThreadWorkerData,
  type ThreadTasks,
  type ToStreamThread,
} from './stream-thread-messages.js';
import type { StreamsState } from './streams-state.js';
import { startStreamThreadWorker } from './worker-script.js';

/** What the pool hears from a thread. */
export interface StreamThreadListener {
  onState(thread: WorkerStreamThread): void;
  /** The thread completed a rebalance (`rebalanceMs` long) and now runs `thread.tasks`. */
  onTasks(thread: WorkerStreamThread, rebalanceMs: number): void;
  onEvent(name: ForwardedEvent, args: unknown[]): void;
  /** An error the thread's tasks or consumer could not get past: the thread stopped (or is stopping). */
  onUncaught(thread: WorkerStreamThread, error: Error): void;
}

/** How long a closing worker may take to exit after its instance closed before it is terminated. */
const EXIT_GRACE_MS = 10_000;

const EMPTY_TASKS: ThreadTasks = { active: [], standby: [], metadata: [] };

export class WorkerStreamThread {
  state: StreamsState = 'CREATED';
  tasks: ThreadTasks = EMPTY_TASKS;
  cacheStatistics: RecordCacheStatistics | undefined;
  /** True once it reported an uncaught error: its coming `ERROR` state is the handler's business. */
  failed = false;
  readonly #data: StreamThreadWorkerData;
  readonly #listener: StreamThreadListener;
  #worker: Worker | undefined;
  #exited: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #nextRequest = 0;
  readonly #requests = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  constructor(data: StreamThreadWorkerData, listener: StreamThreadListener) {
    this.#data = data;
    this.#listener = listener;
  }

  /** `StreamThread-<n>`, as Kafka Streams names its threads. */
  get name(): string {
    return `StreamThread-${this.#data.threadIndex}`;
  }

  get index(): number {
    return this.#data.threadIndex;
  }

  /** Starts the worker; resolves once its instance started, rejects with the reason it could not. */
  start(): Promise<void> {
    const worker = startStreamThreadWorker(this.#data, this.name);
    this.#worker = worker;
    this.#exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (message: FromStreamThread) => {
        if (message.type === 'started') {
          started = true;
          resolve();
        } else if (message.type === 'startFailed') {
          reject(errorFromMessage(message.error));
        } else this.#receive(message);
      });
      worker.on('error', (error) => {
        if (!started) reject(error);
        else if (this.#closing === undefined) this.#fail(error);
      });
      worker.once('exit', (code) => {
        const error = new RuntimeError(
          'STRM_ERR_RUNTIME_PROCESSING',
          `stream thread ${this.name} exited (code ${code}) while it should run`,
        );
        for (const query of this.#requests.values()) query.reject(error);
        this.#requests.clear();
        if (!started) reject(error);
        else if (this.#closing === undefined && !this.failed) this.#fail(error);
      });
    });
  }

  /** Runs `query` on store `storeName` of this thread's task for `partition`. */
  query(storeName: string, partition: number, query: StoreQuery): Promise<unknown> {
    return this.#request((id) => ({ type: 'query', id, storeName, partition, query }));
  }

  /** The worker's prom-client default registry, as `getMetricsAsJSON()` returns it. */
  metrics(): Promise<unknown[]> {
    return this.#request((id) => ({ type: 'metrics', id })) as Promise<unknown[]>;
  }

  /** Sends a request; resolves with its answer (rejected when the worker exits first). */
  #request(message: (id: number) => ToStreamThread): Promise<unknown> {
    const id = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { resolve, reject });
      this.#post(message(id));
    });
  }

  /** Closes the thread's instance (commit, leave the group, close the stores) and ends the worker. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const worker = this.#worker;
      if (worker === undefined) return;
      const closed = new Promise<void>((resolve) => {
        worker.on('message', (message: FromStreamThread) => {
          if (message.type === 'closed') resolve();
        });
      });
      this.#post({ type: 'close' });
      await Promise.race([closed, this.#exited]);
      const timer = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
      this.state = 'NOT_RUNNING';
    })();
    return this.#closing;
  }

  #post(message: ToStreamThread): void {
    this.#worker?.postMessage(message);
  }

  #fail(error: Error): void {
    this.failed = true;
    this.#listener.onUncaught(this, error);
  }

  #receive(message: FromStreamThread): void {
    switch (message.type) {
      case 'state':
        this.state = message.state;
        this.tasks = message.tasks;
        this.#listener.onState(this);
        break;
      case 'tasks':
        this.tasks = message.tasks;
        this.#listener.onTasks(this, message.rebalanceMs);
        break;
      case 'event':
        this.#listener.onEvent(message.name, argsFromMessage(message.args));
        break;
      case 'cache':
        this.cacheStatistics = message.statistics;
        break;
      case 'uncaught':
        this.#fail(errorFromMessage(message.error));
        break;
      case 'metricsResult':
        this.#requests.get(message.id)?.resolve(message.metrics);
        this.#requests.delete(message.id);
        break;
      case 'queryResult': {
        const pending = this.#requests.get(message.id);
        this.#requests.delete(message.id);
        if (message.error !== undefined) pending?.reject(errorFromMessage(message.error));
        else pending?.resolve(message.value);
        break;
      }
    }
  }
}
