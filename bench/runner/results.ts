/**
 * Result files of the pipeline benchmark: `bench/results/<timestamp>-<scenario>.json` (settings, machine,
 * every run's measurements) and an SVG chart beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { renderChart } from './chart.js';
import type { PipelineRunResult } from './run-pipeline.js';

/** The machine and software a result was measured on. */
export interface MachineInfo {
  readonly cpus: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly java: string;
  readonly loadAverageBefore: readonly number[];
  loadAverageAfter?: readonly number[];
}

/** Describes this machine; call before the runs (the load average after is added by {@link writeResults}). */
export function machineInfo(): MachineInfo {
  // `java -version` prints to stderr.
  const version = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const java = (version.stderr || version.stdout || 'unknown').split('\n')[0]!.trim();
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    java,
    loadAverageBefore: loadavg().map((l) => Math.round(l * 10) / 10),
  };
}

/** The folder results are written to. */
export const RESULTS_DIR = 'bench/results';

/** Writes the JSON (without the raw samples, which the timeline summarises) and the chart of the first run. */
export async function writeResults(
  scenario: string,
  body: {
    machine: MachineInfo;
    settings: Record<string, unknown>;
    runs: readonly PipelineRunResult[];
    [k: string]: unknown;
  },
  /** A chart of its own (the peer comparison); default: the runs' timelines. */
  chart?: string,
): Promise<{ json: string; svg: string }> {
  body.machine.loadAverageAfter = loadavg().map((l) => Math.round(l * 10) / 10);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, `${stamp}-${scenario}.json`);
  const svg = join(RESULTS_DIR, `${stamp}-${scenario}.svg`);
  const runs = body.runs.map(({ samples: _samples, ...rest }) => rest);
  await writeFile(
    json,
    `${JSON.stringify({ scenario, date: new Date().toISOString(), ...body, runs }, null, 2)}\n`,
  );
  await writeFile(
    svg,
    chart ?? renderChart(`${scenario}: ${body.runs.map((r) => r.label).join(', ')}`, body.runs),
  );
  return { json, svg };
}
