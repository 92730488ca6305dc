/**
 * The RocksDB directories this process has open, so that preparing a task directory never wipes a store
 * that another instance in the same process (which shares the task lock) still uses.
 */
import { resolve } from 'node:path';

const open = new Set<string>();

/** Records that the database in `location` is open. */
export function markOpen(location: string): void {
  open.add(resolve(location));
}

/** Records that the database in `location` was closed. */
export function markClosed(location: string): void {
  open.delete(resolve(location));
}

/** True when this process has the database in `location` open. */
export function isOpenInThisProcess(location: string): boolean {
  return open.has(resolve(location));
}
