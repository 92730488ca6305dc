/**
 * Reading a whole topic, from its start to its end as of the call: for operator tools (listing dead
 * letters), tests and checks. Not for the hot path: it goes through the Kafka client port's `readTopic`
 * (with kafkajs, a throw-away consumer group per call, as kafkajs has no manual assignment).
 *
 * The end of a partition is its last stable offset, so a transaction still open at the call is not waited
 * for, whatever the isolation; a partition that ends in transaction markers still counts as read.
 */
import pino from 'pino';
import { createKafkaClient } from '../internal/kafka/default-client.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import type { SaslConfig, TlsConfig } from '../internal/kafka/security.js';
import type { TopicRecord } from '../internal/kafka/types.js';

export type { TopicRecord } from '../internal/kafka/types.js';

/** Where {@link readTopicToEnd} reads: the cluster's address and security, as in `StreamsConfig`. */
export interface ReadTopicConnection {
  /** `host:port` of one or more brokers: a list or a comma-separated string. */
  readonly bootstrapServers: string | ReadonlyArray<string>;
  /** Default `tstreams-read-topic`. */
  readonly clientId?: string;
  readonly ssl?: boolean | TlsConfig;
  readonly sasl?: SaslConfig;
}

/** Options of {@link readTopicToEnd}. */
export interface ReadTopicToEndOptions {
  /**
   * `read_committed` leaves out records of aborted transactions (default `read_uncommitted`, as Kafka's
   * consumers). Pass `read_committed` for topics an `exactly_once` application writes.
   */
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /** Stop after this many records (the first fetched: in offset order within each partition). */
  readonly limit?: number;
  /** How long reading up to the ends may take, milliseconds (default 30 s). */
  readonly timeoutMs?: number;
}

/**
 * Every record of `topic` up to its end as of the call, in partition and offset order; `[]` when the
 * topic does not exist. A transient broker error (a new group's coordinator still loading, a leader
 * moving, a topic created a moment ago refusing ListOffsets) restarts the read with a fresh group, for up
 * to about 20 s; reading has no side effects. Rejects when the partitions are not all read to their end in
 * `timeoutMs`, naming them.
 *
 * @example
 * const deadLetters = await readTopicToEnd({ bootstrapServers: 'localhost:9092' }, 'orders.dlq', { isolation: 'read_committed', limit: 100 });
 */
export async function readTopicToEnd(
  connection: ReadTopicConnection | KafkaClient,
  topic: string,
  options: ReadTopicToEndOptions = {},
): Promise<TopicRecord[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const timeoutMs = options.timeoutMs ?? 30_000;
  checkOptions(topic, limit, timeoutMs);
  if (limit === 0) return [];
  const client = 'readTopic' in connection ? connection : clientFor(connection);
  const readCommitted = options.isolation === 'read_committed';
  // kafkajs' own read_committed filter lets aborted records through when several transactional producers
  // write a partition: better no answer (STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE) than a wrong one.
  if (readCommitted) client.requireReadCommitted(`readTopicToEnd(${topic}) with read_committed`);
  return client.readTopic(topic, { readCommitted, limit, timeoutMs });
}

function clientFor(connection: ReadTopicConnection): KafkaClient {
  const { bootstrapServers, ssl, sasl } = connection;
  const brokers =
    typeof bootstrapServers === 'string'
      ? bootstrapServers.split(',').map((broker) => broker.trim())
      : [...bootstrapServers];
  return createKafkaClient({
    clientId: connection.clientId ?? 'tstreams-read-topic',
    brokers,
    // The client's own log stays quiet: failures come back as the call's rejection.
    logger: pino({ level: 'silent' }),
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl === undefined ? {} : { sasl }),
  });
}

function checkOptions(topic: string, limit: number, timeoutMs: number): void {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new TypeError(`readTopicToEnd: topic must be a non-empty string, got ${String(topic)}`);
  }
  if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0))) {
    throw new RangeError(`readTopicToEnd(${topic}): limit must be an integer >= 0, got ${limit}`);
  }
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError(`readTopicToEnd(${topic}): timeoutMs must be a number > 0, got ${timeoutMs}`);
  }
}
