/**
 * The pipeline benchmark's command line (see bench/README.md):
 *
 *   npm run bench:seed  -- [--duration 60] [--runs 3]     10,000 reservations/min against the design targets
 *   npm run bench:max   -- [--step 20] [--runs 3]         rising rates: the highest with bounded lag
 *   npm run bench:scale -- [--rate 60000] [--duration 30] 1, 2, 3 instances on 12 partitions
 *   npm run bench:peers -- [--reservations 30000]         our pipeline vs Kafka Streams (Java) vs raw kafkajs
 *
 * Each writes bench/results/<timestamp>-<scenario>.json and .svg and prints a summary.
 */
// The library first, as an application imports it: its kafkajs adapter corrects kafkajs' read_committed
// filter before anything loads kafkajs; exactly-once refuses to start otherwise.
import '../../topology/runtime/index.js';
import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
import { renderPeerChart } from './chart.js';
import { type BenchCluster, openBenchCluster } from './cluster.js';
import { machineInfo, writeResults } from './results.js';
import { runPeers } from './run-peers.js';
import { type Phase, type PipelineRunResult, runPipeline } from './run-pipeline.js';
import { median } from './stats.js';

interface CommonOptions {
  seed: string;
  properties: string;
  partitions: string;
  commitInterval: string;
  fetchLinger?: string;
  threads: string;
  paymentFetchLinger?: string;
  guarantee: string;
  runs: string;
  sharedBroker: boolean;
  profile: boolean;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function common(command: Command, defaults: { partitions: number; runs: number }): Command {
  return command
    .option('--seed <n>', 'workload seed', '42')
    .option('--properties <n>', 'properties in the benchmark catalog (clones of the sample hotels)', '48')
    .option('--partitions <n>', 'partitions of every pipeline topic', String(defaults.partitions))
    .option('--commit-interval <ms>', 'commit interval of the pipeline (and the Java peer)', '1000')
    .option('--fetch-linger <ms>', "the pipeline's consumer.fetchLingerMs (default: the library's)")
    .option(
      '--threads <n>',
      'stream threads per instance (numStreamThreads; the Java peer: num.stream.threads)',
      '1',
    )
    .option('--payment-fetch-linger <ms>', "the payment worker's fetch linger (default: the worker's)")
    .addOption(
      new Option('--guarantee <list>', 'processing guarantees to run, comma-separated').default(
        'at_least_once,exactly_once',
      ),
    )
    .option('--runs <n>', 'runs per setting (the summary reports medians)', String(defaults.runs))
    .option(
      '--shared-broker',
      "use the shared stack's broker instead of a private one (deletes the pipeline topics there)",
      false,
    )
    .option('--profile', 'profile instance 1 of the first run with node --cpu-prof', false);
}

function progressBar(label: string) {
  const bar = new SingleBar(
    {
      format: `${label} |{bar}| {value}/{total} s | sent {sent} | decided {decided} | lag {lag}`,
      stream: process.stderr,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p: { elapsedS: number; totalS: number; sent: number; decided: number; lag: number }) {
      if (!started) {
        bar.start(Math.round(p.totalS), 0, { sent: 0, decided: 0, lag: 0 });
        started = true;
      }
      bar.update(Math.min(Math.round(p.elapsedS), Math.round(p.totalS)), {
        sent: p.sent,
        decided: p.decided,
        lag: p.lag,
      });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Runs `phases` for every guarantee `runs` times; a guarantee the runtime refuses is reported, not fatal. */
async function runSettings(
  scenario: string,
  cluster: BenchCluster,
  opts: CommonOptions,
  settings: ReadonlyArray<{ label: string; instances: number; phases: Phase[] }>,
): Promise<{ runs: PipelineRunResult[]; unavailable: Record<string, string> }> {
  const runs: PipelineRunResult[] = [];
  const unavailable: Record<string, string> = {};
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  let profiled = false;
  for (const guarantee of opts.guarantee.split(',') as ProcessingGuarantee[]) {
    for (const setting of settings) {
      for (let run = 1; run <= Number(opts.runs); run++) {
        const label = `${setting.label}-${guarantee === 'exactly_once' ? 'eos' : 'alos'}-${run}`;
        const runDir = join('/tmp/tstreams-bench', `${stamp}-${scenario}`, label);
        const bar = progressBar(label);
        try {
          const profile: boolean = opts.profile && !profiled;
          profiled ||= profile;
          const result = await runPipeline({
            label,
            cluster,
            instances: setting.instances,
            partitions: Number(opts.partitions),
            guarantee,
            commitIntervalMs: Number(opts.commitInterval),
            ...(opts.fetchLinger === undefined ? {} : { fetchLingerMs: Number(opts.fetchLinger) }),
            streamThreads: Number(opts.threads),
            ...(opts.paymentFetchLinger === undefined
              ? {}
              : { paymentFetchLingerMs: Number(opts.paymentFetchLinger) }),
            phases: setting.phases,
            seed: Number(opts.seed) + run,
            properties: Number(opts.properties),
            runDir,
            ...(profile ? { cpuProfileDir: join(runDir, 'profile') } : {}),
            log: (line) => log(`[${label}] ${line}`),
            progress: (p) => bar.update(p),
          });
          bar.stop();
          runs.push(result);
          log(
            `[${label}] ${result.sustainedPerMinute}/min decided, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms, max lag ${result.lag.committedMax} (committed) / ${result.lag.positionMax} (position), undecided ${result.undecided}, dead letters ${result.deadLetters}`,
          );
        } catch (error) {
          bar.stop();
          const message = error instanceof Error ? error.message : String(error);
          log(`[${label}] failed: ${message}`);
          // A guarantee the runtime refuses is a finding; do not try it again for every run.
          if (/not available/i.test(message)) {
            unavailable[guarantee] = message;
            break;
          }
          throw error;
        }
      }
      if (unavailable[guarantee] !== undefined) break;
    }
  }
  return { runs, unavailable };
}

/** Medians per setting (label without the run number). */
function mediansOf(runs: readonly PipelineRunResult[]) {
  const groups = new Map<string, PipelineRunResult[]>();
  for (const run of runs) {
    const key = run.label.replace(/-\d+$/, '');
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups].map(([setting, group]) => ({
    setting,
    runs: group.length,
    sustainedPerMinute: median(group.map((r) => r.sustainedPerMinute)),
    p50Ms: median(group.map((r) => r.latencyMs.p50)),
    p95Ms: median(group.map((r) => r.latencyMs.p95)),
    p99Ms: median(group.map((r) => r.latencyMs.p99)),
    maxMs: median(group.map((r) => r.latencyMs.max)),
    committedLagMax: median(group.map((r) => r.lag.committedMax)),
    positionLagMax: median(group.map((r) => r.lag.positionMax)),
    positionLagMean: median(group.map((r) => r.lag.positionMean)),
    instanceCpuMean: median(
      group.map((r) =>
        Object.entries(r.processes)
          .filter(([n]) => n.startsWith('instance'))
          .reduce((s, [, p]) => s + p.cpuMean, 0),
      ),
    ),
    instanceRssMaxMiB: median(
      group.map((r) =>
        Math.max(
          ...Object.entries(r.processes)
            .filter(([n]) => n.startsWith('instance'))
            .map(([, p]) => p.rssMaxMiB),
        ),
      ),
    ),
    maxBoundedPerMinute: median(
      group.map((r) => Math.max(0, ...r.phases.filter((p) => p.bounded).map((p) => p.decidedPerMinute))),
    ),
  }));
}

async function withCluster<T>(opts: CommonOptions, body: (cluster: BenchCluster) => Promise<T>): Promise<T> {
  const cluster = await openBenchCluster({ sharedBroker: opts.sharedBroker, log });
  try {
    return await body(cluster);
  } finally {
    // Closing waits for the stack's lock, which another session's test run may hold for minutes; the
    // results are written by then, so give up after a minute rather than hang.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log('closing the benchmark cluster took over 60 s; leaving it to `npm run stack:stop`');
        resolve();
      }, 60_000);
    });
    await Promise.race([cluster.close(), gaveUp]);
    clearTimeout(timer);
  }
}

async function finish(
  scenario: string,
  machine: ReturnType<typeof machineInfo>,
  settings: Record<string, unknown>,
  outcome: { runs: PipelineRunResult[]; unavailable: Record<string, string> },
  extra: Record<string, unknown> = {},
  chart?: string,
) {
  const medians = mediansOf(outcome.runs);
  const files = await writeResults(
    scenario,
    { machine, settings, medians, unavailable: outcome.unavailable, ...extra, runs: outcome.runs },
    chart,
  );
  console.log(JSON.stringify({ medians, unavailable: outcome.unavailable, ...extra }, null, 2));
  log(`wrote ${files.json} and ${files.svg}`);
}

const program = new Command('bench').description(
  'Pipeline benchmark: reservations per minute, latency and lag',
);

common(program.command('seed').description('10,000 reservations per minute for a set duration'), {
  partitions: 12,
  runs: 3,
})
  .option('--duration <s>', 'seconds of load per run', '60')
  .option('--rate <n>', 'new reservations per minute', '10000')
  .action(async (opts: CommonOptions & { duration: string; rate: string }) => {
    const machine = machineInfo();
    await withCluster(opts, async (cluster) => {
      const phases = [{ reservationsPerMinute: Number(opts.rate), seconds: Number(opts.duration) }];
      const outcome = await runSettings('seed', cluster, opts, [{ label: 'seed-1x', instances: 1, phases }]);
      await finish(
        'seed',
        machine,
        { ...opts, kafka: cluster.kafkaVersion, broker: cluster.kind, targets: { p95Ms: 100, lag: 100 } },
        outcome,
      );
    });
  });

common(
  program.command('max').description('rising rates in one run: the highest decided rate with bounded lag'),
  { partitions: 12, runs: 3 },
)
  .option('--step <s>', 'seconds per rate step', '20')
  .option('--rates <list>', 'reservations per minute of the steps', '5000,10000,20000,40000,80000')
  .action(async (opts: CommonOptions & { step: string; rates: string }) => {
    const machine = machineInfo();
    await withCluster(opts, async (cluster) => {
      const phases = opts.rates
        .split(',')
        .map((r) => ({ reservationsPerMinute: Number(r), seconds: Number(opts.step) }));
      const outcome = await runSettings('max', cluster, { ...opts }, [
        { label: 'max-1x', instances: 1, phases },
      ]);
      await finish('max', machine, { ...opts, kafka: cluster.kafkaVersion, broker: cluster.kind }, outcome);
    });
  });

common(
  program
    .command('scale')
    .description('1, 2 and 3 instances on 12 partitions, offered more than they can take'),
  { partitions: 12, runs: 1 },
)
  .option('--duration <s>', 'seconds of load per run', '30')
  .option('--rate <n>', 'new reservations per minute offered', '60000')
  .option('--instances <list>', 'instance counts', '1,2,3')
  .action(async (opts: CommonOptions & { duration: string; rate: string; instances: string }) => {
    const machine = machineInfo();
    await withCluster(opts, async (cluster) => {
      const phases = [{ reservationsPerMinute: Number(opts.rate), seconds: Number(opts.duration) }];
      const settings = opts.instances
        .split(',')
        .map((n) => ({ label: `scale-${n}x`, instances: Number(n), phases }));
      const outcome = await runSettings('scale', cluster, { ...opts, guarantee: opts.guarantee }, settings);
      await finish('scale', machine, { ...opts, kafka: cluster.kafkaVersion, broker: cluster.kind }, outcome);
    });
  });

common(
  program
    .command('peers')
    .description('the same backlog through our pipeline, Kafka Streams (Java) and a raw kafkajs loop'),
  { partitions: 12, runs: 3 },
)
  .option('--reservations <n>', 'reservations in the backlog each contender drains', '30000')
  .action(async (opts: CommonOptions & { reservations: string }) => {
    const machine = machineInfo();
    await withCluster(opts, async (cluster) => {
      const result = await runPeers({
        cluster,
        reservations: Number(opts.reservations),
        partitions: Number(opts.partitions),
        commitIntervalMs: Number(opts.commitInterval),
        ...(opts.fetchLinger === undefined ? {} : { fetchLingerMs: Number(opts.fetchLinger) }),
        streamThreads: Number(opts.threads),
        runs: Number(opts.runs),
        seed: Number(opts.seed),
        properties: Number(opts.properties),
        log,
      });
      await finish(
        'peers',
        machine,
        { ...opts, kafka: cluster.kafkaVersion, broker: cluster.kind },
        { runs: [], unavailable: {} },
        { peers: result },
        renderPeerChart(
          `median records/s draining ${result.backlog.toLocaleString('en')} reservations (at-least-once, ${result.commitIntervalMs} ms commits)`,
          result.medianRecordsPerSecond,
        ),
      );
    });
  });

await program.parseAsync();
// Nothing is left to wait for once the command resolved (a stray client must not keep the process alive).
process.exit(process.exitCode ?? 0);
