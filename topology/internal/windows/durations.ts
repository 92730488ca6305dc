/** Argument checks shared by the window definitions: durations are whole, non-negative milliseconds. */
import { TopologyError } from '../../errors.js';

/**
 * Returns `ms` when it is a safe integer of at least `min`, or throws a coded error naming the window
 * kind, the argument and the fix.
 */
export function checkDuration(owner: string, argument: string, ms: number, min: number): number {
  if (!Number.isSafeInteger(ms) || ms < min) {
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
      `${owner}: ${argument} is ${String(ms)}; pass a whole number of milliseconds${min > 0 ? ` of at least ${min}` : ' (0 or more)'}`,
    );
  }
  return ms;
}

/** Returns `value` when it is a positive safe integer (a count or a size), or throws a coded error. */
export function checkPositiveCount(owner: string, argument: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TopologyError(
      'STRM_ERR_TOPOLOGY_INVALID_ARGUMENT',
      `${owner}: ${argument} is ${String(value)}; pass a whole number of at least 1`,
    );
  }
  return value;
}
