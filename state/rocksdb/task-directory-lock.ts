/**
 * A lock file per task directory (`stateDir/<applicationId>/<taskId>/.lock`, holding the owner's pid), so
 * two processes never open the stores of the same task: during a rebalance the old owner may not have
 * closed them yet. Stores of one task in one process share the lock (it is counted); a lock left by a
 * process that no longer runs is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StateStoreError } from '../errors.js';

const LOCK_FILE = '.lock';

/** Locks held by this process, by task directory, with the number of stores using each. */
const held = new Map<string, { count: number }>();

/** A held lock on one task directory; release it once per `acquire`. */
export class TaskDirectoryLock {
  private released = false;

  private constructor(readonly taskDirectory: string) {}

  /**
   * Locks `taskDirectory` (creating it) for this process. Fails with `STRM_ERR_STORE_TASK_DIR_LOCKED`
   * (retriable: the holder may be handing the task over) when another live process holds it.
   */
  static async acquire(taskDirectory: string): Promise<TaskDirectoryLock> {
    const directory = resolve(taskDirectory);
    const mine = held.get(directory);
    if (mine !== undefined) {
      mine.count++;
      return new TaskDirectoryLock(directory);
    }
    await mkdir(directory, { recursive: true });
    const lockPath = join(directory, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const file = await open(lockPath, 'wx');
        await file.writeFile(`${process.pid}\n`);
        await file.close();
        // Another store of this task may have taken the lock while this one awaited.
        const raced = held.get(directory);
        if (raced !== undefined) raced.count++;
        else held.set(directory, { count: 1 });
        return new TaskDirectoryLock(directory);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = await readHolder(lockPath);
        if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
          throw new StateStoreError(
            'STRM_ERR_STORE_TASK_DIR_LOCKED',
            `Task directory ${directory} is locked by process ${holder}: another instance still owns this ` +
              'task (wait for it to close the task, or give each instance its own state.dir)',
            { retriable: true },
          );
        }
        // The holder is gone (or is a dead process whose pid we now reuse): the lock is stale.
        await unlink(lockPath).catch(() => undefined);
      }
    }
    throw new StateStoreError(
      'STRM_ERR_STORE_TASK_DIR_LOCKED',
      `Task directory ${directory} could not be locked: its ${LOCK_FILE} file keeps reappearing; another process is racing for it`,
      { retriable: true },
    );
  }

  /** Releases this hold; the lock file goes when the last store of the task releases it. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const entry = held.get(this.taskDirectory);
    if (entry === undefined) return;
    entry.count--;
    if (entry.count > 0) return;
    held.delete(this.taskDirectory);
    const lockPath = join(this.taskDirectory, LOCK_FILE);
    if ((await readHolder(lockPath)) === process.pid) await unlink(lockPath).catch(() => undefined);
  }
}

async function readHolder(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
