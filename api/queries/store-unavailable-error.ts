/**
 * 503 for a read the state stores cannot answer right now: the instances are rebalancing or restoring,
 * no instance is known to own the key yet, the owner moved while the request was on its way, or the
 * owner could not be reached. Always retriable: the same read succeeds once the group has settled. The
 * error handler adds `Retry-After: 1` (as for every `API_ERR_UNAVAILABLE`).
 */
import { ApiError } from '../errors.js';

/** Why the stores could not answer; in `details.reason` so clients and dashboards can tell them apart. */
export type StoreUnavailableReason =
  /** This instance is starting, rebalancing or restoring the store. */
  | 'REBALANCING'
  /** No instance is known to run the key's task (first assignment not done yet). */
  | 'OWNER_UNKNOWN'
  /** A forwarded request reached an instance that no longer owns the key (it never forwards twice). */
  | 'NOT_OWNER'
  /** The owning instance did not answer in time or refused the connection. */
  | 'FORWARD_FAILED';

/** The state stores cannot answer this read now; retry. */
export class StoreUnavailableError extends ApiError {
  readonly reason: StoreUnavailableReason;

  constructor(reason: StoreUnavailableReason, message: string, cause?: unknown) {
    super('API_ERR_UNAVAILABLE', `${message}; retry in a moment`, {
      retriable: true,
      cause,
      details: { reason },
    });
    this.name = 'StoreUnavailableError';
    this.reason = reason;
  }
}
