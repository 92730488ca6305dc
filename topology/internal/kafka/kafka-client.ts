/**
 * The Kafka client port: everything the runtime asks of a Kafka client, in the library's own types. The
 * runtime receives a {@link KafkaClient} and never a client library's object; each client library is an
 * adapter in its own folder (kafkajs: `kafkajs/`, created by {@link createKafkaClient}) that holds every
 * import of that library and every workaround for it.
 */
import type { Logger } from 'pino';
import type { KafkaAdmin } from './admin.js';
import type { ChangelogFollower, ChangelogFollowerOptions } from './changelog-follower.js';
import type { ReadToEndRequest } from './changelog-reader.js';
import type { GroupConsumer, GroupConsumerOptions } from './consumer.js';
import type { RecordProducer, RecordProducerOptions } from './producer.js';
import type { SaslConfig, TlsConfig } from './security.js';
import type { TransactionalProducer, TransactionalProducerOptions } from './transactional-producer.js';
import type { TopicReadOptions, TopicRecord } from './types.js';

/** How to reach the cluster. */
export interface KafkaClientOptions {
  /** Shown in broker logs and quotas; the runtime uses `<applicationId>-<instance>`. */
  readonly clientId: string;
  /** `host:port` of one or more brokers. */
  readonly brokers: ReadonlyArray<string>;
  readonly logger: Logger;
  /** Per-request timeout; 30 s by default, which hides a dead broker for too long in tests. */
  readonly requestTimeoutMs?: number;
  readonly connectionTimeoutMs?: number;
  /**
   * How often the client itself repeats a failed request before it gives up (delays from 100 ms doubling
   * to 5 s). Default 8; 0 for a probe that must answer within its timeouts.
   */
  readonly retries?: number;
  /** TLS to the brokers; `true` with the system's CAs. */
  readonly ssl?: boolean | TlsConfig;
  readonly sasl?: SaslConfig;
  /**
   * The least severe of the client's own log lines passed to `logger` (default `info`). Applications'
   * clients (`api/`) pass `warn`, or `error` for command-line tools, to keep the client's join and
   * connection lines out of their logs.
   */
  readonly clientLogLevel?: 'error' | 'warn' | 'info';
}

/** A Kafka client: the factory of the admin, producers, consumers and readers the runtime uses. */
export interface KafkaClient {
  /**
   * Reaches the cluster once and names why it cannot: a refused credential (`STRM_ERR_KAFKA_AUTHENTICATION`)
   * or certificate (`STRM_ERR_KAFKA_TLS`) at once, no answer within `timeoutMs` (`STRM_ERR_KAFKA_UNREACHABLE`).
   */
  checkConnection(timeoutMs: number): Promise<void>;
  /**
   * Throws `STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE` when this client cannot leave out every record of an
   * aborted transaction in this process, saying why and what to do; `use` names what needs it
   * (`processingGuarantee exactly_once`, `readTopicToEnd read_committed`).
   */
  requireReadCommitted(use: string): void;
  admin(): KafkaAdmin;
  /** An idempotent producer (at-least-once outputs). */
  producer(options?: RecordProducerOptions): RecordProducer;
  /**
   * True when the client sends transactional offsets with the consumer's generation and member id
   * (KIP-447), so that one transactional producer can serve every task of a stream thread (Kafka Streams'
   * `exactly_once_v2`): the group coordinator, not a per-task transactional id, fences a zombie. False
   * (kafkajs): one transactional producer per task, `<applicationId>-<taskId>`.
   */
  readonly perThreadTransactions: boolean;
  /** An exactly-once transactional producer (refused as {@link requireReadCommitted} does). */
  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer;
  /** A consumer group member. */
  groupConsumer(options: GroupConsumerOptions): GroupConsumer;
  /**
   * Reads partitions over the given ranges, separately from any group member (restoration must not block
   * the member's heartbeats). Resolves to the number of partitions read; 0 means every range was empty.
   */
  readToEnd(request: ReadToEndRequest): Promise<number>;
  /** A follower of changelog partitions (standbys, global stores); started by its `start`. */
  changelogFollower(options: ChangelogFollowerOptions): ChangelogFollower;
  /**
   * Every record of `topic` up to its end as of the call (the last stable offsets), in partition and offset
   * order; `[]` when the topic does not exist. Transient broker errors restart the read for about 20 s.
   */
  readTopic(topic: string, options: TopicReadOptions): Promise<TopicRecord[]>;
}
