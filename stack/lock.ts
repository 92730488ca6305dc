import { open, readFile, rm } from 'node:fs/promises';
import { isAlive } from './processes.js';
import { sleep } from './util.js';

/**
 * Runs `action` while holding an exclusive lock file, so two `start`s at once (two test runs in one
 * checkout) do not both launch a cluster. A lock left by a process that died is taken over.
 */
export async function withLock<T>(
  lockFile: string,
  action: () => Promise<T>,
  timeoutMs = 600_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (holder && holder !== process.pid && !isAlive(holder)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`${lockFile} is held by process ${holder}; wait for it or delete the file`);
      }
      await sleep(200);
    }
  }
  try {
    return await action();
  } finally {
    await rm(lockFile, { force: true });
  }
}
