/**
 * Clean stops of the process, however the signals arrive. Ctrl-C sends SIGINT to the whole process group:
 * `npm`, `tsx` and this process each get it, and `tsx` (like `npm`) relays it once more, so this process
 * sees SIGINT two or three times within milliseconds. A handler installed with `process.once` is gone
 * after the first one, and the next one then ended the process at once (tsx's child exits when no handler
 * is left): 0.2 s after "shutting down", before the streams had left their consumer group, so the group
 * waited out the session and the next start took 30 s. Here the handlers stay for good, the first signal
 * starts one close and later ones are counted and ignored, and a deadline ends a close that hangs.
 */
import type { Logger } from 'pino';

/** Options of {@link shutdownOnSignals}. */
export interface ShutdownOptions {
  /** Signals handled (default SIGTERM and SIGINT). */
  readonly signals?: readonly NodeJS.Signals[];
  /** A close that has not finished after this long ends the process with code 1 (default 30 s). */
  readonly deadlineMs?: number;
  /** How to end the process; tests pass a recorder. Default `process.exit`. */
  readonly exit?: (code: number) => void;
}

/**
 * Runs `close` once on the first of `signals`, then exits 0 (1 when it fails or misses the deadline).
 * Returns a function that removes the handlers.
 */
export function shutdownOnSignals(
  close: () => Promise<void>,
  logger: Logger,
  options: ShutdownOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? 30_000;
  let ignored = 0;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      ignored++;
      logger.info({ signal, ignored }, 'already shutting down; signal ignored');
      return;
    }
    closing = true;
    logger.info({ signal }, 'shutting down');
    const started = Date.now();
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown did not finish in time; exiting');
      exit(1);
    }, deadlineMs);
    deadline.unref();
    close().then(
      () => {
        clearTimeout(deadline);
        logger.info({ ms: Date.now() - started }, 'shut down cleanly');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}
