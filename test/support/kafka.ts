// The library's Kafka client port (its kafkajs adapter) plays the other applications around a topology
// here: input producers, topic creation, admin checks, reading back. Tests therefore use the same client
// as the runtime, and a second client adapter replaces this one too.

import pino from 'pino';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { OutgoingRecord, WireHeaders } from '../../topology/internal/kafka/types.js';
import { readTopicToEnd } from '../../topology/runtime/index.js';
import { endpoints } from './endpoints.js';

/** Settings of a test client; every one optional. */
export interface TestClientConfig {
  /** Default `integration-test`. */
  readonly clientId?: string;
  /** Another cluster than the stack's, e.g. a private one from `startKafkaCluster`. */
  readonly brokers?: string[];
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /** The client's own retries of a failed request (default 8, delays doubling from 100 ms to 5 s). */
  readonly retries?: number;
}

/**
 * A quiet client of the library's Kafka client port on the stack's brokers. The client logs every retried
 * error (a coordinator not loaded yet, CONCURRENT_TRANSACTIONS right after a commit), which buries real
 * failures in noise; real failures still throw. Set `KAFKA_LOG_LEVEL=warn` (or `info`, `debug`) to see
 * its log.
 */
export function kafka(config: TestClientConfig = {}): KafkaClient {
  return createKafkaClient({
    clientId: config.clientId ?? 'integration-test',
    brokers: config.brokers ?? endpoints().kafkaBrokers,
    logger: pino({ name: 'test-kafka', level: process.env.KAFKA_LOG_LEVEL ?? 'silent' }),
    ...(config.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: config.requestTimeoutMs }),
    ...(config.connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs: config.connectionTimeoutMs }),
    ...(config.retries === undefined ? {} : { retries: config.retries }),
  });
}

/** A message of test input: strings are UTF-8 encoded; without `partition` the key's murmur2 hash picks it. */
export interface InputMessage {
  readonly key?: Buffer | string | null;
  readonly value: Buffer | string | null;
  readonly partition?: number;
  readonly headers?: WireHeaders;
  /** Epoch milliseconds (a number or its decimal string); default now. */
  readonly timestamp?: number | string;
}

/** One send of test input to one topic. */
export interface InputBatch {
  readonly topic: string;
  readonly messages: ReadonlyArray<InputMessage>;
  /** Ignored: the port's producer always waits for every in-sync replica (`acks=all`). */
  readonly acks?: number;
}

/** Where a send put the records it gave an explicit partition (the offset of the first one there). */
export interface SentPartition {
  readonly topic: string;
  readonly partition: number;
  /** As a decimal string, as the records read back carry it. */
  readonly baseOffset: string;
}

/** The producer of test input: {@link inputProducer}. */
export interface InputProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /**
   * Resolves once every record is acknowledged, with where the records that named a partition went;
   * rejects with the first record the broker refused.
   */
  send(batch: InputBatch): Promise<SentPartition[]>;
}

function bytes(data: Buffer | string | null | undefined): Buffer | null {
  if (data === undefined || data === null) return null;
  return typeof data === 'string' ? Buffer.from(data) : data;
}

/** The port's records for test input messages (for a transactional producer's `send`). */
export function outgoingRecords(topic: string, messages: ReadonlyArray<InputMessage>): OutgoingRecord[] {
  const now = Date.now();
  return messages.map((message) => ({
    topic,
    key: bytes(message.key),
    value: bytes(message.value),
    timestamp: message.timestamp === undefined ? now : Number(message.timestamp),
    ...(message.partition === undefined ? {} : { partition: message.partition }),
    ...(message.headers === undefined ? {} : { headers: message.headers }),
  }));
}

/**
 * A producer for test input: the port's idempotent producer, one request in flight. A plain producer
 * sends a whole request again when one partition of it answers with a retriable error (a topic created a
 * moment ago), and partitions that had taken the records get them twice: measured 2 sends in 100 to a
 * fresh topic, which made tests counting exact outputs fail. The broker drops such a resend from an
 * idempotent producer.
 */
export function inputProducer(config: TestClientConfig = {}): InputProducer {
  // The last offset acknowledged per partition during the send under way (sends run one at a time).
  let acknowledged = new Map<string, number>();
  const producer = kafka(config).producer({
    onAcknowledged: (topic, partition, lastOffset) => acknowledged.set(`${partition}:${topic}`, lastOffset),
  });
  let queue: Promise<unknown> = Promise.resolve();
  const sendOne = async (batch: InputBatch): Promise<SentPartition[]> => {
    const records = outgoingRecords(batch.topic, batch.messages);
    acknowledged = new Map();
    const failures = await producer.send(records);
    if (failures.length > 0) throw failures[0]!.error;
    const counts = new Map<string, number>();
    for (const record of records) {
      if (record.partition === undefined) continue;
      const key = `${record.partition}:${record.topic}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // Exact as long as nothing else writes the partition during the send (a send of up to 1,000 records
    // is one request).
    return [...counts].map(([key, count]) => ({
      topic: batch.topic,
      partition: Number(key.slice(0, key.indexOf(':'))),
      baseOffset: String((acknowledged.get(key) ?? Number.NaN) - count + 1),
    }));
  };
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    send(batch) {
      const sent = queue.then(() => sendOne(batch));
      queue = sent.catch(() => undefined);
      return sent;
    },
  };
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
 * Creates topics and waits until a leader serves each partition (the broker does not create topics on
 * first use). Accepts names or specs; returns the names, in order. A topic that exists already (e.g.
 * created by an earlier attempt) is accepted whatever its partition count. `brokers` targets another
 * cluster than the stack's.
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
    await admin.ensureTopics(
      specs.map((spec) => ({
        name: spec.topic,
        partitions: spec.partitions ?? 1,
        replicationFactor: spec.replicationFactor ?? -1,
        configs: spec.config ?? {},
        anyPartitionCount: true,
      })),
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

function brokersOverride(brokers: string[] | undefined): Pick<TestClientConfig, 'brokers'> {
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
