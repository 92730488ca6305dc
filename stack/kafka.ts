import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StackError } from './errors.js';
import type { JavaRuntime } from './java.js';
import { isAlive, spawnDetached } from './processes.js';
import { type SecureListenerMaterial, scramFormatArgs, secureListenerProperties } from './secure-listener.js';
import { logExcerpt, sleep } from './util.js';

const run = promisify(execFile);

/** One combined broker+controller of the local cluster, as recorded in the state file. */
export interface KafkaNodeState {
  readonly id: number;
  /** The client (PLAINTEXT) port on 127.0.0.1. */
  readonly port: number;
  /** The KRaft controller port on 127.0.0.1. */
  readonly controllerPort: number;
  /** A SASL_SSL client port on 127.0.0.1, when the cluster has one (private test clusters only). */
  readonly saslSslPort?: number;
  /** Folder with `server.properties`, `log4j2.properties`, `data/` and the logs. */
  readonly dir: string;
  /** The broker's own log (Log4j 2), the one to read when it fails. */
  readonly logFile: string;
  pid: number;
}

/** The local Kafka cluster: one node, or three for replication tests. */
export interface KafkaClusterState {
  readonly clusterId: string;
  readonly version: string;
  readonly nodes: KafkaNodeState[];
}

/** How the brokers are run: the JVM, the jar folder, and the marker that tags our processes. */
export interface KafkaLaunch {
  readonly java: JavaRuntime;
  readonly lib: string;
  readonly marker: string;
  /** Maximum heap per broker, e.g. `512m`. */
  readonly heap: string;
}

/** `host:port` bootstrap addresses of the cluster. */
export function bootstrapServers(cluster: KafkaClusterState): string[] {
  return cluster.nodes.map((node) => `127.0.0.1:${node.port}`);
}

/**
 * Writes the configuration of every node and formats its storage with a fresh cluster id. The quorum is
 * static (`controller.quorum.voters`), which Kafka 4 still supports and which needs no per-node directory
 * ids, so one and three nodes take the same path.
 */
export async function prepareKafkaCluster(
  launch: KafkaLaunch,
  nodes: ReadonlyArray<KafkaNodeState>,
  version: string,
  secure?: SecureListenerMaterial,
): Promise<KafkaClusterState> {
  const clusterId = await randomClusterId();
  const voters = nodes.map((node) => `${node.id}@127.0.0.1:${node.controllerPort}`).join(',');
  await Promise.all(
    nodes.map(async (node) => {
      await mkdir(join(node.dir, 'data'), { recursive: true });
      await writeFile(
        join(node.dir, 'server.properties'),
        serverProperties(node, voters, nodes.length) + (secure ? secureListenerProperties(secure) : ''),
      );
      await writeFile(join(node.dir, 'log4j2.properties'), log4jProperties());
      await runKafkaTool(launch, node, [
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id',
        clusterId,
        '--config',
        join(node.dir, 'server.properties'),
        '--ignore-formatted',
        ...(secure ? scramFormatArgs(secure) : []),
      ]);
    }),
  );
  return { clusterId, version, nodes: [...nodes] };
}

/** Starts one node of a prepared cluster in the background and records its pid. */
export function startKafkaNode(launch: KafkaLaunch, node: KafkaNodeState): void {
  node.pid = spawnDetached({
    executable: launch.java.executable,
    args: [...jvmArgs(launch, node), 'kafka.Kafka', join(node.dir, 'server.properties')],
    cwd: node.dir,
    outputFile: join(node.dir, 'stdout.log'),
  });
}

/**
 * Waits until the cluster answers a real admin request with every node registered, asking through `via`
 * (all nodes by default; only a restarted node's address to know that node itself serves again). Fails
 * fast, naming the log, when a broker process exits while we wait.
 */
export async function waitForKafka(
  cluster: KafkaClusterState,
  timeoutMs: number,
  via: string[] = bootstrapServers(cluster),
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    for (const node of cluster.nodes) {
      if (!isAlive(node.pid)) {
        throw new StackError(
          'STRM_ERR_STACK_SERVICE_EXITED',
          `Kafka node ${node.id} (port ${node.port}) exited while starting; see ${node.logFile} ` +
            `and ${join(node.dir, 'stdout.log')}. Last lines:\n${await logExcerpt(node.logFile, 15)}`,
        );
      }
    }
    try {
      if ((await describeBrokerCount(via, 2_000)) === cluster.nodes.length) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(250);
  }
  throw new StackError(
    'STRM_ERR_STACK_SERVICE_TIMEOUT',
    `Kafka did not answer with ${cluster.nodes.length} broker(s) within ${timeoutMs / 1000} s ` +
      `(last error: ${String(lastError)}); see ${cluster.nodes.map((node) => node.logFile).join(', ')}.`,
    { retriable: true },
  );
}

/** Number of brokers a cluster reports through `describeCluster`; throws when it does not answer. */
export async function describeBrokerCount(brokers: string[], timeoutMs: number): Promise<number> {
  // Loaded on first use, not with this module: a process that starts the stack and then runs the library
  // (npm start, the benchmarks) must not load the client before it needs it.
  const [{ createKafkaClient }, { default: pino }] = await Promise.all([
    import('../topology/internal/kafka/default-client.js'),
    import('pino'),
  ]);
  // No retries: a probe answers within `timeoutMs`; the caller asks again.
  const admin = createKafkaClient({
    clientId: 'stack-probe',
    brokers,
    logger: pino({ level: 'silent' }),
    connectionTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
    retries: 0,
  }).admin();
  try {
    await admin.connect();
    return (await admin.brokerIds()).length;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function randomClusterId(): Promise<string> {
  // A KRaft cluster id is 16 random bytes in URL-safe base64 without padding (what `random-uuid` prints).
  // One that starts with '-' is read as an option by the storage tool, so draw again (as Kafka's own
  // Uuid.randomUuid does).
  for (;;) {
    const id = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function runKafkaTool(launch: KafkaLaunch, node: KafkaNodeState, args: string[]): Promise<void> {
  try {
    await run(launch.java.executable, [...jvmArgs(launch, node, 'tool'), ...args], {
      cwd: node.dir,
      timeout: 120_000,
    });
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string };
    throw new StackError(
      'STRM_ERR_STACK_SERVICE_EXITED',
      `Formatting the storage of Kafka node ${node.id} failed: ${output.stderr || output.stdout || String(error)}`,
      { cause: error },
    );
  }
}

function jvmArgs(launch: KafkaLaunch, node: KafkaNodeState, role: 'broker' | 'tool' = 'broker'): string[] {
  // A short-lived tool starts faster with the C1 compiler only and the serial collector; a broker gets G1
  // with short pauses, as Kafka's own scripts set.
  const tuning =
    role === 'tool'
      ? ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC']
      : [`-Xmx${launch.heap}`, '-Xms128m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];
  return [
    ...tuning,
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(node.dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${node.dir}`,
    launch.marker,
    '-cp',
    // The JVM expands the wildcard itself; no shell is involved.
    join(launch.lib, '*'),
  ];
}

/**
 * The broker settings. Replication factors follow the node count, so a single node can run
 * transactions and consumer groups, and three nodes replicate everything by default.
 */
function serverProperties(node: KafkaNodeState, voters: string, nodeCount: number): string {
  const minIsr = Math.min(2, nodeCount);
  return `# Generated by stack/kafka.ts; rewritten on every fresh start.
process.roles=broker,controller
node.id=${node.id}
controller.quorum.voters=${voters}
listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}${node.saslSslPort ? `,SASL_SSL://127.0.0.1:${node.saslSslPort}` : ''}
advertised.listeners=PLAINTEXT://127.0.0.1:${node.port}${node.saslSslPort ? `,SASL_SSL://127.0.0.1:${node.saslSslPort}` : ''}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=${join(node.dir, 'data')}

# Topics are created explicitly, as Kafka Streams expects: a typo in a topic name fails loudly instead
# of silently creating a new topic. Tests create theirs with test/support createTopics().
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=${nodeCount}
min.insync.replicas=1

# Internal topics sized for one machine: fewer partitions make the first consumer group and the first
# transaction start quickly; replication follows the node count so one node is enough.
offsets.topic.num.partitions=10
offsets.topic.replication.factor=${nodeCount}
transaction.state.log.num.partitions=10
transaction.state.log.replication.factor=${nodeCount}
transaction.state.log.min.isr=${minIsr}
share.coordinator.state.topic.replication.factor=${nodeCount}
share.coordinator.state.topic.min.isr=${minIsr}
group.initial.rebalance.delay.ms=0
`;
}

function log4jProperties(): string {
  return `# Generated by stack/kafka.ts: the broker's log in server.log, noisy request logging quiet.
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = \${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
`;
}
