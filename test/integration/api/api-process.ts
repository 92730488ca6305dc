/**
 * An instance of the application as its own operating-system process (`api/main.ts`, the production entry
 * point), for tests that must kill one the way production dies: SIGKILL, no shutdown hook, no goodbye to
 * the consumer group. Node runs the TypeScript through tsx's loader in the same process (`--import tsx`),
 * so the pid signalled is the application's own, not a wrapper's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../support/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A running child instance. */
export interface ApiProcess {
  /** `host:port` of its HTTP API. */
  readonly server: string;
  readonly child: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** SIGKILL: the process ends at once, mid-request, without closing anything. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after 20 s); removes its state directory. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts `api/main.ts` with `env` (on top of this process's environment) on a port of its own and its own
 * state directory; resolves once `/ready` answers 200 (streams RUNNING, sink, Postgres, Redis).
 */
export async function startApiProcess(
  env: Record<string, string>,
  readyTimeoutMs = 90_000,
): Promise<ApiProcess> {
  const port = await freePort();
  const server = `127.0.0.1:${port}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'it-proc-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADVERTISED_SERVER: server,
      STATE_DIR: stateDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => lines.join('\n');
  const cleanUp = () => rm(stateDir, { recursive: true, force: true });
  const handle: ApiProcess = {
    server,
    child,
    output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      await cleanUp();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanUp();
    },
  };
  let outcome: 'ready' | 'exited';
  try {
    outcome = await waitFor(
      async () => {
        if (child.exitCode !== null) return 'exited' as const;
        const response = await fetch(`http://${server}/ready`).catch(() => undefined);
        return response?.status === 200 ? ('ready' as const) : undefined;
      },
      { description: `instance on ${server} ready`, timeoutMs: readyTimeoutMs, intervalMs: 250 },
    );
  } catch (error) {
    await handle.kill();
    throw new Error(`${(error as Error).message}\n${output()}`);
  }
  if (outcome === 'exited') {
    await cleanUp();
    throw new Error(`the instance on ${server} exited (${child.exitCode}) before it was ready:\n${output()}`);
  }
  return handle;
}
