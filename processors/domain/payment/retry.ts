/**
 * Retry with exponential backoff for calls to the outside world. The default policy is the project's:
 * first try, then 5 retries after 100, 200, 400, 800 and 1600 ms (doubling, capped at 1.6 s), so a call
 * is given up about 3.1 s after it first failed. Only errors marked `retriable: true` are retried; any
 * other error is thrown at once, since repeating a bad request cannot fix it.
 */

/** How often and how long to wait between tries. */
export interface RetryPolicy {
  /** Retries after the first try (so `retries + 1` tries in all). */
  readonly retries: number;
  readonly initialDelayMs: number;
  /** Factor applied to the delay after each retry. */
  readonly multiplier: number;
  readonly maxDelayMs: number;
}

/** 5 retries, 100 ms doubling to 1.6 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retries: 5,
  initialDelayMs: 100,
  multiplier: 2,
  maxDelayMs: 1600,
});

/** Hooks and overrides of {@link withRetry}. */
export interface RetryOptions {
  readonly policy?: RetryPolicy;
  /** Which errors to retry; by default those with `retriable === true`. */
  readonly isRetriable?: (error: unknown) => boolean;
  /** How to wait; tests pass a recorder instead of real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each wait, e.g. to log or count retries. */
  readonly onRetry?: (error: unknown, retry: number, delayMs: number) => void;
}

/** The waits between tries under `policy`, e.g. `[100, 200, 400, 800, 1600]` by default. */
export function retryDelays(policy: RetryPolicy = DEFAULT_RETRY_POLICY): number[] {
  const delays: number[] = [];
  let delay = policy.initialDelayMs;
  for (let i = 0; i < policy.retries; i++) {
    delays.push(Math.min(delay, policy.maxDelayMs));
    delay *= policy.multiplier;
  }
  return delays;
}

/** True for errors that say retrying may help (`retriable: true`, as every coded error of the project). */
export function isRetriableError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
}

/**
 * Runs `operation` until it succeeds, a non-retriable error occurs, or the retries are used up; then
 * throws the last error unchanged. `operation` gets the try number (0 for the first).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const delays = retryDelays(options.policy);
  const isRetriable = options.isRetriable ?? isRetriableError;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const delay = delays[attempt];
      if (delay === undefined || !isRetriable(error)) throw error;
      options.onRetry?.(error, attempt + 1, delay);
      await sleep(delay);
    }
  }
}
