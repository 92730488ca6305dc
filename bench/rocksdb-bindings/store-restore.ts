/**
 * The store side of restoration and processing (`npm run bench:stores`): how fast the state stores of
 * `state/` take changelog records through `restoreBatch` (batches of 1,000, as a restore consumer hands
 * them over) for a changelog of a million records, and how fast a processor's single puts and gets run
 * through the full stack (metered + change-logging + store). Median of 3 runs, a fresh store each run.
 * Fetching the changelog from the broker is measured by the runtime's benchmark; this is the upper bound
 * the stores put on it. Writes the "State stores" section of `bench/RESULTS.md`.
 *
 * Options: `--records N` (default 1000000), `--ops N` (default 200000), `--runs R` (default 3), `--no-write`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Serde } from '../../schemas/serde.js';
import { type ChangelogRecord, type KeyValueStore, type StoreContext, Stores } from '../../state/index.js';
import { machineDescription, writeResultsSection } from './results-file.js';

const { values: options } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    ops: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RECORDS = Number(options.records);
const OPS = Number(options.ops);
const RUNS = Number(options.runs);
const BATCH = 1000;

/** Keys and values stay bytes: the benchmark measures the stores, not a serde. */
const bytes: Serde<Buffer> = {
  name: 'bytes',
  orderPreserving: true,
  serialize: (value) => value,
  deserialize: (data) => data as Buffer,
};

function key(i: number): Buffer {
  return Buffer.from(`key-${String(i).padStart(8, '0')}`);
}

/** A changelog of RECORDS records over RECORDS / 2 keys (so half the records overwrite), random order. */
function changelog(): ChangelogRecord[][] {
  const keys = Math.max(1, Math.floor(RECORDS / 2));
  const batches: ChangelogRecord[][] = [];
  let batch: ChangelogRecord[] = [];
  for (let offset = 0; offset < RECORDS; offset++) {
    batch.push({
      key: key(Math.floor(Math.random() * keys)),
      value: randomBytes(100),
      offset,
      timestamp: offset,
    });
    if (batch.length === BATCH) {
      batches.push(batch);
      batch = [];
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

async function withStore<T>(
  persistent: boolean,
  work: (store: KeyValueStore<Buffer, Buffer>) => Promise<T> | T,
): Promise<T> {
  const stateDir = await mkdtemp(join(tmpdir(), 'store-bench-'));
  const context: StoreContext = {
    applicationId: 'bench',
    taskId: '0_0',
    partition: 0,
    stateDir,
    changelog: { send: () => undefined },
    currentTimestamp: () => 0,
  };
  const supplier = persistent
    ? Stores.persistentKeyValueStore('bench')
    : Stores.inMemoryKeyValueStore('bench');
  const store = Stores.keyValueStoreBuilder(supplier, bytes, bytes).withLoggingEnabled().build();
  await store.init(context);
  try {
    return await work(store);
  } finally {
    await store.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function perSecond(count: number, ms: number): number {
  return (count / ms) * 1000;
}

interface Rates {
  restore: number;
  /** Restored records per CPU second of the process (all threads, RocksDB's background ones too). */
  restoreCpu: number;
  put: number;
  get: number;
}

async function runOnce(persistent: boolean, batches: ChangelogRecord[][]): Promise<Rates> {
  const [restore, restoreCpu] = await withStore(persistent, async (store) => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const batch of batches) store.restoreBatch(batch);
    await store.flush();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return [perSecond(RECORDS, wallMs), perSecond(RECORDS, (used.user + used.system) / 1000)];
  });
  return withStore(persistent, async (store) => {
    const value = randomBytes(100);
    const order = Array.from({ length: OPS }, (_, i) => key((i * 7919) % OPS));
    let start = performance.now();
    for (const k of order) store.put(k, value);
    await store.flush();
    const put = perSecond(OPS, performance.now() - start);
    start = performance.now();
    let found = 0;
    for (const k of order) if (store.get(k) !== undefined) found++;
    const get = perSecond(OPS, performance.now() - start);
    if (found !== OPS) throw new Error(`found ${found} of ${OPS} keys`);
    return { restore, restoreCpu, put, get };
  });
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

async function main(): Promise<void> {
  const batches = changelog();
  const rows: string[] = [];
  const loadBefore = loadavg()[0] ?? 0;
  const measured = [true, false].map((persistent) => ({ persistent, runs: [] as Rates[] }));
  for (let run = 0; run < RUNS; run++) {
    for (const { persistent, runs } of measured) {
      runs.push(await runOnce(persistent, batches));
      console.error(`${persistent ? 'rocksdb' : 'in-memory'} run ${run + 1}/${RUNS} done`);
    }
  }
  const load = `1-minute load average ${loadBefore.toFixed(1)} before and ${(loadavg()[0] ?? 0).toFixed(1)} after the run`;
  for (const { persistent, runs } of measured) {
    const cell = (pick: (r: Rates) => number) => Math.round(median(runs.map(pick))).toLocaleString('en-US');
    rows.push(
      `| ${persistent ? 'RocksDB (@nxtedition/rocksdb)' : 'in-memory'} | ${cell((r) => r.restore)} | ${cell((r) => r.restoreCpu)} | ${cell((r) => r.put)} | ${cell((r) => r.get)} |`,
    );
  }
  const table = [
    '| store | restoreBatch records/s | restored records per CPU-s | put/s (flush at end) | get/s |',
    '|---|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  const setup =
    `restore: ${RECORDS.toLocaleString('en-US')} changelog records (16-byte keys over ${Math.floor(RECORDS / 2).toLocaleString('en-US')} distinct keys, ` +
    `100-byte values, random order) in batches of ${BATCH}; processing: ${OPS.toLocaleString('en-US')} single puts then gets ` +
    `through the metered + change-logging stack (no cache), median of ${RUNS} runs`;
  const machine = machineDescription();
  console.log(`${setup}\n${machine}\n\n${table}`);
  if (!options['no-write']) {
    await writeResultsSection({
      id: 'state-stores',
      heading: 'State stores (store side of restoration and processing)',
      body: [
        `Measured ${new Date().toISOString()} with \`npm run bench:stores\` (\`bench/rocksdb-bindings/store-restore.ts\`).`,
        '',
        `- Machine: ${machine}; ${load} (other work shared the machine)`,
        `- Workload: ${setup}`,
        '',
        table,
        '',
        'This is the store side of restoration only (applying records already fetched); end-to-end restoration',
        "also includes fetching the changelog from the broker with the runtime's restore consumer.",
      ].join('\n'),
    });
    console.error('written to bench/RESULTS.md');
  }
}

await main();
