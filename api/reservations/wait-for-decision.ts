/**
 * `?wait=true`: polls the reservation until the pipeline decided it (no longer PENDING) or the bound is
 * reached. Polling the shared system of record works whichever instance's sink or topology made the
 * decision; 100 ms keeps the added latency small next to the pipeline's own.
 */
import type { ReservationLedger, ReservationView } from './reservation-view.js';

const POLL_MS = 100;

/** The decided reservation, or `undefined` when it is still PENDING after `timeoutMs`. */
export async function waitForDecision(
  ledger: ReservationLedger,
  confirmationNumber: string,
  timeoutMs: number,
): Promise<ReservationView | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await ledger.get(confirmationNumber);
    if (view !== undefined && view.status !== 'PENDING') return view;
    if (Date.now() + POLL_MS > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
