import type { Logger } from 'pino';

/** How long an operation of the stream thread may run before the log says it is still waiting. */
export const SLOW_OPERATION_MS = 30_000;

/**
 * Runs `operation`, and while it has not settled warns every {@link SLOW_OPERATION_MS} that `name` is still
 * running. Nothing is cancelled: a thread that hangs (a close that never ends, a test that times out with a
 * silent log) then says where it waits.
 */
export async function warnWhileSlow<T>(
  logger: Logger,
  name: string,
  operation: () => Promise<T>,
  intervalMs = SLOW_OPERATION_MS,
): Promise<T> {
  const started = Date.now();
  const watchdog = setInterval(
    () =>
      logger.warn({ operation: name, runningMs: Date.now() - started }, 'a stream thread operation is slow'),
    intervalMs,
  );
  watchdog.unref();
  try {
    return await operation();
  } finally {
    clearInterval(watchdog);
  }
}
