import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A service process to run in the background, detached from the caller. */
export interface ServiceCommand {
  readonly executable: string;
  readonly args: string[];
  readonly cwd: string;
  /** stdout and stderr go here (the services also write their own log files). */
  readonly outputFile: string;
}

/**
 * Starts a command in its own process group (so `stop` can end it with everything it spawned) with its
 * output in a file, and lets the caller exit while it keeps running. Returns its pid.
 */
export function spawnDetached(command: ServiceCommand): number {
  const output = openSync(command.outputFile, 'a');
  try {
    const child = spawn(command.executable, command.args, {
      cwd: command.cwd,
      detached: true,
      stdio: ['ignore', output, output],
    });
    if (child.pid === undefined) {
      throw new Error(`could not start ${command.executable}`);
    }
    child.on('error', () => {
      // Reported through the readiness check, which sees the process gone and points at the log.
    });
    child.unref();
    return child.pid;
  } finally {
    closeSync(output);
  }
}

/** True when a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  if (existsSync(stat)) {
    // Field 3 is the state; `Z` is a zombie that exited but was not reaped yet.
    const state = readFileSync(stat, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  }
  return true;
}

/**
 * Pids of running processes whose command line contains `marker`. Every JVM of the stack carries a
 * `-Dtstreams.stack=<folder>` marker, so this finds ours (and only ours) even if the state file is lost.
 * With `prefix`, any argument starting with `marker` matches (all private clusters under a folder).
 */
export async function pidsWithMarker(marker: string, options: { prefix?: boolean } = {}): Promise<number[]> {
  const matches = (arg: string) => (options.prefix ? arg.startsWith(marker) : arg === marker);
  const pids: number[] = [];
  if (existsSync('/proc/self/cmdline')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.split('\0').some(matches) && isAlive(Number(entry))) pids.push(Number(entry));
      } catch {
        // The process ended while we were listing.
      }
    }
    return pids;
  }
  const { stdout } = await run('ps', ['-axww', '-o', 'pid=,command=']);
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match?.[2]?.split(' ').some(matches)) pids.push(Number(match[1]));
  }
  return pids;
}

/** True when `pid` runs and carries our marker (a recorded pid may since belong to another program). */
export async function isOurs(pid: number, marker: string): Promise<boolean> {
  return pid > 0 && isAlive(pid) && (await pidsWithMarker(marker)).includes(pid);
}

/**
 * Ends a process group started by {@link spawnDetached}: SIGTERM (Kafka and Quarkus shut down cleanly),
 * then SIGKILL after `graceMs`. Resolves true once the leader is gone.
 */
export async function stopProcessGroup(pid: number, graceMs = 15_000): Promise<boolean> {
  if (await signalGroupAndWait(pid, 'SIGTERM', graceMs)) return true;
  return signalGroupAndWait(pid, 'SIGKILL', 5_000);
}

/** Sends `signal` to a process group and resolves true once its leader is gone (false after `timeoutMs`). */
export async function signalGroupAndWait(
  pid: number,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<boolean> {
  signalGroup(pid, signal);
  return waitUntilGone(pid, timeoutMs);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}
