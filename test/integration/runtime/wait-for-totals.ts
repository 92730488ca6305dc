import { type ConsumedRecord, readAll, waitFor } from '../../support/index.js';

/**
 * Waits until the output topic holds at least `count` totals and returns them all: the region-totals
 * topology emits one total per order, so `count` is the number of orders the test expects counted.
 * `brokers` reads from a private cluster instead of the stack; the wait gives up after 60 s by default.
 */
export function waitForTotals(
  output: string,
  count: number,
  options: { brokers?: string[]; timeoutMs?: number; description?: string } = {},
): Promise<ConsumedRecord[]> {
  return waitFor(
    async () => {
      const records = await readAll(output, options.brokers ? { brokers: options.brokers } : {});
      return records.length >= count ? records : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 60_000,
      description: options.description ?? `${count} totals on ${output}`,
    },
  );
}
