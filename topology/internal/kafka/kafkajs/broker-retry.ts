/**
 * Repeating a Kafka call that failed with a transient broker error (a coordinator still loading, a new
 * partition without a serving leader yet, a leader moving): the design's schedule for calls to external
 * systems, 100 ms doubling to 1.6 s, five retries (about 3 s in all), before the error is reported.
 * kafkajs retries some of these itself, but not all: its admin gives up at once on NOT_LEADER_FOR_PARTITION
 * in ListOffsets and on a loading coordinator in OffsetFetch, which is how a brand-new application failed
 * its first start.
 */
import { DEFAULT_RETRY, retry } from '../../util/retry.js';
import { isTransientBrokerError } from './errors.js';

/**
 * The default test of {@link retryTransient}: a transient error kafkajs did not already retry. kafkajs
 * retries many calls itself (the client's retry settings) and reports `KafkaJSNumberOfRetriesExceeded` when
 * it gives up; repeating those here would multiply the waits and make a real outage surface minutes late.
 */
export function isTransientNotYetRetried(error: unknown): boolean {
  return (
    (error as { name?: unknown } | null)?.name !== 'KafkaJSNumberOfRetriesExceeded' &&
    isTransientBrokerError(error)
  );
}

/**
 * The growth of kafkajs' own retry delays, spelled out in every kafkajs retry setting of the facade.
 * kafkajs takes its defaults from another table when `NODE_ENV=test` (as vitest sets it): delays grow by
 * 1.5 instead of 2, so 8 retries from 100 ms last 5 s instead of 16 s, and a leader election that the
 * runtime rides out in production crashed it in tests.
 */
export const KAFKAJS_RETRY_GROWTH = { multiplier: 2, factor: 0.2 } as const;

/** Pauses before each retry: 100 ms doubling to 1.6 s (the library's default retry policy). */
export const BROKER_RETRY_DELAYS_MS: ReadonlyArray<number> = [100, 200, 400, 800, 1_600];

/** How {@link retryTransient} retries; the defaults suit every facade call. */
export interface BrokerRetryOptions {
  /** Retries after the first try; default 5. */
  readonly retries?: number;
  /** Longest pause, ms; default 1,600 (pauses start at 100 ms and double). */
  readonly maxDelayMs?: number;
  /** Which failures are worth another try. Default {@link isTransientNotYetRetried}. */
  readonly isTransient?: (error: unknown) => boolean;
  /** Told before each pause, e.g. to log it. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Replaceable for unit tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `call`, and again after each pause while it fails transiently (by default: with a transient error
 * kafkajs gave up on at once); resolves with its first success. The library's {@link retry} with its
 * default policy and a broker-error test.
 * Rejects with the last error once the pauses are used up, or at once with a non-transient one, so the
 * caller classifies the error it reports (see {@link isTransientBrokerError}).
 */
export function retryTransient<T>(call: () => Promise<T>, options: BrokerRetryOptions = {}): Promise<T> {
  return retry(() => call(), {
    ...DEFAULT_RETRY,
    retries: options.retries ?? DEFAULT_RETRY.retries,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    retriable: options.isTransient ?? isTransientNotYetRetried,
    onRetry: options.onRetry,
    sleep: options.sleep,
  });
}
