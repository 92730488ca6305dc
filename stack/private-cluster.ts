import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureKafkaJars, KAFKA_VERSION } from './artifacts.js';
import { StackError } from './errors.js';
import { findJava } from './java.js';
import {
  bootstrapServers,
  type KafkaLaunch,
  type KafkaNodeState,
  prepareKafkaCluster,
  startKafkaNode,
  waitForKafka,
} from './kafka.js';
import { privateMarkerPrefix, type StackPaths, stackPaths } from './paths.js';
import { PortAllocator } from './ports.js';
import { isAlive, signalGroupAndWait, stopProcessGroup } from './processes.js';
import { makeSecureListenerMaterial, type SecureListenerOptions } from './secure-listener.js';

/** Options of {@link startKafkaCluster}. */
export interface PrivateClusterOptions {
  /** Number of combined broker+controller nodes (default 3). */
  readonly brokers?: number;
  /** Part of the folder name under `.stack/private/`, to find the logs (default `cluster`). */
  readonly name?: string;
  readonly log?: (line: string) => void;
  readonly paths?: StackPaths;
  /**
   * Adds a SASL_SSL listener on another port of each node (PLAIN, SCRAM-SHA-256/512 and unsecured
   * OAUTHBEARER), with certificates made at start; the PLAINTEXT listener stays for brokers and probes.
   */
  readonly saslSsl?: SecureListenerOptions;
}

/** A Kafka cluster owned by one test, whose nodes the test may crash and restart. */
export interface KafkaClusterHandle {
  /** Bootstrap servers of every node, `127.0.0.1:<port>`. */
  readonly brokers: string[];
  readonly nodes: ReadonlyArray<Pick<KafkaNodeState, 'id' | 'port' | 'logFile'>>;
  /** With `saslSsl`: the SASL_SSL bootstrap servers and the CA certificate (PEM) clients must trust. */
  readonly saslSsl?: { readonly brokers: string[]; readonly caPem: string };
  /**
   * Stops one node: `SIGKILL` (default) is a crash, `SIGTERM` a clean shutdown. Resolves once the process
   * is gone; its data stays for {@link startNode}.
   */
  stopNode(id: number, signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Starts a stopped node again on its ports and data; resolves when the cluster reports every node. */
  startNode(id: number): Promise<void>;
  /** Stops every node and deletes the cluster's folder. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a Kafka cluster of its own (default three nodes, replication factors following the node count)
 * for a fault or replication test, independent of the shared stack, so crashing a broker does not disturb
 * other tests. Always `close()` it (e.g. in `afterAll`); `npm run stack:stop` also ends one left behind.
 *
 * @example
 * const cluster = await startKafkaCluster({ brokers: 3, name: 'leader-failover' });
 * await cluster.stopNode(1); // crash node 1
 * await cluster.startNode(1);
 * await cluster.close();
 */
export async function startKafkaCluster(options: PrivateClusterOptions = {}): Promise<KafkaClusterHandle> {
  const paths = options.paths ?? stackPaths();
  const log = options.log ?? (() => undefined);
  const count = options.brokers ?? 3;
  const java = await findJava(17, `Apache Kafka ${KAFKA_VERSION}`);
  const lib = await ensureKafkaJars(paths, log);
  const folder = `${options.name ?? 'cluster'}-${randomBytes(3).toString('hex')}`;
  const root = join(paths.run, 'private', folder);
  const launch: KafkaLaunch = { java, lib, marker: `${privateMarkerPrefix(paths)}${folder}`, heap: '384m' };
  const ports = new PortAllocator();
  const nodes: KafkaNodeState[] = [];
  for (let id = 1; id <= count; id += 1) {
    const dir = join(root, `kafka-${id}`);
    nodes.push({
      id,
      port: await ports.take(),
      controllerPort: await ports.take(),
      ...(options.saslSsl ? { saslSslPort: await ports.take() } : {}),
      dir,
      logFile: join(dir, 'server.log'),
      pid: 0,
    });
  }
  const secure = options.saslSsl
    ? await makeSecureListenerMaterial(join(root, 'tls'), options.saslSsl)
    : undefined;
  const cluster = await prepareKafkaCluster(launch, nodes, KAFKA_VERSION, secure);
  const stopAll = async () => {
    await Promise.all(
      cluster.nodes.filter((node) => isAlive(node.pid)).map((node) => stopProcessGroup(node.pid)),
    );
  };
  for (const node of cluster.nodes) startKafkaNode(launch, node);
  try {
    await waitForKafka(cluster, 180_000);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const nodeById = (id: number) => {
    const node = cluster.nodes.find((candidate) => candidate.id === id);
    if (!node) throw new RangeError(`No node ${id}; this cluster has nodes 1 to ${count}`);
    return node;
  };
  let closed = false;
  return {
    brokers: bootstrapServers(cluster),
    nodes: cluster.nodes,
    ...(secure
      ? {
          saslSsl: {
            brokers: cluster.nodes.map((node) => `127.0.0.1:${node.saslSslPort}`),
            caPem: secure.caPem,
          },
        }
      : {}),
    async stopNode(id, signal = 'SIGKILL') {
      const node = nodeById(id);
      if (!isAlive(node.pid)) return;
      if (!(await signalGroupAndWait(node.pid, signal, signal === 'SIGKILL' ? 10_000 : 60_000))) {
        throw new StackError(
          'STRM_ERR_STACK_STOP_FAILED',
          `Kafka node ${id} (pid ${node.pid}) did not exit after ${signal}; see ${node.logFile}.`,
        );
      }
    },
    async startNode(id) {
      const node = nodeById(id);
      if (isAlive(node.pid)) return;
      startKafkaNode(launch, node);
      // Asked through the restarted node itself: the others may still list it before they notice the crash.
      await waitForKafka(cluster, 180_000, [`127.0.0.1:${node.port}`]);
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopAll();
      await rm(root, { recursive: true, force: true });
    },
  };
}
