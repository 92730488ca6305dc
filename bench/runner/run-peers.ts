/**
 * The peer comparison: one backlog of new reservations on `reservation.created`, drained in turn by our
 * reservation topology (one instance, without the payment worker: the peers have no payment step), the
 * Kafka Streams peer (Java, the same core: inventory with the overbooking check, pricing, a one-minute
 * KPI window) and the raw kafkajs loop (decode, transform, produce; no state). Each contender gets a
 * fresh consumer group and the same guarantee and commit interval; its throughput is the backlog it
 * committed per second, between its first and its last commit, and its CPU is read from /proc.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPropertyCatalog } from '../../processors/domain/reference-data-loader.js';
import { HttpSchemaRegistryClient } from '../../schemas/registry/http-schema-registry.js';
import type { KafkaAdmin } from '../../topology/internal/kafka/admin.js';
import { RAW_PEER_OUTPUT } from '../peers/raw-kafkajs/raw-loop-topics.js';
import { BookingWorkload } from '../workload/booking-workload.js';
import { writeBenchCatalog } from '../workload/catalog.js';
import { benchKafka } from './bench-client.js';
import type { BenchCluster } from './cluster.js';
import { peerBuildFailed } from './errors.js';
import { type Instance, startPipelineInstance, startProcess } from './instances.js';
import { LoadDriver } from './load-driver.js';
import { readProcStat } from './proc-stat.js';
import { median } from './stats.js';
import { precreateChangelogs, resetTopics } from './topics.js';

const PEER_DIR = fileURLToPath(new URL('../peers/kafka-streams/', import.meta.url));
const PEER_JAR = join(PEER_DIR, 'target', 'kafka-streams-peer.jar');
const RAW_LOOP = fileURLToPath(new URL('../peers/raw-kafkajs/raw-loop.ts', import.meta.url));
const JAVA_OUTPUTS = [
  'peer-java.reservation.rejected',
  'peer-java.availability',
  'peer-java.rate.updated',
  'peer-java.rate.applied',
  'peer-java.analytics.booking-kpis',
];
const CONTENDERS = ['ours', 'kafka-streams', 'raw-kafkajs'] as const;
type Contender = (typeof CONTENDERS)[number];

/** One contender's drain of the backlog. */
export interface Drain {
  readonly contender: Contender;
  readonly run: number;
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** CPU seconds of the contender's process per 1,000 records (startup excluded). */
  readonly cpuSecondsPer1000: number;
  readonly rssMiB: number;
  /** Drained the whole backlog before the time limit. */
  readonly complete: boolean;
}

/** Options of {@link runPeers}. */
export interface PeerOptions {
  readonly cluster: BenchCluster;
  readonly reservations: number;
  readonly partitions: number;
  readonly commitIntervalMs: number;
  /** Our stream thread's fetch linger (`consumer.fetchLingerMs`); the library's default when absent. */
  readonly fetchLingerMs?: number;
  /** Stream threads of ours and of Kafka Streams (`num.stream.threads`); default 1. */
  readonly streamThreads?: number;
  readonly runs: number;
  readonly seed: number;
  readonly properties: number;
  readonly log: (line: string) => void;
  /** Longest drain per contender (default 300 s). */
  readonly timeoutSeconds?: number;
}

/** Runs the comparison; resolves with every drain, the medians and our ratios to each peer (per run and median). */
export async function runPeers(options: PeerOptions) {
  const { cluster, log } = options;
  buildPeerJar(log);
  const stamp = Date.now().toString(36);
  const runDir = join('/tmp/tstreams-bench', `peers-${stamp}`);
  await mkdir(runDir, { recursive: true });
  const kafka = benchKafka('bench-peers', cluster.brokers);
  await resetTopics(kafka, options.partitions, [...JAVA_OUTPUTS, RAW_PEER_OUTPUT]);
  const catalogPath = join(runDir, 'catalog.json');
  writeBenchCatalog(catalogPath, options.properties);
  const catalog = loadPropertyCatalog(catalogPath);

  // The backlog: new reservations only, so every contender reads exactly the same records.
  const workload = new BookingWorkload({ seed: options.seed, catalog, cancelShare: 0, modifyShare: 0 });
  const driver = new LoadDriver({
    kafka,
    registry: new HttpSchemaRegistryClient({ url: cluster.registryUrl }),
    catalog,
    workload,
  });
  await driver.connect();
  driver.start();
  log(`writing a backlog of ${options.reservations} reservations`);
  await driver.drive({ opsPerSecond: Number.POSITIVE_INFINITY, seconds: 3600, total: options.reservations });
  await driver.close();

  const admin = kafka.admin();
  await admin.connect();
  const drains: Drain[] = [];
  try {
    for (let run = 1; run <= options.runs; run++) {
      for (const contender of CONTENDERS) {
        const group = `bench-peer-${contender}-${stamp}-${run}`;
        const instance = await startContender(
          contender,
          group,
          options,
          catalogPath,
          join(runDir, `${contender}-${run}`),
        );
        try {
          const drain = await measureDrain(
            admin,
            instance,
            group,
            options.reservations,
            options.timeoutSeconds ?? 300,
          );
          drains.push({ contender, run, ...drain });
          log(
            `run ${run} ${contender}: ${drain.recordsPerSecond} records/s (${drain.records} in ${drain.seconds} s, ${drain.cpuSecondsPer1000} CPU s per 1000)${drain.complete ? '' : ' INCOMPLETE'}`,
          );
        } finally {
          await instance.stop();
          await rm(join('/tmp/tstreams-bench', group), { recursive: true, force: true });
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
  const rate = (contender: Contender, run: number) =>
    drains.find((d) => d.contender === contender && d.run === run)?.recordsPerSecond ?? Number.NaN;
  const perRun = Array.from({ length: options.runs }, (_, i) => ({
    run: i + 1,
    oursToKafkaStreams: round(rate('ours', i + 1) / rate('kafka-streams', i + 1)),
    oursToRawKafkajs: round(rate('ours', i + 1) / rate('raw-kafkajs', i + 1)),
  }));
  const medians = Object.fromEntries(
    CONTENDERS.map((c) => [
      c,
      median(drains.filter((d) => d.contender === c).map((d) => d.recordsPerSecond)),
    ]),
  );
  return {
    backlog: options.reservations,
    guarantee: 'at_least_once',
    commitIntervalMs: options.commitIntervalMs,
    drains,
    medianRecordsPerSecond: medians,
    ratios: {
      perRun,
      medianOursToKafkaStreams: median(perRun.map((r) => r.oursToKafkaStreams)),
      medianOursToRawKafkajs: median(perRun.map((r) => r.oursToRawKafkajs)),
    },
  };
}

/** Builds the Java peer with Maven when its jar is missing. */
function buildPeerJar(log: (line: string) => void): void {
  if (existsSync(PEER_JAR)) return;
  log('building the Kafka Streams peer (mvn -q -B package)...');
  try {
    execFileSync('mvn', ['-q', '-B', 'package'], { cwd: PEER_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw peerBuildFailed((error as { stderr?: Buffer }).stderr?.toString().slice(-500) ?? String(error));
  }
}

async function startContender(
  contender: Contender,
  group: string,
  options: PeerOptions,
  catalogPath: string,
  logBase: string,
): Promise<Instance> {
  const { cluster } = options;
  switch (contender) {
    case 'ours':
      await precreateChangelogs(benchKafka('bench-peers', cluster.brokers), group, options.partitions);
      return startPipelineInstance(
        'ours',
        {
          brokers: cluster.brokers,
          registryUrl: cluster.registryUrl,
          applicationId: group,
          catalogPath,
          stateDir: join('/tmp/tstreams-bench', group),
          guarantee: 'at_least_once',
          commitIntervalMs: options.commitIntervalMs,
          ...(options.fetchLingerMs === undefined ? {} : { fetchLingerMs: options.fetchLingerMs }),
          streamThreads: options.streamThreads ?? 1,
          paymentWorker: false,
        },
        `${logBase}.log`,
      );
    case 'kafka-streams':
      return startProcess('kafka-streams', 'java', ['-Xmx512m', '-jar', PEER_JAR], `${logBase}.log`, {
        BROKERS: cluster.brokers.join(','),
        REGISTRY_URL: cluster.registryUrl,
        APPLICATION_ID: group,
        CATALOG: catalogPath,
        GUARANTEE: 'at_least_once',
        COMMIT_INTERVAL_MS: String(options.commitIntervalMs),
        STATE_DIR: join('/tmp/tstreams-bench', group),
        NUM_STREAM_THREADS: String(options.streamThreads ?? 1),
      });
    case 'raw-kafkajs':
      return startProcess('raw-kafkajs', process.execPath, ['--import', 'tsx', RAW_LOOP], `${logBase}.log`, {
        BROKERS: cluster.brokers.join(','),
        REGISTRY_URL: cluster.registryUrl,
        GROUP_ID: group,
        COMMIT_INTERVAL_MS: String(options.commitIntervalMs),
      });
  }
}

/**
 * Polls the group's committed offsets on `reservation.created` every 250 ms until they reach `total`:
 * the rate is what was committed between the first and the last observed commit (startup excluded).
 */
async function measureDrain(
  admin: KafkaAdmin,
  instance: Instance,
  group: string,
  total: number,
  timeoutSeconds: number,
): Promise<Omit<Drain, 'contender' | 'run'>> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let first: { at: number; committed: number; cpu: number } | undefined;
  let last = { at: Date.now(), committed: 0, cpu: 0 };
  let rss = 0;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (!instance.alive()) throw new Error(`${instance.name} exited while draining; see its log`);
    const committed = await committedOf(admin, group);
    const reading = readProcStat(instance.pid);
    rss = Math.max(rss, reading?.rssBytes ?? 0);
    const now = { at: Date.now(), committed, cpu: reading?.cpuSeconds ?? 0 };
    if (committed > 0 && first === undefined) first = now;
    if (committed !== last.committed) last = now;
    if (committed >= total) break;
  }
  if (first === undefined) throw new Error(`${instance.name} committed nothing in ${timeoutSeconds} s`);
  const records = last.committed - first.committed;
  const seconds = (last.at - first.at) / 1000;
  return {
    records,
    seconds: round(seconds),
    recordsPerSecond: Math.round(records / Math.max(seconds, 0.001)),
    cpuSecondsPer1000: round(((last.cpu - first.cpu) / Math.max(records, 1)) * 1000),
    rssMiB: Math.round(rss / 2 ** 20),
    complete: last.committed >= total,
  };
}

async function committedOf(admin: KafkaAdmin, group: string): Promise<number> {
  // Partitions never committed are left out (they counted as 0).
  const offsets = await admin.committedOffsets(group, ['reservation.created']);
  return offsets.reduce((sum, p) => sum + p.offset, 0);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
