/**
 * Clean stops of the main job (`api/main.ts` under tsx, as `npm start` runs it), in a process group of its
 * own: SIGINT sent to the whole group twice (what Ctrl-C does, plus tsx relaying it) and later SIGTERM to
 * the process. Each time the process closes its streams, sink and payment worker, leaves their consumer
 * groups and exits 0; the restart after the SIGINTs is ready long before the groups' 45 s session timeout,
 * which a member that did not leave would make it wait out (it joins once the old member's session ends:
 * about 40 s after the restart). The bound is that, not a speed: a start itself took 5-12 s here,
 * depending on the machine's load (the restart's time is printed; under 10 s on a quiet machine).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName, waitFor } from '../../support/index.js';
import { createDatabase } from './api-instance.js';
import { freePort } from './streams-nodes.js';

describe('the main job stops cleanly on signals', () => {
  let database: { url: string; drop: () => Promise<void> };
  let stateDir: string;
  let child: ChildProcess | undefined;
  const applicationId = uniqueName('it-stop');

  beforeAll(async () => {
    database = await createDatabase();
    stateDir = await mkdtemp(join(tmpdir(), 'it-stop-'));
  });
  afterAll(async () => {
    if (child?.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    await database?.drop();
    await rm(stateDir, { recursive: true, force: true });
  });

  /** Starts the main job in a new process group; resolves once `/ready` answers 200, with the time it took. */
  const start = async () => {
    const port = await freePort();
    const stack = endpoints();
    const started = Date.now();
    const process_ = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'api/main.ts'], {
      detached: true,
      env: {
        ...process.env,
        KAFKA_BROKERS: stack.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
        DATABASE_URL: database.url,
        REDIS_URL: stack.redisUrl,
        APPLICATION_ID: applicationId,
        TOPIC_PREFIX: `${applicationId}.`,
        TOPIC_PARTITIONS: '2',
        REDIS_KEY_PREFIX: `${applicationId}:`,
        HOST: '127.0.0.1',
        PORT: String(port),
        STATE_DIR: stateDir,
        NUM_STANDBY_REPLICAS: '0',
        SESSION_TIMEOUT_MS: '45000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = process_;
    let log = '';
    process_.stdout!.on('data', (chunk) => {
      log += String(chunk);
    });
    process_.stderr!.on('data', (chunk) => {
      log += String(chunk);
    });
    await waitFor(
      async () => {
        if (process_.exitCode !== null) throw new Error(`the main job exited ${process_.exitCode}: ${log}`);
        const response = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => undefined);
        return response?.status === 200;
      },
      { description: 'the main job ready', timeoutMs: 120_000, intervalMs: 200 },
    );
    return { process: process_, readyMs: Date.now() - started, log: () => log };
  };

  it('exits 0 after SIGINT to its group (twice), and a restart does not wait out the session', async () => {
    const first = await start();
    const exited = once(first.process, 'exit');
    const stopAt = Date.now();
    process.kill(-first.process.pid!, 'SIGINT');
    // Signals of one kind do not queue: a second one sent at once would be merged with the first.
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-first.process.pid!, 'SIGINT');
    const [code] = await exited;
    const stopMs = Date.now() - stopAt;
    expect(code, first.log()).toBe(0);
    expect(first.log()).toContain('shut down cleanly');
    expect(first.log()).toContain('already shutting down; signal ignored');

    const second = await start();
    console.log(
      `first start ready in ${first.readyMs} ms, stopped in ${stopMs} ms, restart ready in ${second.readyMs} ms`,
    );
    expect(second.readyMs).toBeLessThan(25_000);

    const exitedAgain = once(second.process, 'exit');
    second.process.kill('SIGTERM');
    expect((await exitedAgain)[0], second.log()).toBe(0);
    expect(second.log()).toContain('shut down cleanly');
  }, 300_000);
});
