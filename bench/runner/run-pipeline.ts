/**
 * One measured run of our pipeline: fresh topics, `instances` pipeline processes, the workload driven
 * onto the input topics in phases of target rates, the final statuses observed, lag and processes sampled
 * every second, then the records each topic received per reservation. Used by every scenario.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPropertyCatalog } from '../../processors/domain/reference-data-loader.js';
import {
  INPUT_TOPICS,
  SETTLEMENT_INPUT_TOPICS,
} from '../../processors/topology/build-reservation-topology.js';
import { HttpSchemaRegistryClient } from '../../schemas/registry/http-schema-registry.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
import { BookingWorkload } from '../workload/booking-workload.js';
import { writeBenchCatalog } from '../workload/catalog.js';
import { benchKafka } from './bench-client.js';
import type { BenchCluster } from './cluster.js';
import { instanceFailed } from './errors.js';
import { type Instance, startPipelineInstance } from './instances.js';
import { LoadDriver } from './load-driver.js';
import { type Sample, Sampler } from './sampler.js';
import { latencySummary } from './stats.js';
import { type Decision, StatusObserver } from './status-observer.js';
import { precreateChangelogs, resetTopics, topicTotals } from './topics.js';

/** A stretch of load at one target rate. */
export interface Phase {
  /** New reservations per minute (cancellations and modifications come on top); Infinity: flat out. */
  readonly reservationsPerMinute: number;
  readonly seconds: number;
}

/** What one run does. */
export interface PipelineRunOptions {
  readonly label: string;
  readonly cluster: BenchCluster;
  readonly instances: number;
  readonly partitions: number;
  readonly guarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  /** The stream thread's fetch linger (`consumer.fetchLingerMs`); the library's default when absent. */
  readonly fetchLingerMs?: number;
  /** Stream threads per instance (`numStreamThreads`); default 1. */
  readonly streamThreads?: number;
  /** The payment worker's fetch linger; its default when absent. */
  readonly paymentFetchLingerMs?: number;
  readonly phases: readonly Phase[];
  /** Longest wait after the load for the last decisions (default 60 s). */
  readonly drainSeconds?: number;
  readonly seed: number;
  readonly properties: number;
  /** Folder for the catalog, process logs and profiles. */
  readonly runDir: string;
  /** Profile instance 1 with `node --cpu-prof` into this folder. */
  readonly cpuProfileDir?: string;
  readonly log: (line: string) => void;
  /** Called about ten times a second with the progress of the load. */
  readonly progress?: (p: {
    elapsedS: number;
    totalS: number;
    sent: number;
    decided: number;
    lag: number;
  }) => void;
}

/** Results of one phase, over its last two thirds (the first third lets the pipeline settle). */
export interface PhaseResult {
  readonly targetPerMinute: number;
  /** Reservations sent per minute in the window. */
  readonly offeredPerMinute: number;
  /** Reservations decided (confirmed or rejected) per minute in the window. */
  readonly decidedPerMinute: number;
  readonly latencyMs: ReturnType<typeof latencySummary>;
  /** Committed-offset lag of the topology's group at the start and end of the window, and its max. */
  readonly lagStart: number;
  readonly lagEnd: number;
  readonly lagMax: number;
  /** Lag stayed bounded and the pipeline kept up with the offered rate. */
  readonly bounded: boolean;
}

/** Everything measured in one run. */
export interface PipelineRunResult {
  readonly label: string;
  readonly instances: number;
  readonly partitions: number;
  readonly guarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  /** The fetch linger set for the run; absent: the library's default. */
  readonly fetchLingerMs?: number;
  /** Stream threads per instance. */
  readonly streamThreads: number;
  /** The payment worker's fetch linger set for the run; absent: its default. */
  readonly paymentFetchLingerMs?: number;
  readonly operationsSent: number;
  readonly reservationsSent: number;
  readonly confirmed: number;
  readonly rejected: number;
  /** Created but no final status seen before the drain ended (e.g. cancelled while payment was pending). */
  readonly undecided: number;
  readonly deadLetters: number;
  readonly loadSeconds: number;
  /** Decided reservations per minute over the whole load (after the first 10 %). */
  readonly sustainedPerMinute: number;
  readonly latencyMs: ReturnType<typeof latencySummary>;
  readonly lag: {
    readonly committedMax: number;
    readonly committedMean: number;
    readonly positionMax: number;
    readonly positionMean: number;
    readonly paymentsMax: number;
  };
  /**
   * Per process: mean CPU (cores) and largest RSS during the load, and CPU seconds over the whole run
   * (load and drain): the work a run cost even when the instance falls behind and finishes after the load.
   */
  readonly processes: Record<
    string,
    { readonly cpuMean: number; readonly rssMaxMiB: number; readonly cpuSeconds: number }
  >;
  /** Records written to each output, internal and changelog topic per reservation sent. */
  readonly recordsPerReservation: Record<string, number>;
  readonly phases: readonly PhaseResult[];
  /** Per-second series for the chart. */
  readonly timeline: ReadonlyArray<{
    t: number;
    sent: number;
    decided: number;
    p50: number;
    p95: number;
    lagCommitted: number;
    lagPosition: number;
    lagPayments: number;
  }>;
  readonly samples: readonly Sample[];
}

/** The share of workload operations that are new reservations (the rest cancel or modify). */
const CREATE_SHARE = 0.88;

/** Runs the pipeline once as described by `options`. */
export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRunResult> {
  const { cluster, log } = options;
  const stamp = Date.now().toString(36);
  const applicationId = `bench-${options.label.replace(/[^a-z0-9-]/gi, '-')}-${stamp}`;
  await mkdir(options.runDir, { recursive: true });
  const kafka = benchKafka('bench-runner', cluster.brokers);
  log(`resetting topics (${options.partitions} partitions)`);
  await resetTopics(kafka, options.partitions);
  const catalogPath = join(options.runDir, 'catalog.json');
  writeBenchCatalog(catalogPath, options.properties);
  const catalog = loadPropertyCatalog(catalogPath);
  const registry = new HttpSchemaRegistryClient({ url: cluster.registryUrl });

  await precreateChangelogs(kafka, applicationId, options.partitions);
  const instances: Instance[] = [];
  const sourceTopics = [...Object.keys(INPUT_TOPICS), ...SETTLEMENT_INPUT_TOPICS];
  const sampler = new Sampler(
    kafka,
    [
      { name: 'committed', groupId: applicationId, topics: sourceTopics },
      { name: 'payments', groupId: `${applicationId}-payments`, topics: ['payment.requests'] },
    ],
    { position: () => instances.reduce((sum, i) => sum + i.counters.lag, 0) },
  );
  const workload = new BookingWorkload({ seed: options.seed, catalog });
  const driver = new LoadDriver({ kafka, registry, catalog, workload });
  const observer = new StatusObserver({
    kafka,
    registry,
    groupId: `${applicationId}-observer`,
    acceptedAt: driver.acceptedAt,
  });
  try {
    for (let i = 1; i <= options.instances; i++) {
      log(`starting pipeline instance ${i}/${options.instances}`);
      const profile =
        i === 1 && options.cpuProfileDir !== undefined ? { cpuProfileDir: options.cpuProfileDir } : {};
      instances.push(
        await startPipelineInstance(
          `instance-${i}`,
          {
            brokers: cluster.brokers,
            registryUrl: cluster.registryUrl,
            applicationId,
            catalogPath,
            stateDir: join('/tmp/tstreams-bench', applicationId, String(i)),
            guarantee: options.guarantee,
            commitIntervalMs: options.commitIntervalMs,
            ...(options.fetchLingerMs === undefined ? {} : { fetchLingerMs: options.fetchLingerMs }),
            streamThreads: options.streamThreads ?? 1,
            ...(options.paymentFetchLingerMs === undefined
              ? {}
              : { paymentFetchLingerMs: options.paymentFetchLingerMs }),
          },
          join(options.runDir, `instance-${i}.log`),
          profile,
        ),
      );
    }
    // Let the group settle after the last join (each join rebalances every member).
    if (options.instances > 1) await new Promise((resolve) => setTimeout(resolve, 5000));
    await driver.connect();
    const origin = Date.now();
    await observer.start(origin);
    for (const instance of instances) sampler.watch(instance);
    sampler.watch({ name: 'runner', pid: process.pid });
    await sampler.start(origin);
    driver.start(origin);

    const totalS = options.phases.reduce((sum, p) => sum + p.seconds, 0);
    const ticker = setInterval(() => {
      options.progress?.({
        elapsedS: (Date.now() - origin) / 1000,
        totalS,
        sent: driver.sent,
        decided: observer.decisions.length,
        lag: instances.reduce((sum, i) => sum + i.counters.lag, 0),
      });
    }, 100);
    const phaseWindows: Array<{ phase: Phase; start: number; end: number }> = [];
    for (const phase of options.phases) {
      const start = (Date.now() - origin) / 1000;
      await driver.drive({
        opsPerSecond: phase.reservationsPerMinute / 60 / CREATE_SHARE,
        seconds: phase.seconds,
      });
      phaseWindows.push({ phase, start, end: (Date.now() - origin) / 1000 });
    }
    const loadEnd = (Date.now() - origin) / 1000;
    const dead = instances.filter((i) => !i.alive()).map((i) => i.name);
    if (dead.length > 0) {
      throw instanceFailed(dead.join(', '), `exited during the run (logs in ${options.runDir})`);
    }
    await drain(observer, driver, options.drainSeconds ?? 60);
    clearInterval(ticker);
    const totals = await topicTotals(
      kafka,
      (await listTopics(kafka)).filter((t) => !t.startsWith('__')),
    );
    await sampler.stop();
    return summarise({
      options,
      driver,
      decisions: observer.decisions,
      samples: sampler.samples,
      instances,
      totals,
      loadEnd,
      phaseWindows,
    });
  } finally {
    await observer.stop().catch(() => undefined);
    await driver.close().catch(() => undefined);
    await Promise.all(instances.map((i) => i.stop()));
    // The instances' RocksDB state is gigabytes after a few runs and worthless once they stopped.
    await rm(join('/tmp/tstreams-bench', applicationId), { recursive: true, force: true });
  }
}

async function listTopics(kafka: KafkaClient): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

/** Waits until every created reservation is decided, or nothing new is decided for 15 s, or `seconds`. */
async function drain(observer: StatusObserver, driver: LoadDriver, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last = observer.decisions.length;
  let lastChange = Date.now();
  while (Date.now() < deadline && observer.decisions.length < driver.acceptedAt.size) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (observer.decisions.length !== last) {
      last = observer.decisions.length;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 15_000) {
      return;
    }
  }
}

function summarise(input: {
  options: PipelineRunOptions;
  driver: LoadDriver;
  decisions: readonly Decision[];
  samples: readonly Sample[];
  instances: readonly Instance[];
  totals: Record<string, number>;
  loadEnd: number;
  phaseWindows: ReadonlyArray<{ phase: Phase; start: number; end: number }>;
}): PipelineRunResult {
  const { options, driver, decisions, samples, totals, loadEnd } = input;
  const reservationsSent = driver.acceptedAt.size;
  const warmup = loadEnd * 0.1;
  const steady = decisions.filter((d) => d.at / 1000 >= warmup && d.at / 1000 <= loadEnd);
  const inLoad = samples.filter((s) => s.t <= loadEnd);
  const series = (name: string) => inLoad.map((s) => s.lag[name] ?? 0);
  const mean = (values: number[]) =>
    values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
  const processes: PipelineRunResult['processes'] = {};
  for (const name of new Set(inLoad.flatMap((s) => Object.keys(s.procs)))) {
    const readings = inLoad.flatMap((s) => (s.procs[name] === undefined ? [] : [s.procs[name]!]));
    processes[name] = {
      cpuMean: round(mean(readings.map((r) => r.cpu)), 2),
      rssMaxMiB: Math.round(Math.max(...readings.map((r) => r.rssMiB))),
      cpuSeconds: round(cpuSecondsOf(samples, name), 1),
    };
  }
  const recordsPerReservation: Record<string, number> = {};
  for (const [topic, count] of Object.entries(totals).sort()) {
    if (count > 0) recordsPerReservation[topic] = round(count / Math.max(1, reservationsSent), 3);
  }
  const phases = input.phaseWindows.map(({ phase, start, end }) =>
    phaseResult(phase, start, end, decisions, samples),
  );
  return {
    label: options.label,
    instances: options.instances,
    partitions: options.partitions,
    guarantee: options.guarantee,
    commitIntervalMs: options.commitIntervalMs,
    ...(options.fetchLingerMs === undefined ? {} : { fetchLingerMs: options.fetchLingerMs }),
    streamThreads: options.streamThreads ?? 1,
    ...(options.paymentFetchLingerMs === undefined
      ? {}
      : { paymentFetchLingerMs: options.paymentFetchLingerMs }),
    operationsSent: driver.sent,
    reservationsSent,
    confirmed: decisions.filter((d) => d.outcome === 'confirmed').length,
    rejected: decisions.filter((d) => d.outcome === 'rejected').length,
    undecided: reservationsSent - decisions.length,
    deadLetters: input.instances.reduce((sum, i) => sum + i.counters.deadLetters, 0),
    loadSeconds: round(loadEnd, 1),
    sustainedPerMinute: Math.round((steady.length / Math.max(1, loadEnd - warmup)) * 60),
    latencyMs: latencySummary(decisions.map((d) => d.latencyMs)),
    lag: {
      committedMax: Math.max(0, ...series('committed')),
      committedMean: Math.round(mean(series('committed'))),
      positionMax: Math.max(0, ...series('position')),
      positionMean: Math.round(mean(series('position'))),
      paymentsMax: Math.max(0, ...series('payments')),
    },
    processes,
    recordsPerReservation,
    phases,
    timeline: timeline(driver.sentPerSecond, decisions, samples),
    samples,
  };
}

function phaseResult(
  phase: Phase,
  start: number,
  end: number,
  decisions: readonly Decision[],
  samples: readonly Sample[],
): PhaseResult {
  const from = start + (end - start) / 3;
  const inWindow = decisions.filter((d) => d.at / 1000 >= from && d.at / 1000 < end);
  const lags = samples.filter((s) => s.t >= from && s.t <= end).map((s) => s.lag.committed ?? 0);
  const minutes = (end - from) / 60;
  const decidedPerMinute = Math.round(inWindow.length / minutes);
  const lagStart = lags[0] ?? 0;
  const lagEnd = lags[lags.length - 1] ?? 0;
  // Bounded: the pipeline decides (nearly) what is offered, and lag does not keep growing.
  const offered = Number.isFinite(phase.reservationsPerMinute)
    ? phase.reservationsPerMinute
    : decidedPerMinute;
  const bounded = decidedPerMinute >= 0.9 * offered && lagEnd <= Math.max(2 * lagStart, 1000);
  return {
    targetPerMinute: phase.reservationsPerMinute,
    offeredPerMinute: Math.round(offered),
    decidedPerMinute,
    latencyMs: latencySummary(inWindow.map((d) => d.latencyMs)),
    lagStart,
    lagEnd,
    lagMax: Math.max(0, ...lags),
    bounded,
  };
}

function timeline(
  sentPerSecond: readonly number[],
  decisions: readonly Decision[],
  samples: readonly Sample[],
): PipelineRunResult['timeline'] {
  const seconds = Math.max(sentPerSecond.length, ...decisions.map((d) => Math.floor(d.at / 1000) + 1), 0);
  const bySecond: number[][] = Array.from({ length: seconds }, () => []);
  for (const d of decisions) bySecond[Math.floor(d.at / 1000)]?.push(d.latencyMs);
  return bySecond.map((latencies, t) => {
    const summary = latencySummary(latencies);
    const sample = samples.find((s) => Math.floor(s.t) === t);
    return {
      t,
      sent: sentPerSecond[t] ?? 0,
      decided: latencies.length,
      p50: Number.isNaN(summary.p50) ? 0 : summary.p50,
      p95: Number.isNaN(summary.p95) ? 0 : summary.p95,
      lagCommitted: sample?.lag.committed ?? 0,
      lagPosition: sample?.lag.position ?? 0,
      lagPayments: sample?.lag.payments ?? 0,
    };
  });
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** CPU seconds `name` used over all samples (each sample's rate times the time since the one before). */
function cpuSecondsOf(samples: readonly Sample[], name: string): number {
  let total = 0;
  for (let i = 1; i < samples.length; i++) {
    const reading = samples[i]!.procs[name];
    if (reading !== undefined) total += reading.cpu * (samples[i]!.t - samples[i - 1]!.t);
  }
  return total;
}
