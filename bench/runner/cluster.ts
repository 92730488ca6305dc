/**
 * Where a benchmark runs: by default a private single-node Kafka 4.4.0 cluster of its own (the pipeline's
 * topic names are fixed, and every run starts from empty topics, which must not disturb other users of
 * the shared broker), beside the shared stack's schema registry. `--shared-broker` (or `KAFKA_BROKERS`)
 * uses the shared or named cluster instead; then the pipeline topics on it are deleted and recreated.
 */

import { startKafkaCluster } from '../../stack/private-cluster.js';
import { acquireStack } from '../../stack/stack.js';
import { benchKafka } from './bench-client.js';

/** Brokers and registry of one benchmark invocation. */
export interface BenchCluster {
  readonly brokers: string[];
  readonly registryUrl: string;
  readonly kafkaVersion: string;
  /** `private` (a broker of the benchmark's own) or `shared`. */
  readonly kind: 'private' | 'shared';
  close(): Promise<void>;
}

/** Starts (or reuses) what a benchmark needs; `log` receives progress lines. */
export async function openBenchCluster(options: {
  sharedBroker: boolean;
  log: (line: string) => void;
}): Promise<BenchCluster> {
  const { result, release } = await acquireStack({ log: (line) => options.log(`[stack] ${line}`) });
  const { endpoints } = result;
  if (options.sharedBroker || endpoints.kafkaSource === 'env') {
    return {
      brokers: endpoints.kafkaBrokers,
      registryUrl: endpoints.schemaRegistryUrl,
      kafkaVersion: endpoints.kafkaVersion,
      kind: 'shared',
      close: release,
    };
  }
  options.log('starting a private Kafka broker for the benchmark...');
  const cluster = await startPrivateBroker(options.log);
  await warmUpCoordinators(cluster.brokers);
  return {
    brokers: cluster.brokers,
    registryUrl: endpoints.schemaRegistryUrl,
    kafkaVersion: endpoints.kafkaVersion,
    kind: 'private',
    close: async () => {
      await cluster.close();
      await release();
    },
  };
}

/**
 * A fresh broker answers "the coordinator is loading" to the first group and transactional requests
 * while it creates `__consumer_offsets` and `__transaction_state`. Clients retry that, but the
 * streams runtime currently treats it as fatal in its first join; so a throw-away group joins (and a
 * transactional producer initialises) here first, until the coordinators answer.
 */
async function warmUpCoordinators(brokers: string[]): Promise<void> {
  const kafka = benchKafka('bench-warm-up', brokers, 'silent');
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([{ name: '__bench-warm-up', partitions: 1 }]);
  await admin.disconnect();
  const consumer = kafka.groupConsumer({ groupId: 'bench-warm-up' });
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on('assigned', () => resolve()));
  await consumer.run(['__bench-warm-up'], async () => undefined);
  await joined;
  await consumer.disconnect();
  const producer = kafka.transactionalProducer({ transactionalId: 'bench-warm-up' });
  await producer.connect();
  await producer.send([
    { topic: '__bench-warm-up', key: null, value: Buffer.from('warm'), timestamp: Date.now() },
  ]);
  // No input offsets: the transaction carries only the record (the group id is not used).
  await producer.commit([], 'bench-warm-up');
  await producer.disconnect();
}

/**
 * A private single-node cluster. Tried up to three times: the stack's random cluster id sometimes starts
 * with "-", which the storage tool's argument parser takes for an option ("expected one argument").
 */
async function startPrivateBroker(log: (line: string) => void) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKafkaCluster({ brokers: 1, name: 'bench', log: (line) => log(`[kafka] ${line}`) });
    } catch (error) {
      if (attempt >= 3) throw error;
      log(`the private broker did not start (${(error as Error).message.split('\n')[0]}); trying again`);
    }
  }
}
