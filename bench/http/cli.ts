/**
 * `npm run bench:http`: the reservation application driven through its HTTP API, the path booking clients
 * use. Each run starts fresh instances of the main job (`api/main.ts`, child processes on their own topic
 * prefix, Redis prefix and database) on the benchmark's broker, waits until every instance answers
 * `/ready`, and runs the open-loop load generator (`load-generator.ts`, a process of its own) against the
 * instances that serve HTTP. Settings run interleaved (run 1 of each, then run 2 of each, ...), so a noisy
 * minute of the shared machine hits every setting alike.
 *
 *   npm run bench:http -- [--rate 10000] [--duration 60] [--runs 3] [--layouts 1,2,split] [--wait false,true]
 *
 * Layouts: `1`, `2` (that many full instances, the load spread round robin), `split` (one API-only
 * instance, RUN_STREAMS=false, taking the load beside one streams-only instance). Writes
 * bench/results/<timestamp>-http.json and prints a Markdown table of medians.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import pg from 'pg';
import { PostgresApiKeyStore } from '../../api/auth/api-keys.js';
import { benchKafka } from '../runner/bench-client.js';
import { openBenchCluster } from '../runner/cluster.js';
import { readProcStat } from '../runner/proc-stat.js';
import { machineInfo, RESULTS_DIR } from '../runner/results.js';
import { latencySummary, median } from '../runner/stats.js';
import { writeBenchCatalog } from '../workload/catalog.js';
import type { LoadConfig, LoadReport } from './load-generator.js';

const MAIN_ENTRY = fileURLToPath(new URL('../../api/main.ts', import.meta.url));
const GENERATOR_ENTRY = fileURLToPath(new URL('./load-generator.ts', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Setting {
  readonly layout: string;
  readonly wait: boolean;
}

interface RunResult {
  readonly label: string;
  readonly layout: string;
  readonly wait: boolean;
  readonly run: number;
  readonly routes: Record<
    string,
    ReturnType<typeof latencySummary> & { statuses: Record<string, number>; undecided: number }
  >;
  readonly sent: number;
  readonly skipped: number;
  readonly maxScheduleLagMs: number;
  /** CPU seconds per process over the load (instances by role, then the generator). */
  readonly cpuSeconds: Record<string, number>;
}

interface AppInstance {
  readonly name: string;
  readonly url: string;
  readonly servesHttp: boolean;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function startInstance(
  name: string,
  env: Record<string, string>,
  logFile: string,
  servesHttp: boolean,
  profileDir: string | undefined,
): Promise<AppInstance> {
  const port = await freePort();
  const server = `127.0.0.1:${port}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-http-'));
  const child = fork(MAIN_ENTRY, [], {
    // A CPU profile is written when the instance exits (its clean stop ends in process.exit).
    execArgv: [
      '--import',
      'tsx',
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
    ],
    env: {
      ...process.env,
      ...env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADVERTISED_SERVER: server,
      STATE_DIR: stateDir,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const out = createWriteStream(logFile);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    url: `http://${server}`,
    servesHttp,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

async function untilReady(instances: readonly AppInstance[]): Promise<void> {
  const deadline = Date.now() + 240_000;
  for (const instance of instances) {
    for (;;) {
      if (instance.child.exitCode !== null) throw new Error(`${instance.name} exited while starting`);
      const ok = await fetch(`${instance.url}/ready`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${instance.name} not ready after 240 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function layoutRoles(layout: string): Array<{ role: string; env: Record<string, string>; http: boolean }> {
  if (layout === 'split') {
    return [
      { role: 'streams', env: { RUN_STREAMS: 'true' }, http: false },
      {
        role: 'api',
        env: { RUN_STREAMS: 'false', RUN_PAYMENT_WORKER: 'false', RUN_SINK: 'false' },
        http: true,
      },
    ];
  }
  const count = Number(layout);
  if (!Number.isInteger(count) || count < 1) throw new Error(`unknown layout "${layout}" (1, 2, ..., split)`);
  return Array.from({ length: count }, (_, i) => ({ role: `instance-${i + 1}`, env: {}, http: true }));
}

async function runOnce(
  setting: Setting,
  run: number,
  options: {
    rate: number;
    duration: number;
    seed: number;
    brokers: string[];
    registryUrl: string;
    profileDir: string | undefined;
  },
  folder: string,
  catalogPath: string,
): Promise<RunResult> {
  const label = `${setting.layout} instance(s), wait=${setting.wait}, run ${run}`;
  const id = `bh-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const database = `bench_${id.replace(/-/g, '_')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  const common = {
    KAFKA_BROKERS: options.brokers.join(','),
    SCHEMA_REGISTRY_URL: options.registryUrl,
    DATABASE_URL: url.toString(),
    APPLICATION_ID: id,
    TOPIC_PREFIX: `${id}.`,
    TOPIC_PARTITIONS: '12',
    REDIS_KEY_PREFIX: `${id}:`,
    REFERENCE_DATA: catalogPath,
    RATE_LIMIT_MAX: '100000000',
    NUM_STANDBY_REPLICAS: '0',
    LOG_LEVEL: 'warn',
    WAIT_TIMEOUT_MS: '10000',
  };
  const instances: AppInstance[] = [];
  try {
    // One at a time: the first creates the topics and applies the migrations.
    for (const { role, env, http } of layoutRoles(setting.layout)) {
      const instance = await startInstance(
        role,
        { ...common, ...env },
        join(folder, `${id}-${role}.log`),
        http,
        options.profileDir,
      );
      instances.push(instance);
      await untilReady([instance]);
    }
    await untilReady(instances);
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    const apiKey = await new PostgresApiKeyStore(pool).create('bench-http', 'booking');
    await pool.end();

    const before = new Map(instances.map((i) => [i.name, readProcStat(i.child.pid!)?.cpuSeconds ?? 0]));
    const config: LoadConfig = {
      urls: instances.filter((i) => i.servesHttp).map((i) => i.url),
      apiKey,
      catalogPath,
      seed: options.seed + run,
      ratePerMinute: options.rate,
      durationS: options.duration,
      wait: setting.wait,
      mix: 'workload',
      requestTimeoutMs: 30_000,
    };
    log(`  ${label}: ${options.rate}/min for ${options.duration} s on ${config.urls.join(', ')}`);
    const generator = fork(GENERATOR_ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_HTTP: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const report = await new Promise<LoadReport>((resolve, reject) => {
      generator.on('message', (message: { type: string; report?: LoadReport; message?: string }) => {
        if (message.type === 'report') resolve(message.report!);
        else reject(new Error(`load generator failed: ${message.message}`));
      });
      generator.once('exit', (code) => reject(new Error(`load generator exited with code ${code}`)));
    });
    const cpuSeconds: Record<string, number> = {};
    for (const instance of instances) {
      const now = readProcStat(instance.child.pid!)?.cpuSeconds ?? 0;
      cpuSeconds[instance.name] = Math.round((now - (before.get(instance.name) ?? 0)) * 100) / 100;
    }
    cpuSeconds.generator = report.cpuMs / 1000;
    const routes: RunResult['routes'] = {};
    for (const [name, route] of Object.entries(report.routes)) {
      routes[name] = {
        ...latencySummary(route.latenciesMs),
        statuses: route.statuses,
        undecided: route.undecided,
      };
    }
    return {
      label,
      layout: setting.layout,
      wait: setting.wait,
      run,
      routes,
      sent: report.sent,
      skipped: report.skipped,
      maxScheduleLagMs: report.maxScheduleLagMs,
      cpuSeconds,
    };
  } finally {
    for (const instance of instances.reverse()) await instance.stop().catch(() => undefined);
    await dropTopics(options.brokers, `${id}.`).catch(() => undefined);
    const cleanup = new pg.Client({ connectionString: databaseUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await cleanup.end();
  }
}

/** Deletes a run's topics, so many runs do not pile partitions onto the benchmark's broker. */
async function dropTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = benchKafka('bench-http-cleanup', brokers, 'silent').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics(topics);
  } finally {
    await admin.disconnect();
  }
}

function table(results: readonly RunResult[], settings: readonly Setting[]): string {
  const lines = [
    '| layout | wait | route | p50 ms | p95 ms | p99 ms | max ms | answers | non-2xx | undecided | CPU s (instances / generator) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const setting of settings) {
    const runs = results.filter((r) => r.layout === setting.layout && r.wait === setting.wait);
    const routes = [...new Set(runs.flatMap((r) => Object.keys(r.routes)))];
    for (const route of routes) {
      const of = (f: (x: RunResult['routes'][string]) => number) =>
        median(
          runs
            .map((r) => r.routes[route])
            .filter((x) => x !== undefined)
            .map(f),
        );
      const non2xx = of((x) =>
        Object.entries(x.statuses)
          .filter(([status]) => !status.startsWith('2'))
          .reduce((sum, [, n]) => sum + n, 0),
      );
      const cpu = median(
        runs.map((r) =>
          Object.entries(r.cpuSeconds)
            .filter(([k]) => k !== 'generator')
            .reduce((s, [, v]) => s + v, 0),
        ),
      );
      const generatorCpu = median(runs.map((r) => r.cpuSeconds.generator ?? 0));
      lines.push(
        `| ${setting.layout} | ${setting.wait} | ${route} | ${of((x) => x.p50).toFixed(0)} | ${of((x) => x.p95).toFixed(0)} | ${of((x) => x.p99).toFixed(0)} | ${of((x) => x.max).toFixed(0)} | ${of((x) => x.count)} | ${non2xx} | ${of((x) => x.undecided)} | ${cpu.toFixed(1)} / ${generatorCpu.toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const program = new Command('bench:http')
    .option('--rate <perMinute>', 'operations per minute', '10000')
    .option('--duration <s>', 'seconds of load per run', '60')
    .option('--runs <n>', 'runs per setting (medians reported)', '3')
    .option('--layouts <list>', 'instance layouts: 1, 2, ..., split', '1,2')
    .option('--wait <list>', '?wait=true off and/or on', 'false,true')
    .option('--seed <n>', 'workload seed', '42')
    .option('--properties <n>', 'properties in the benchmark catalog', '48')
    .option('--shared-broker', "use the shared stack's broker instead of a private one", false)
    .option('--cpu-prof <dir>', 'write a V8 CPU profile of every instance into <dir> (node --cpu-prof)')
    .parse();
  const o = program.opts<{
    rate: string;
    duration: string;
    runs: string;
    layouts: string;
    wait: string;
    seed: string;
    properties: string;
    sharedBroker: boolean;
    cpuProf?: string;
  }>();
  const settings: Setting[] = [];
  for (const layout of o.layouts.split(',')) {
    for (const wait of o.wait.split(',')) settings.push({ layout, wait: wait === 'true' });
  }
  const machine = machineInfo();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const folder = join(tmpdir(), 'tstreams-bench', `${stamp}-http`);
  await mkdir(folder, { recursive: true });
  const catalogPath = join(folder, 'catalog.json');
  writeBenchCatalog(catalogPath, Number(o.properties));
  const cluster = await openBenchCluster({ sharedBroker: o.sharedBroker, log });
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= Number(o.runs); run++) {
      for (const setting of settings) {
        results.push(
          await runOnce(
            setting,
            run,
            {
              rate: Number(o.rate),
              duration: Number(o.duration),
              seed: Number(o.seed),
              brokers: cluster.brokers,
              registryUrl: cluster.registryUrl,
              profileDir: o.cpuProf,
            },
            folder,
            catalogPath,
          ),
        );
      }
    }
  } finally {
    await cluster.close();
  }
  const summary = table(results, settings);
  machine.loadAverageAfter = (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10);
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = join(RESULTS_DIR, `${stamp}-http.json`);
  await writeFile(
    json,
    `${JSON.stringify({ scenario: 'http', date: new Date().toISOString(), machine, settings: o, runs: results }, null, 2)}\n`,
  );
  log(`logs in ${folder}; results in ${json}`);
  process.stdout.write(`${summary}\n`);
}

main().catch((error: unknown) => {
  log(String((error as Error).stack ?? error));
  process.exit(1);
});
