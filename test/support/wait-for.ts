/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Pause between checks (default 100 ms). */
  readonly intervalMs?: number;
  /** What is being waited for, for the error message. */
  readonly description?: string;
}

/**
 * Polls `predicate` until it returns a truthy value (which is returned) or the time runs out. For
 * conditions the test cannot be told about (a record arriving, a group settling); never a fixed sleep.
 *
 * @example
 * const records = await waitFor(async () => {
 *   const all = await readAll(output);
 *   return all.length === 3 ? all : undefined;
 * }, { description: '3 records on the output topic' });
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'the condition';
      const why = lastError ? ` (last error: ${String(lastError)})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
