import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APICURIO_VERSION, ensureApicurio, ensureKafkaJars, KAFKA_VERSION } from './artifacts.js';
import type { StackEndpoints } from './endpoints.js';
import { StackError } from './errors.js';
import { findJava } from './java.js';
import {
  bootstrapServers,
  describeBrokerCount,
  type KafkaClusterState,
  type KafkaNodeState,
  prepareKafkaCluster,
  startKafkaNode,
  waitForKafka,
} from './kafka.js';
import { withLock } from './lock.js';
import { markerOf, type StackPaths, stackPaths } from './paths.js';
import { PortAllocator } from './ports.js';
import { isAlive, isOurs } from './processes.js';
import {
  confluentCompatUrl,
  type RegistryState,
  registryInfo,
  startRegistry,
  waitForRegistry,
} from './registry.js';
import { databaseUrl, postgresVersion, redact, redisUrl, redisVersion } from './services.js';
import { readState, type StackState, writeState } from './state.js';
import { stopServices } from './stop.js';

/** Options of {@link startStack}. */
export interface StartOptions {
  /** Brokers of the local Kafka cluster: 1 (default) or 3 for replication tests. */
  readonly brokers?: number;
  /** Progress lines (downloads, starts); defaults to the console. */
  readonly log?: (line: string) => void;
  /** `cli` keeps the stack until `stop`; `test` lets the last test run stop it. */
  readonly owner?: 'cli' | 'test';
  readonly paths?: StackPaths;
}

/** What {@link startStack} did. */
export interface StartResult {
  readonly endpoints: StackEndpoints;
  /** Services this call started (`kafka`, `registry`). */
  readonly started: string[];
  /** Local services that were already running and answering. */
  readonly reused: string[];
  readonly elapsedMs: number;
}

/** How long a service may take to answer after its process starts: Apicurio took 41 s at load 13 on 2 cores. */
const START_TIMEOUT_MS = 300_000;
const DEFAULT_KAFKA_PORT = 9092;
const DEFAULT_REGISTRY_PORT = 8081;

/**
 * Starts the local stack, or reuses the one already running for this checkout: Kafka (KRaft, 1 or 3
 * brokers) and Apicurio Registry, unless `KAFKA_BROKERS` / `SCHEMA_REGISTRY_URL` name existing ones; then
 * checks that Postgres and Redis answer. Downloads the Kafka and Apicurio artifacts on first use.
 * Resolves once every service answers a real request.
 *
 * @throws StackError naming what is missing (Java, Maven) or the log of the service that failed.
 */
export async function startStack(options: StartOptions = {}): Promise<StartResult> {
  const paths = options.paths ?? stackPaths();
  await mkdir(paths.run, { recursive: true });
  return withLock(join(paths.run, 'lock'), async () => {
    const result = await startLocked(paths, options);
    return result;
  });
}

/**
 * For test runs: starts or reuses the stack and records this process as a user of it. The returned
 * `release` forgets this user and, when the stack was started by a test run and no other test run is
 * using it any more, stops it. A stack started with `npm run stack:start` is never stopped by tests.
 */
export async function acquireStack(
  options: Omit<StartOptions, 'owner'> = {},
): Promise<{ result: StartResult; release: () => Promise<void> }> {
  const paths = options.paths ?? stackPaths();
  const log = options.log ?? console.log;
  await mkdir(paths.run, { recursive: true });
  const result = await withLock(join(paths.run, 'lock'), async () => {
    const started = await startLocked(paths, { ...options, owner: 'test' });
    const state = await readState(paths);
    if (state) {
      state.leases = [...state.leases.filter(isAlive), process.pid];
      await writeState(paths, state);
    }
    return started;
  });
  const release = async () => {
    await withLock(join(paths.run, 'lock'), async () => {
      const state = await readState(paths);
      if (!state) return;
      state.leases = state.leases.filter((pid) => pid !== process.pid && isAlive(pid));
      if (state.owner === 'test' && state.leases.length === 0) {
        log('Stopping the stack this test run started...');
        await stopServices(paths, state, log);
      } else {
        await writeState(paths, state);
      }
    });
  };
  return { result, release };
}

async function startLocked(paths: StackPaths, options: StartOptions): Promise<StartResult> {
  const began = Date.now();
  const log = options.log ?? console.log;
  const state: StackState = (await readState(paths)) ?? {
    version: 1,
    owner: options.owner ?? 'cli',
    leases: [],
  };
  // A person starting the stack wants it kept, even if a test run started it first.
  if (options.owner !== 'test') state.owner = 'cli';
  const ports = new PortAllocator();
  const started: string[] = [];
  const reused: string[] = [];

  const kafkaTask = async (): Promise<{ brokers: string[]; version: string }> => {
    const fromEnv = process.env.KAFKA_BROKERS;
    if (fromEnv) {
      const brokers = fromEnv.split(',').map((broker) => broker.trim());
      await describeBrokerCount(brokers, 10_000).catch((error: unknown) => {
        throw new StackError(
          'STRM_ERR_STACK_UNREACHABLE',
          `KAFKA_BROKERS=${fromEnv} does not answer (${String(error)}); start that cluster or unset KAFKA_BROKERS ` +
            'to let the stack run its own.',
          { cause: error, retriable: true },
        );
      });
      return { brokers, version: 'external' };
    }
    if (state.kafka && (await kafkaAnswers(state.kafka, markerOf(paths)))) {
      if (options.brokers !== undefined && options.brokers !== state.kafka.nodes.length) {
        throw new StackError(
          'STRM_ERR_STACK_BROKER_COUNT_MISMATCH',
          `A ${state.kafka.nodes.length}-broker cluster is already running for this checkout and ` +
            `${options.brokers} were asked for; run \`npm run stack:stop\` first.`,
        );
      }
      reused.push('kafka');
      return { brokers: bootstrapServers(state.kafka), version: state.kafka.version };
    }
    if (state.kafka) {
      log('The recorded Kafka cluster does not answer; starting a new one.');
      await stopServices(paths, { ...state, registry: undefined }, log, { keepState: true });
    }
    state.kafka = await startKafka(paths, options.brokers ?? 1, ports, log);
    started.push('kafka');
    return { brokers: bootstrapServers(state.kafka), version: state.kafka.version };
  };

  const registryTask = async (): Promise<string> => {
    const fromEnv = process.env.SCHEMA_REGISTRY_URL;
    if (fromEnv) {
      await fetch(`${fromEnv.replace(/\/$/, '')}/subjects`, { signal: AbortSignal.timeout(10_000) }).catch(
        (error: unknown) => {
          throw new StackError(
            'STRM_ERR_STACK_UNREACHABLE',
            `SCHEMA_REGISTRY_URL=${fromEnv} does not answer (${String(error)}); start that registry or unset ` +
              'SCHEMA_REGISTRY_URL to let the stack run its own.',
            { cause: error, retriable: true },
          );
        },
      );
      return fromEnv;
    }
    if (state.registry && (await isOurs(state.registry.pid, markerOf(paths)))) {
      const answers = await registryInfo(confluentCompatUrl(state.registry), 3_000).catch(() => undefined);
      if (answers) {
        reused.push('registry');
        return confluentCompatUrl(state.registry);
      }
    }
    if (state.registry) {
      log('The recorded Apicurio Registry does not answer; starting a new one.');
      await stopServices(paths, { ...state, kafka: undefined }, log, { keepState: true });
    }
    state.registry = await startLocalRegistry(paths, ports, log);
    started.push('registry');
    return confluentCompatUrl(state.registry);
  };

  const [kafka, registry, postgres, redis] = await Promise.allSettled([
    kafkaTask(),
    registryTask(),
    postgresVersion(),
    redisVersion(),
  ]);
  // Record whatever runs now, even if something failed, so that `stop` can always clean up.
  await writeState(paths, state);
  const failure = [kafka, registry, postgres, redis].find((outcome) => outcome.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
  const kafkaValue = (kafka as PromiseFulfilledResult<{ brokers: string[]; version: string }>).value;
  const endpoints: StackEndpoints = {
    kafkaBrokers: kafkaValue.brokers,
    schemaRegistryUrl: (registry as PromiseFulfilledResult<string>).value,
    databaseUrl: databaseUrl(),
    redisUrl: redisUrl(),
    kafkaVersion: kafkaValue.version,
    kafkaSource: process.env.KAFKA_BROKERS ? 'env' : 'local',
    registrySource: process.env.SCHEMA_REGISTRY_URL ? 'env' : 'local',
  };
  return { endpoints, started, reused, elapsedMs: Date.now() - began };
}

async function kafkaAnswers(cluster: KafkaClusterState, marker: string): Promise<boolean> {
  for (const node of cluster.nodes) if (!(await isOurs(node.pid, marker))) return false;
  const count = await describeBrokerCount(bootstrapServers(cluster), 3_000).catch(() => 0);
  return count === cluster.nodes.length;
}

async function startKafka(
  paths: StackPaths,
  brokers: number,
  ports: PortAllocator,
  log: (line: string) => void,
): Promise<KafkaClusterState> {
  const java = await findJava(17, `Apache Kafka ${KAFKA_VERSION}`);
  const lib = await ensureKafkaJars(paths, log);
  const nodes: KafkaNodeState[] = [];
  for (let id = 1; id <= brokers; id += 1) {
    const dir = join(paths.run, `kafka-${id}`);
    // A fresh start is a fresh cluster: old topics and offsets would leak between runs.
    await rm(dir, { recursive: true, force: true });
    const port = await ports.take(DEFAULT_KAFKA_PORT + (id - 1) * 2);
    const controllerPort = await ports.take();
    nodes.push({ id, port, controllerPort, dir, logFile: join(dir, 'server.log'), pid: 0 });
  }
  const launch = { java, lib, marker: markerOf(paths), heap: '512m' };
  log(`Starting Kafka ${KAFKA_VERSION} (${brokers} broker${brokers > 1 ? 's' : ''}, Java ${java.major})...`);
  const cluster = await prepareKafkaCluster(launch, nodes, KAFKA_VERSION);
  for (const node of cluster.nodes) startKafkaNode(launch, node);
  try {
    await waitForKafka(cluster, START_TIMEOUT_MS);
  } catch (error) {
    // Leave no half-started JVM behind; the logs stay for reading.
    await stopServices(paths, { version: 1, owner: 'cli', leases: [], kafka: cluster }, log, {
      keepState: true,
    });
    throw error;
  }
  log(`  Kafka answers at ${bootstrapServers(cluster).join(',')}`);
  return cluster;
}

async function startLocalRegistry(
  paths: StackPaths,
  ports: PortAllocator,
  log: (line: string) => void,
): Promise<RegistryState> {
  const java = await findJava(21, `Apicurio Registry ${APICURIO_VERSION}`, ['JAVA21_HOME']);
  const home = await ensureApicurio(paths, log);
  const dir = join(paths.run, 'registry');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const registry: RegistryState = {
    version: APICURIO_VERSION,
    port: await ports.take(DEFAULT_REGISTRY_PORT),
    managementPort: await ports.take(),
    dir,
    logFile: join(dir, 'registry.log'),
    pid: 0,
  };
  log(`Starting Apicurio Registry ${APICURIO_VERSION} (Java ${java.major})...`);
  startRegistry(java, home, registry, markerOf(paths));
  try {
    await waitForRegistry(registry, START_TIMEOUT_MS);
  } catch (error) {
    await stopServices(paths, { version: 1, owner: 'cli', leases: [], registry }, log, { keepState: true });
    throw error;
  }
  log(`  Apicurio Registry answers at ${confluentCompatUrl(registry)}`);
  return registry;
}

/** What a start did, in a few words: `started kafka and registry`, `reused kafka`, `nothing to start`. */
export function describeStart(result: StartResult): string {
  const parts: string[] = [];
  if (result.started.length > 0) parts.push(`started ${result.started.join(' and ')}`);
  if (result.reused.length > 0) parts.push(`reused the running ${result.reused.join(' and ')}`);
  return parts.length > 0 ? parts.join(', ') : 'nothing to start: the environment names the services';
}

/** A one-line description of the endpoints, for logs. */
export function describeEndpoints(endpoints: StackEndpoints): string[] {
  return [
    `Kafka ${endpoints.kafkaVersion}: ${endpoints.kafkaBrokers.join(',')} (${endpoints.kafkaSource === 'env' ? 'KAFKA_BROKERS' : 'local'})`,
    `Schema registry: ${endpoints.schemaRegistryUrl} (${endpoints.registrySource === 'env' ? 'SCHEMA_REGISTRY_URL' : 'local Apicurio'})`,
    `Postgres: ${redact(endpoints.databaseUrl)}`,
    `Redis: ${redact(endpoints.redisUrl)}`,
  ];
}
