// The raw kafkajs client below plays the other applications around a topology (input producers, topic
// creation); reading goes through the library. The test setup file loads the library's kafkajs adapter
// before any of this (as an application imports the library before kafkajs), so readers here drop the
// records of aborted transactions.

import { Kafka, type KafkaConfig, logLevel, type Producer } from 'kafkajs';
import type { WireHeaders } from '../../topology/internal/kafka/types.js';
import { readTopicToEnd } from '../../topology/runtime/index.js';
import { endpoints } from './endpoints.js';

// kafkajs prints a notice about its default partitioner on every producer; tests do not need it.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/**
 * A quiet kafkajs client on the stack's brokers. kafkajs logs every retried error (a coordinator not
 * loaded yet, CONCURRENT_TRANSACTIONS right after a commit) at ERROR, which buries real failures in noise;
 * real failures still throw. Set `KAFKAJS_LOG_LEVEL=error` (or `info`, `debug`) to see its log.
 * Pass overrides for the client id, retries or timeouts.
 */
export function kafka(config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'integration-test',
    brokers: endpoints().kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...config,
  });
}

/**
 * A producer for test input: idempotent, one request in flight. A plain kafkajs producer sends a whole
 * request again when one partition of it answers with a retriable error (a topic created a moment ago),
 * and partitions that had taken the records get them twice: measured 2 sends in 100 to a fresh topic,
 * which made tests counting exact outputs fail. The broker drops such a resend from an idempotent producer.
 */
export function inputProducer(config: Partial<KafkaConfig> = {}): Producer {
  return kafka(config).producer({ idempotent: true, maxInFlightRequests: 1 });
}

/**
 * Retries `fn` while the broker answers with a transient error (a new partition without a serving leader
 * yet, a leader moving: kafkajs marks them `retriable`) for up to `timeoutMs`. On a busy machine a topic
 * created a moment ago can refuse ListOffsets for seconds after kafkajs gave up.
 */
async function whileTransient<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await fn();
    } catch (error) {
      const transient =
        (error as { retriable?: boolean }).retriable === true ||
        (error as { name?: string }).name === 'KafkaJSNumberOfRetriesExceeded';
      if (!transient || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** A topic to create; `partitions` defaults to 1, the replication factor to the broker's default. */
export interface TopicSpec {
  readonly topic: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Creates topics and waits until each has a leader (the broker does not create topics on first use).
 * Accepts names or specs; returns the names, in order. `brokers` targets another cluster than the stack's.
 *
 * @example
 * const [input, output] = await createTopics([uniqueName('in'), { topic: uniqueName('out'), partitions: 3 }]);
 */
export async function createTopics(
  topics: ReadonlyArray<string | TopicSpec>,
  options: { brokers?: string[] } = {},
): Promise<string[]> {
  const specs = topics.map((topic) => (typeof topic === 'string' ? { topic } : topic));
  const admin = kafka({ clientId: 'test-admin', ...brokersOverride(options.brokers) }).admin();
  await admin.connect();
  try {
    // Topics created by an earlier attempt are reported as existing, not as an error.
    await whileTransient(() =>
      admin.createTopics({
        waitForLeaders: true,
        topics: specs.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.partitions ?? 1,
          replicationFactor: spec.replicationFactor ?? -1,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
  } finally {
    await admin.disconnect();
  }
  return specs.map((spec) => spec.topic);
}

/** A record read back from a topic, with its coordinates. */
export interface ConsumedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: WireHeaders;
}

/** Options of {@link readAll}. */
export interface ReadAllOptions {
  /** `read_committed` skips records of aborted and still open transactions (default `read_uncommitted`). */
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Another cluster than the stack's, e.g. a private one from `startKafkaCluster`. */
  readonly brokers?: string[];
}

function brokersOverride(brokers: string[] | undefined): Partial<KafkaConfig> {
  return brokers ? { brokers } : {};
}

/**
 * Reads every record of a topic from the beginning up to its end as of the call, in partition and offset
 * order, with a throw-away consumer group: the library's `readTopicToEnd`, with the stack's brokers (or
 * `brokers`) and the string timestamps the tests compare. The end is the last stable offset, so records
 * of a transaction still open at the call are not waited for, whatever the isolation level. A topic that
 * does not exist reads as `[]`; transient broker errors are retried for about 20 s.
 *
 * @example
 * const committed = await readAll(topic, { isolation: 'read_committed' });
 */
export async function readAll(topic: string, options: ReadAllOptions = {}): Promise<ConsumedRecord[]> {
  const connection = {
    clientId: 'test-read-all',
    bootstrapServers: options.brokers ?? endpoints().kafkaBrokers,
  };
  const records = await readTopicToEnd(connection, topic, {
    isolation: options.isolation ?? 'read_uncommitted',
    timeoutMs: options.timeoutMs,
  });
  return records.map((record) => ({ ...record, timestamp: String(record.timestamp) }));
}
