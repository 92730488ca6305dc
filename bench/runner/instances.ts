/**
 * Child processes of a benchmark run (pipeline instances and peers), started so that their pid is the
 * process doing the work (node with the tsx loader, not an npx wrapper), so `/proc/<pid>/stat` measures
 * it. Their output goes to a log file per process in the run folder.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instanceFailed } from './errors.js';
import type { PipelineMessage, PipelineProcessConfig } from './pipeline-process.js';

/** A running child. */
export interface Instance {
  readonly name: string;
  readonly pid: number;
  /** Records consumed and dead-lettered, as reported by a pipeline instance (0 for peers). */
  readonly counters: { consumed: number; deadLetters: number; lag: number };
  /** False once the process has exited (on its own or stopped). */
  alive(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

const PIPELINE_ENTRY = fileURLToPath(new URL('./pipeline-process.ts', import.meta.url));

/** Starts one pipeline instance; resolves once it reports RUNNING. */
export async function startPipelineInstance(
  name: string,
  config: PipelineProcessConfig,
  logFile: string,
  options: { cpuProfileDir?: string } = {},
): Promise<Instance> {
  const execArgv = ['--import', 'tsx'];
  if (options.cpuProfileDir !== undefined)
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child = fork(PIPELINE_ENTRY, [], {
    execArgv,
    env: { ...process.env, BENCH_PIPELINE: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const counters = { consumed: 0, deadLetters: 0, lag: 0 };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(instanceFailed(name, `not RUNNING after 180 s (log: ${logFile})`)),
      180_000,
    );
    child.on('message', (message: PipelineMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(instanceFailed(name, `${message.message} (log: ${logFile})`));
      } else {
        counters.consumed += message.consumed;
        counters.deadLetters += message.deadLetters;
        counters.lag = message.lag;
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(instanceFailed(name, `exited with code ${code} (log: ${logFile})`));
    });
  });
  return wrap(name, child, counters);
}

/** Starts a peer process (`command args`), logging to `logFile`; resolves at once. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = {},
): Instance {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return wrap(name, child, { consumed: 0, deadLetters: 0, lag: 0 });
}

function wrap(name: string, child: ChildProcess, counters: Instance['counters']): Instance {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name,
    pid: child.pid!,
    counters,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop(graceMs = 30_000) {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
