/**
 * The library's one retry helper (modelled on kafkajs' `src/retry/index.js`): a call repeated with
 * exponential backoff while it fails in a way worth another try, within a number of retries and an
 * optional time budget, abortable. Every retry schedule of the library is a {@link BackoffPolicy} of it;
 * schedules driven by timers rather than a loop (a follower restarting in the background, a task revived
 * on its next failure) take their pauses from {@link backoffDelayMs}, so there is one formula.
 *
 * The default policy is the design's policy for calls to external systems: 100 ms doubling to 1.6 s,
 * 5 retries (6 tries, about 3 s of pauses).
 */

/** How long to pause before each retry. */
export interface BackoffPolicy {
  /** Pause before the first retry, ms. Default 100. */
  readonly initialDelayMs?: number;
  /** Growth of the pause per retry. Default 2. */
  readonly multiplier?: number;
  /** Longest pause, ms. Default 1,600. */
  readonly maxDelayMs?: number;
  /**
   * Random spread of each pause, as a fraction (0.2: ±20 %), so that many clients failing together do not
   * retry together. Default 0: every schedule moved onto this helper kept its exact pauses.
   */
  readonly jitter?: number;
}

/** How {@link retry} retries; every field has a default. */
export interface RetryOptions extends BackoffPolicy {
  /** Retries after the first try (Infinity: bounded by `maxTimeMs` or the signal only). Default 5. */
  readonly retries?: number;
  /**
   * Time budget from the first try, ms: no retry is started whose pause would end past it. Default none.
   */
  readonly maxTimeMs?: number;
  /** Whether a failure is worth another try; a false answer rejects with it at once. Default: all are. */
  readonly retriable?: (error: unknown) => boolean;
  /** Told before each pause (to log it): the failure, the retry about to come (1-based) and the pause. */
  readonly onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  /** Stops retrying: no new try starts once aborted, and a pause in progress ends at once. */
  readonly signal?: AbortSignal;
  /** Replaceable for unit tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Replaceable for unit tests (jitter). */
  readonly random?: () => number;
  /** Replaceable for unit tests (`maxTimeMs`). */
  readonly now?: () => number;
}

/** The design's retry policy for external calls: 100 ms doubling to 1.6 s, 5 retries. */
export const DEFAULT_RETRY = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 1_600, retries: 5 } as const;

/**
 * The pause before retry number `retry` (1-based) under `policy`:
 * `min(maxDelayMs, initialDelayMs * multiplier^(retry-1))`, spread by `jitter`.
 */
export function backoffDelayMs(
  policy: BackoffPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const initial = policy.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs;
  const max = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const base = Math.min(max, initial * (policy.multiplier ?? DEFAULT_RETRY.multiplier) ** (retry - 1));
  const jitter = policy.jitter ?? 0;
  if (jitter === 0) return base;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}

/**
 * Runs `call` (given the 0-based try number), and again after each pause while it fails retriably;
 * resolves with its first success. Rejects with the last failure once the retries or the time budget are
 * used up, at once with a failure `retriable` refuses, and with the signal's reason once aborted (a
 * failure seen before the abort wins: it says more).
 *
 * @example
 * const offsets = await retry(() => admin.fetchTopicOffsets(topic), { retriable: isTransientBrokerError });
 */
export async function retry<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRY.retries;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      return await call(attempt);
    } catch (error) {
      const delayMs = backoffDelayMs(options, attempt + 1, options.random);
      const outOfTime = options.maxTimeMs !== undefined && now() + delayMs - started >= options.maxTimeMs;
      if (attempt >= retries || outOfTime || options.signal?.aborted) throw error;
      if (options.retriable !== undefined && !options.retriable(error)) throw error;
      options.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/**
 * A pause that ends early, resolving, when `signal` aborts (the caller looks at the signal). Exported for
 * schedules whose first pause comes before any try of {@link retry} (a task revived after a failure).
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
