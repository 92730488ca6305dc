/**
 * How an instance rides out a passing cluster failure a level above kafkajs: a thread that fails on a
 * `retriable` error (a broker down, leaders or the group coordinator moving) is replaced without asking
 * the uncaught-exception handler, within a budget ({@link RecoveryBudget}), and a replacement keeps
 * trying to start while the cluster cannot be reached ({@link replaceThread}). The Java clients of Kafka
 * Streams ride out such outages inside the client (blocking and retrying for minutes); kafkajs gives up
 * after its retries (seconds). `KafkaStreams` decides when to use either.
 */
import type { Logger } from 'pino';
import { retry } from '../internal/util/retry.js';

/**
 * How `REPLACE_THREAD` keeps trying to start a new thread while the cluster cannot be reached: 1 s
 * doubling to 16 s, for up to two minutes.
 */
const REPLACE_THREAD_RETRY = {
  initialDelayMs: 1_000,
  maxDelayMs: 16_000,
  retries: Number.POSITIVE_INFINITY,
  maxTimeMs: 120_000,
} as const;

/** Threads replaced without the handler at most this many times within {@link RECOVERY_WINDOW_MS}. */
const MAX_RECOVERIES = 5;
const RECOVERY_WINDOW_MS = 10 * 60_000;

/** The recoveries of the last ten minutes: at most {@link MAX_RECOVERIES}; past that the handler decides. */
export class RecoveryBudget {
  /** When threads failed on a passing cluster error and were replaced without the handler. */
  #recoveries: number[] = [];

  /** Recoveries counted in the window (the current one included). */
  get count(): number {
    return this.#recoveries.length;
  }

  /** Whether a thread that failed with `error` is replaced without the handler; counts it if so. */
  take(error: Error): boolean {
    if ((error as { retriable?: boolean }).retriable !== true) return false;
    const now = Date.now();
    this.#recoveries = this.#recoveries.filter((at) => now - at < RECOVERY_WINDOW_MS);
    if (this.#recoveries.length >= MAX_RECOVERIES) return false;
    this.#recoveries.push(now);
    return true;
  }
}

/**
 * Starts a new thread (`start`), again and again (1 s doubling to 16 s, for up to two minutes) while the
 * cluster cannot be reached: a thread usually fails because a broker went away, and the replacement's
 * first connect would fail the same way until it is back. `stopFailed` stops a replacement that failed to
 * start. Resolves false when it gave up or `signal` aborted (the instance is closing).
 */
export async function replaceThread(
  start: () => Promise<void>,
  stopFailed: () => Promise<void>,
  signal: AbortSignal,
  logger: Logger,
): Promise<boolean> {
  let attempts = 0;
  try {
    await retry(
      async (attempt) => {
        attempts = attempt + 1;
        try {
          await start();
        } catch (restartError) {
          await stopFailed();
          throw restartError;
        }
      },
      {
        ...REPLACE_THREAD_RETRY,
        signal,
        // Passing while the cluster is away: a warning that says when the next try comes; an error only
        // once the replacement gives up.
        onRetry: (err, attempt, retryInMs) =>
          logger.warn(
            { err, attempt, retryInMs },
            `replacing the stream thread failed (the cluster may still be unreachable); trying again in ${retryInMs} ms`,
          ),
      },
    );
    return true;
  } catch (restartError) {
    // Not when `close()` stopped the retries before a try: that is no failure.
    if (attempts > 0)
      logger.error({ err: restartError, attempt: attempts }, 'replacing the stream thread failed');
    return false;
  }
}
