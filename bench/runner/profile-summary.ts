/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, as `--profile` writes for instance 1): the functions
 * with the most self time, and the share of time per package or folder, so the next optimisation step
 * is visible.
 *
 *   npx tsx bench/runner/profile-summary.ts <profile.cpuprofile | folder> [top=25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time per function and per area (package or our top-level folder), in milliseconds. */
export function summariseProfile(profile: CpuProfile): {
  totalMs: number;
  functions: Array<{ name: string; ms: number; share: number }>;
  areas: Array<{ area: string; ms: number; share: number }>;
} {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/work\/main\//, '');
    const name = `${functionName || '(anonymous)'} ${file === '' ? '' : `${file}:${lineNumber + 1}`}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byArea.set(areaOf(file, functionName), (byArea.get(areaOf(file, functionName)) ?? 0) + us);
  }
  const rows = <K extends string>(map: Map<string, number>, key: K) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([name, us]) =>
          ({ [key]: name, ms: Math.round(us / 1000), share: Math.round((us / total) * 1000) / 10 }) as {
            [P in K]: string;
          } & { ms: number; share: number },
      );
  return {
    totalMs: Math.round(total / 1000),
    functions: rows(byFunction, 'name'),
    areas: rows(byArea, 'area'),
  };
}

/** `kafkajs`, `avsc`, `topology/`, `node:internal`, `(garbage collector)`, ... */
function areaOf(file: string, functionName: string): string {
  if (file === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1]!;
  if (file.startsWith('node:')) return 'node internals';
  return `${file.split('/')[0]}/`;
}

/**
 * The main thread's profile in a `--cpu-prof-dir` folder: the largest file (the tsx loader's worker
 * thread writes a second, nearly idle one).
 */
export function mainProfileIn(folder: string): string {
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(folder, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  if (files[0] === undefined) throw new Error(`no .cpuprofile in ${folder}; run with --profile first`);
  return files[0];
}

function main(): void {
  const [target, topArg] = process.argv.slice(2);
  if (target === undefined) throw new Error('usage: profile-summary.ts <profile.cpuprofile | folder> [top]');
  const file = statSync(target).isDirectory() ? mainProfileIn(target) : target;
  const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const top = Number(topArg ?? 25);
  console.log(`total sampled ${summary.totalMs} ms (${file})\n\nby area:`);
  for (const a of summary.areas.slice(0, 15))
    console.log(`${String(a.share).padStart(5)} %  ${a.ms} ms  ${a.area}`);
  console.log('\nby function (self time):');
  for (const f of summary.functions.slice(0, top))
    console.log(`${String(f.share).padStart(5)} %  ${f.ms} ms  ${f.name}`);
}

if (process.argv[1]?.endsWith('profile-summary.ts')) main();
