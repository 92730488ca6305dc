/**
 * What the main thread and a stream thread's worker (`numStreamThreads > 1`) say to each other over the
 * worker's message port, and how an error crosses it: structured clone keeps an `Error`'s message and
 * stack but drops its `code`, `retriable` and `server`, which callers branch on.
 */
import type { RecordCacheStatistics } from '../../state/cache/thread-cache.js';
import { StreamsError } from '../errors.js';
import { RUNTIME_ERROR_CODES, RuntimeError, type RuntimeErrorCode } from './errors.js';
import type { StreamsEvents } from './events.js';
import type { StoreQuery } from './store-query.js';
import type { StreamsMetadata } from './streams-metadata-state.js';
import type { StreamsState } from './streams-state.js';

/** What a worker is started with (`workerData`); structured-cloneable. */
export interface StreamThreadWorkerData {
  /** 1-based, as Kafka Streams numbers `StreamThread-<n>`. */
  readonly threadIndex: number;
  /** The `file:` URL of the topology module. */
  readonly topologyModule: string;
  readonly topologyModuleArgs: unknown;
  /** The user's configuration without what cannot be cloned (functions, the logger), for one thread. */
  readonly config: Record<string, unknown>;
  /** The options the main thread dropped because they cannot be cloned: the module must give them. */
  readonly droppedOptions: ReadonlyArray<string>;
  readonly processId: string;
  readonly logLevel: string;
  /**
   * Partition counts of the user's topics as the main thread found them when it prepared the topics: the
   * worker computes the same task layout from them instead of preparing the topics again (at once, with
   * the other threads, on a metadata view that may not have the topics just created yet).
   */
  readonly userTopicCounts: ReadonlyMap<string, number>;
}

/** An error as it crosses the port. */
export interface ErrorMessage {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly retriable?: boolean;
  readonly server?: string;
  /** The error's other own properties that are plain data (a task error's `node` and `coordinates`). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Main thread to worker. */
export type ToStreamThread =
  | { readonly type: 'close' }
  /** The worker's prom-client default registry as `getMetricsAsJSON()`. */
  | { readonly type: 'metrics'; readonly id: number }
  | {
      readonly type: 'query';
      readonly id: number;
      readonly storeName: string;
      readonly partition: number;
      readonly query: StoreQuery;
    };

/** The tasks a worker runs, reported with every state change and completed rebalance. */
export interface ThreadTasks {
  readonly active: ReadonlyArray<string>;
  readonly standby: ReadonlyArray<string>;
  /** The group's hosts as the last assignment told this thread (empty without `applicationServer`). */
  readonly metadata: ReadonlyArray<StreamsMetadata>;
}

/** Worker to main thread. */
export type FromStreamThread =
  | { readonly type: 'started' }
  | { readonly type: 'startFailed'; readonly error: ErrorMessage }
  | { readonly type: 'state'; readonly state: StreamsState; readonly tasks: ThreadTasks }
  | { readonly type: 'tasks'; readonly tasks: ThreadTasks; readonly rebalanceMs: number }
  | { readonly type: 'event'; readonly name: ForwardedEvent; readonly args: unknown[] }
  | { readonly type: 'cache'; readonly statistics: RecordCacheStatistics }
  | { readonly type: 'uncaught'; readonly error: ErrorMessage }
  | {
      readonly type: 'queryResult';
      readonly id: number;
      readonly value?: unknown;
      readonly error?: ErrorMessage;
    }
  | { readonly type: 'metricsResult'; readonly id: number; readonly metrics: unknown[] }
  | { readonly type: 'closed' };

/**
 * Events a worker's instance emits that the main thread re-emits as they are. `stateChange` is not one
 * (the main thread's state aggregates its threads'), nor `rebalanceCompleted` (re-emitted with every
 * thread's tasks, so the active-tasks gauge counts the instance's).
 */
export const FORWARDED_EVENTS = [
  'rebalanceStarted',
  'restoreStarted',
  'restoreProgress',
  'restoreCompleted',
  'taskCreated',
  'taskClosed',
  'taskRevived',
  'batchProcessed',
  'recordsProduced',
  'commit',
  'deadLetter',
  'recordSkipped',
  'threadRecovered',
  'error',
] as const satisfies ReadonlyArray<keyof StreamsEvents>;

export type ForwardedEvent = (typeof FORWARDED_EVENTS)[number];

/** An error of a stream thread's worker that is not a {@link RuntimeError}, with its code (a task's, a store's). */
export class StreamThreadError extends StreamsError {
  constructor(
    readonly code: string,
    message: string,
    options: { retriable?: boolean },
  ) {
    super(message, options);
    this.name = 'StreamThreadError';
  }
}

/** An error for the port. */
export function errorToMessage(error: unknown): ErrorMessage {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const coded = error as Error & { code?: unknown; retriable?: unknown; server?: unknown };
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (['code', 'retriable', 'server', 'cause'].includes(key)) continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) details[key] = value;
    else if (typeof value === 'object' && isPlain(value)) details[key] = value;
  }
  return {
    ...(Object.keys(details).length === 0 ? {} : { details }),
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof coded.code === 'string' ? { code: coded.code } : {}),
    ...(typeof coded.retriable === 'boolean' ? { retriable: coded.retriable } : {}),
    ...(typeof coded.server === 'string' ? { server: coded.server } : {}),
  };
}

/**
 * The error back from the port: a {@link RuntimeError} for the runtime's codes (so `instanceof` and
 * `code` work as on one thread), else a {@link StreamsError} with the original name, code and stack.
 */
export function errorFromMessage(message: ErrorMessage): Error {
  const options = {
    ...(message.retriable === undefined ? {} : { retriable: message.retriable }),
    ...(message.server === undefined ? {} : { server: message.server }),
  };
  const error = RUNTIME_ERROR_CODES.includes(message.code as RuntimeErrorCode)
    ? new RuntimeError(message.code as RuntimeErrorCode, message.message, options)
    : new StreamThreadError(message.code ?? 'STRM_ERR_STREAM_THREAD', message.message, options);
  if (message.details !== undefined) {
    for (const [key, value] of Object.entries(message.details))
      Object.defineProperty(error, key, { value, enumerable: true });
  }
  if (message.name !== 'RuntimeError') error.name = message.name;
  if (message.stack !== undefined) error.stack = message.stack;
  return error;
}

/** Event arguments for the port: errors inside them become {@link ErrorMessage}s, marked to come back. */
export function argsToMessage(args: ReadonlyArray<unknown>): unknown[] {
  return args.map((arg) => {
    if (arg instanceof Error) return { __error: errorToMessage(arg) };
    if (typeof arg === 'object' && arg !== null && 'error' in arg && arg.error instanceof Error)
      return { ...arg, error: { __error: errorToMessage(arg.error) } };
    return arg;
  });
}

/** Event arguments back from the port. */
export function argsFromMessage(args: ReadonlyArray<unknown>): unknown[] {
  const revive = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && '__error' in value
      ? errorFromMessage(value.__error as ErrorMessage)
      : value;
  return args.map((arg) => {
    const revived = revive(arg);
    if (revived !== arg) return revived;
    if (typeof arg === 'object' && arg !== null && 'error' in arg)
      return { ...arg, error: revive(arg.error) };
    return arg;
  });
}

/** True for an object of strings, numbers and booleans only (safe to clone, meaningful after). */
function isPlain(value: object): boolean {
  return Object.values(value).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}
