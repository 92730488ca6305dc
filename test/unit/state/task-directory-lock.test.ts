import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Stores, taskDirectory } from '../../../state/index.js';
import { type TestContext, tempStateDir, testContext } from './support/context.js';
import { stringSerde } from './support/serdes.js';

function kvStore(name: string) {
  return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), stringSerde, stringSerde).build();
}

describe('task directory lock', () => {
  let cleanup: () => Promise<void>;
  let context: TestContext;
  let holder: ChildProcess | undefined;

  beforeEach(async () => {
    const temp = await tempStateDir();
    cleanup = temp.cleanup;
    context = testContext(temp.dir, '1_4');
  });

  afterEach(async () => {
    holder?.kill('SIGKILL');
    holder = undefined;
    await cleanup();
  });

  it('is shared by the stores of one task in one process and removed with the last', async () => {
    const first = kvStore('one');
    const second = kvStore('two');
    await first.init(context);
    await second.init(context);
    const lockFile = join(taskDirectory(context), '.lock');
    expect((await readFile(lockFile, 'utf8')).trim()).toBe(String(process.pid));
    await first.close();
    expect((await readFile(lockFile, 'utf8')).trim()).toBe(String(process.pid));
    await second.close();
    await expect(readFile(lockFile, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a task directory held by another live process, naming the directory and the pid', async () => {
    // Another real process holds the lock: its pid is in the lock file while it runs.
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = holder.pid as number;
    const store = kvStore('contended');
    await store.init(context); // creates the directory
    await store.close();
    await writeFile(join(taskDirectory(context), '.lock'), `${pid}\n`);
    const again = kvStore('contended');
    const failure = again.init(context);
    await expect(failure).rejects.toMatchObject({ code: 'STRM_ERR_STORE_TASK_DIR_LOCKED', retriable: true });
    await expect(failure).rejects.toThrow(new RegExp(`${taskDirectory(context)}.*process ${pid}`));
    expect(again.isOpen()).toBe(false);
  });

  it('refuses a second instance of one store in one process (retriable), and keeps the lock count right', async () => {
    const first = kvStore('twice');
    await first.init(context);
    const second = kvStore('twice');
    await expect(second.init(context)).rejects.toMatchObject({
      code: 'STRM_ERR_STORE_TASK_DIR_LOCKED',
      retriable: true,
      message: expect.stringContaining(
        `State store "twice" at ${join(taskDirectory(context), 'twice')} is already open`,
      ),
    });
    first.put('a', '1');
    expect(first.get('a')).toBe('1');
    await first.close();
    await expect(readFile(join(taskDirectory(context), '.lock'), 'utf8')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('takes over a lock left by a process that has exited', async () => {
    const exited = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    const pid = exited.pid as number;
    await new Promise((resolve) => exited.on('exit', resolve));
    const store = kvStore('stale');
    await store.init(context);
    await store.close();
    await writeFile(join(taskDirectory(context), '.lock'), `${pid}\n`);
    const again = kvStore('stale');
    await again.init(context);
    expect((await readFile(join(taskDirectory(context), '.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await again.close();
  });
});
