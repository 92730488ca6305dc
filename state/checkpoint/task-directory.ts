/**
 * Decides, before a task's stores are opened, which local state can be trusted: a persistent store is
 * kept only when the checkpoint names it and its directory looks like a complete RocksDB database. Any
 * other store directory is wiped, so the runtime restores it from the start of its changelog rather than
 * from files that may be half-written (a crash during processing, a copy interrupted, a deleted file).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StateStoreError } from '../errors.js';
import { isOpenInThisProcess } from '../rocksdb/open-locations.js';
import { TaskDirectoryLock } from '../rocksdb/task-directory-lock.js';
import { type CheckpointEntry, readCheckpoint } from './checkpoint-file.js';

/** The outcome of {@link prepareTaskDirectory}. */
export interface PreparedTaskDirectory {
  /** Checkpointed positions of the stores whose local state is kept, by store name. */
  readonly trusted: ReadonlyMap<string, CheckpointEntry>;
  /** Stores whose directory was wiped (or absent) and must be restored from the changelog's start. */
  readonly restoreFromScratch: readonly string[];
  /** True when the checkpoint file existed but could not be read. */
  readonly checkpointCorrupt: boolean;
}

/** A RocksDB directory is usable only if it has a `CURRENT` file naming its manifest. */
async function looksComplete(storeDirectory: string): Promise<boolean> {
  try {
    const files = await readdir(storeDirectory);
    if (!files.includes('CURRENT') || !files.some((file) => file.startsWith('MANIFEST-'))) return false;
    return (await stat(join(storeDirectory, 'CURRENT'))).size > 0;
  } catch {
    return false;
  }
}

/**
 * Reads the checkpoint of `taskDirectory` and wipes the directories of the `persistentStores` it cannot
 * vouch for. Call it before the stores' `init`. It takes the task lock while it works, so it fails with
 * the retriable `STRM_ERR_STORE_TASK_DIR_LOCKED` instead of wiping files another instance still uses. In-memory stores are not listed: they hold nothing across
 * restarts and always restore from the changelog's start (so they are never checkpointed either).
 */
export async function prepareTaskDirectory(
  taskDirectory: string,
  persistentStores: readonly string[],
): Promise<PreparedTaskDirectory> {
  // Held while deciding, so that files another live process still uses are never wiped.
  const lock = await TaskDirectoryLock.acquire(taskDirectory);
  try {
    const checkpoint = await readCheckpoint(taskDirectory);
    const byStore = new Map(checkpoint.entries.map((entry) => [entry.store, entry]));
    const trusted = new Map<string, CheckpointEntry>();
    const restoreFromScratch: string[] = [];
    for (const store of persistentStores) {
      const directory = join(taskDirectory, store);
      const entry = byStore.get(store);
      if (entry !== undefined && (await looksComplete(directory))) {
        trusted.set(store, entry);
        continue;
      }
      if (isOpenInThisProcess(directory)) {
        throw new StateStoreError(
          'STRM_ERR_STORE_TASK_DIR_LOCKED',
          `State store directory ${directory} is still open in this process (pid ${process.pid}): another ` +
            'instance of the task has not closed it yet; retry once it has',
          { retriable: true },
        );
      }
      await rm(directory, { recursive: true, force: true });
      restoreFromScratch.push(store);
    }
    return { trusted, restoreFromScratch, checkpointCorrupt: checkpoint.status === 'corrupt' };
  } finally {
    await lock.release();
  }
}
