/**
 * The RocksDB binding benchmark (`npm run bench:rocksdb`): for each binding, N records of 100-byte values
 * are written one put at a time, written again in batches, read back one get at a time in random order,
 * and scanned; each figure is the median of 3 runs on a fresh database. Prints a table and writes it to
 * the "RocksDB bindings" section of `bench/RESULTS.md`.
 *
 * Options: `--records N` (default 200000), `--runs R` (default 3), `--batch B` (default 1000), `--no-write`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchBinding, bindings } from './bindings.js';
import { machineDescription, writeResultsSection } from './results-file.js';

const { values: options } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '1000' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RECORDS = Number(options.records);
const RUNS = Number(options.runs);
const BATCH = Number(options.batch);

type Operation = 'put' | 'batch' | 'get' | 'scan';
const OPERATIONS: readonly Operation[] = ['put', 'batch', 'get', 'scan'];

/** Keys `key-<8 digits>` and random 100-byte values, in a shuffled order (writes and reads hit at random). */
function dataset(count: number): { entries: [Buffer, Buffer][]; shuffledKeys: Buffer[] } {
  const entries: [Buffer, Buffer][] = [];
  for (let i = 0; i < count; i++)
    entries.push([Buffer.from(`key-${String(i).padStart(8, '0')}`), randomBytes(100)]);
  shuffle(entries);
  const shuffledKeys = entries.map(([key]) => key);
  shuffle(shuffledKeys);
  return { entries, shuffledKeys };
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

/** Wall-clock and process CPU time (all threads, so the async bindings' worker threads count too). */
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed(work: () => Promise<unknown>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

type Rates = Record<Operation, number>;

/** Operations per wall-clock second, and per CPU second (less sensitive to other load on the machine). */
interface RunRates {
  readonly wall: Rates;
  readonly cpu: Rates;
}

/** One run of every operation on a fresh database; returns operations per second. */
async function runOnce(binding: BenchBinding, data: ReturnType<typeof dataset>): Promise<RunRates> {
  const root = await mkdtemp(join(tmpdir(), 'rocksdb-bench-'));
  try {
    const singles = await binding.open(join(root, 'singles'));
    const put = await timed(() => singles.putEach(data.entries));
    let found = 0;
    const get = await timed(async () => {
      found = await singles.getEach(data.shuffledKeys);
    });
    let scanned = 0;
    const scan = await timed(async () => {
      scanned = await singles.scanAll();
    });
    await singles.close();
    if (found !== RECORDS || scanned !== RECORDS) {
      throw new Error(`${binding.name}: found ${found} and scanned ${scanned} of ${RECORDS} records`);
    }
    const batched = await binding.open(join(root, 'batched'));
    const batch = await timed(() => batched.writeBatches(data.entries, BATCH));
    await batched.close();
    const rates = (pick: (t: Timing) => number): Rates => ({
      put: (RECORDS / pick(put)) * 1000,
      batch: (RECORDS / pick(batch)) * 1000,
      get: (RECORDS / pick(get)) * 1000,
      scan: (RECORDS / pick(scan)) * 1000,
    });
    return { wall: rates((t) => t.wallMs), cpu: rates((t) => t.cpuMs) };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The choice, argued from this run's numbers (ratios against the named default, `rocksdb`). */
function explainChoice(results: { binding: BenchBinding; rates: Rates; cpuRates: Rates }[]): string {
  const chosen = results.find((r) => r.binding.name === '@nxtedition/rocksdb');
  const baseline = results.find((r) => r.binding.name === 'rocksdb');
  const ratio = (op: Operation, other: typeof chosen) =>
    chosen && other
      ? `${(chosen.rates[op] / other.rates[op]).toFixed(1)}× (per CPU second ${(chosen.cpuRates[op] / other.cpuRates[op]).toFixed(1)}×)`
      : 'n/a';
  const others = results.filter((r) => r !== chosen);
  const comparisons = others
    .map(
      (other) =>
        `against ${other.binding.name}: puts ${ratio('put', other)}, batched puts ${ratio('batch', other)}, ` +
        `gets ${ratio('get', other)}, scans ${ratio('scan', other)}`,
    )
    .join('; ');
  return [
    '**Choice: `@nxtedition/rocksdb`** (behind `state/rocksdb/binding.ts`, so it can change).',
    '',
    `- Measurement: ${comparisons || 'no other binding measured'} (ratios of throughput; above 1× the chosen binding is faster).`,
    '- Fit: it is the only one of the three with synchronous gets, batch writes and iterator reads, which the',
    '  store contract needs (a processor never awaits per record). The other two would force an asynchronous',
    '  store or a write-behind buffer in front of every read.',
    `- Upkeep: it embeds RocksDB ${chosen?.binding.engine ?? '9.x'} and is actively released (12.x series); \`rocksdb\``,
    `  ${baseline ? `${baseline.binding.version} ` : ''}embeds RocksDB 6.17.3, its Level project is no longer maintained, and it exposes only the`,
    '  callback API. `rocksdb-native` is maintained (Holepunch, frequent releases) but is built for Bare first',
    '  (its `engines` field names only Bare; it loads in Node 20) and is promise-only.',
    '- Release dates as `npm view <package> time` reports them here: `rocksdb` 5.2.1 2024-12-11 (its last release),',
    '  `@nxtedition/rocksdb` 12.2.12 2026-01-16, `rocksdb-native` 3.18.1 2026-09-27.',
    '- `@harperfast/rocksdb-js` is not served by the registry reachable here (only a platform sub-package is),',
    '  so it was not measured.',
  ].join('\n');
}

function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const data = dataset(RECORDS);
  const loadBefore = loadavg()[0] ?? 0;
  const measured = bindings().map((binding) => ({ binding, runs: [] as RunRates[] }));
  // Runs interleave the bindings, so that load from other processes falls on all of them alike.
  for (let run = 0; run < RUNS; run++) {
    for (const { binding, runs } of measured) {
      runs.push(await runOnce(binding, data));
      console.error(`${binding.name} run ${run + 1}/${RUNS} done`);
    }
  }
  const medians = (rates: Rates[]): Rates =>
    Object.fromEntries(OPERATIONS.map((op) => [op, median(rates.map((r) => r[op]))])) as Rates;
  const results = measured.map(({ binding, runs }) => ({
    binding,
    rates: medians(runs.map((r) => r.wall)),
    cpuRates: medians(runs.map((r) => r.cpu)),
  }));
  const load = `1-minute load average ${loadBefore.toFixed(1)} before and ${(loadavg()[0] ?? 0).toFixed(1)} after the run`;

  const header = '| binding | version | RocksDB | API | puts/s | batched puts/s | gets/s | scan entries/s |';
  const rows = results.map(
    ({ binding, rates }) =>
      `| ${binding.name} | ${binding.version} | ${binding.engine} | ${binding.api} | ${OPERATIONS.map((op) => formatRate(rates[op])).join(' | ')} |`,
  );
  const table = [header, '|---|---|---|---|---:|---:|---:|---:|', ...rows].join('\n');
  const cpuTable = [
    '| binding | puts per CPU-s | batched puts per CPU-s | gets per CPU-s | scan entries per CPU-s |',
    '|---|---:|---:|---:|---:|',
    ...results.map(
      ({ binding, cpuRates }) =>
        `| ${binding.name} | ${OPERATIONS.map((op) => formatRate(cpuRates[op])).join(' | ')} |`,
    ),
  ].join('\n');
  const machine = machineDescription();
  const setup =
    `${RECORDS.toLocaleString('en-US')} records (16-byte keys, 100-byte random values, shuffled), ` +
    `median of ${RUNS} runs, batches of ${BATCH}; single puts and gets are issued one after another ` +
    '(awaited for the async bindings), as a state store would.';
  console.log(`${setup}\n${machine}\n\n${table}\n\n${cpuTable}`);
  const choice = explainChoice(results);
  console.log(`\n${choice}`);
  if (!options['no-write']) {
    await writeResultsSection({
      id: 'rocksdb-bindings',
      heading: 'RocksDB bindings',
      body: [
        `Measured ${new Date().toISOString()} with \`npm run bench:rocksdb\` (\`bench/rocksdb-bindings/run.ts\`).`,
        '',
        `- Machine: ${machine}; ${load} (other work shared the machine)`,
        `- Workload: ${setup}`,
        '',
        'Operations per second (wall clock):',
        '',
        table,
        '',
        'Operations per CPU second of the process (all its threads), which other load on the machine disturbs less:',
        '',
        cpuTable,
        '',
        choice,
      ].join('\n'),
    });
    console.error('written to bench/RESULTS.md');
  }
}

await main();
