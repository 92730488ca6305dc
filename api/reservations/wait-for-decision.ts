/**
 * `?wait=true`: answers once the pipeline decided the reservation (no longer PENDING) or the bound is
 * reached. The decision is pushed ({@link DecisionWaiters}, fed by every instance's own
 * {@link DecisionFeed}), so a request waiting on any instance learns it as soon as the topology's output
 * is committed, whichever instance decided. The reservation is looked up once, after registering: that
 * finds a decision made before the request waited (a retried request, a fast pipeline), and is the only
 * look-up a wait makes.
 */
import type { Decision, DecisionWaiters } from './decision-waiters.js';
import type { ReservationReader } from './reservation-view.js';

/** The decision, or `undefined` when the reservation is still PENDING after `timeoutMs`. */
export async function waitForDecision(
  waiters: DecisionWaiters,
  ledger: ReservationReader,
  confirmationNumber: string,
  timeoutMs: number,
): Promise<Decision | undefined> {
  const pushed = waiters.wait(confirmationNumber, timeoutMs);
  const view = await ledger.get(confirmationNumber).catch(() => undefined);
  if (view !== undefined && view.status !== 'PENDING') {
    // Decided before the wait began: end the registration with what the look-up found.
    const decision = { status: view.status, detail: view.detail };
    waiters.answer(confirmationNumber, decision);
    return decision;
  }
  return pushed;
}
