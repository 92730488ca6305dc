/**
 * `KafkaStreams.installShutdownHandler`: close cleanly when the process receives a signal, then exit.
 * The handlers stay after the first signal, which later ones are ignored by: Ctrl-C signals the whole
 * process group and a launcher (`tsx`, `npm`) relays it again, and with no handler left that repeat would
 * end the process before the streams left their consumer group.
 */
import type { Logger } from 'pino';

/** Calls `close` on the first of `signals`, then exits (1 when closing failed); returns the remover. */
export function closeOnSignals(
  signals: ReadonlyArray<NodeJS.Signals>,
  close: () => Promise<void>,
  logger: Logger,
): () => void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.info({ signal }, 'already shutting down; signal ignored');
      return;
    }
    closing = true;
    logger.info({ signal }, 'shutting down on signal');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}
