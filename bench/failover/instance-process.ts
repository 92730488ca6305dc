/**
 * The parent's handle on one failover-benchmark instance: spawns `failover-instance.ts`, collects its
 * JSON-line reports as they arrive, and kills or stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { InstanceReport } from './instance-report.js';

export class InstanceProcess {
  readonly name: string;
  readonly reports: InstanceReport[] = [];
  readonly #child: ChildProcess;
  readonly #exited: Promise<unknown>;

  constructor(name: string, env: Readonly<Record<string, string>>) {
    this.name = name;
    this.#child = spawn(process.execPath, ['--import', 'tsx', 'bench/failover/failover-instance.ts'], {
      env: { ...process.env, ...env },
      // stderr (the runtime's errors) goes straight to the console: a failing instance explains itself.
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.#exited = once(this.#child, 'exit');
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) this.reports.push(JSON.parse(line) as InstanceReport);
    });
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The tasks of the last assignment (empty before the first). */
  tasks(): string[] {
    for (let i = this.reports.length - 1; i >= 0; i--) {
      const report = this.reports[i]!;
      if (report.event === 'tasks') return report.tasks;
    }
    return [];
  }

  /** The last lifecycle state reported (CREATED before any). */
  state(): string {
    for (let i = this.reports.length - 1; i >= 0; i--) {
      const report = this.reports[i]!;
      if (report.event === 'state') return report.state;
    }
    return 'CREATED';
  }

  /** SIGKILL: no commit, no leave-group; returns the wall-clock moment the signal was sent. */
  async kill(): Promise<number> {
    const at = Date.now();
    this.#child.kill('SIGKILL');
    await this.#exited;
    return at;
  }

  /** SIGTERM (the instance closes cleanly), SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.alive) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
