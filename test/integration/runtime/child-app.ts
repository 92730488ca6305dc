/**
 * Fault tests run the application in a child process, because only a process can be killed (SIGKILL) or
 * frozen (SIGSTOP) the way a crashed or paused instance is. This spawns one of the apps of this folder on
 * the shared stack and keeps what it prints, which is how the test learns its state (`RUNNING`, `TASKS`...).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { endpoints } from '../../support/index.js';

/** A test app's process and what it printed so far. */
export interface ChildApp {
  readonly child: ChildProcess;
  /** The complete lines printed so far, in order (the array grows as the app prints). */
  readonly lines: string[];
  /** Everything printed so far, as one text. */
  output(): string;
}

export interface ChildAppOptions {
  readonly input: string;
  readonly output: string;
  readonly applicationId: string;
  readonly stateDir: string;
  /** More of the app's settings, e.g. `{ PERSISTENT: '1', GUARANTEE: 'exactly_once' }`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Keep stderr too (default: it goes to the test's own stderr, where a failure shows in the log). */
  readonly captureStderr?: boolean;
}

/** Starts `app` (a file of this folder, run through tsx) on the stack's brokers; it runs until killed. */
export function spawnTestApp(
  app: 'region-totals-app.ts' | 'exactly-once-app.ts',
  options: ChildAppOptions,
): ChildApp {
  const child = spawn(process.execPath, ['--import', 'tsx', `test/integration/runtime/${app}`], {
    env: {
      ...process.env,
      INPUT: options.input,
      OUTPUT: options.output,
      APPLICATION_ID: options.applicationId,
      STATE_DIR: options.stateDir,
      KAFKA_BROKERS: endpoints().kafkaBrokers.join(','),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', options.captureStderr ? 'pipe' : 'inherit'],
  });
  let text = '';
  let partial = '';
  const lines: string[] = [];
  const collect = (chunk: unknown) => {
    text += String(chunk);
    const split = (partial + String(chunk)).split('\n');
    partial = split.pop()!;
    lines.push(...split);
  };
  child.stdout!.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, lines, output: () => text };
}
