/**
 * The kafkajs adapter of the Kafka client port: {@link createKafkaClient} builds the kafkajs client that
 * the admin, producer and consumer adapters share, and the {@link KafkaClient} the runtime receives.
 */
import type { Kafka as KafkajsKafka } from 'kafkajs';
import type { KafkaAdmin } from '../admin.js';
import type { ChangelogFollower, ChangelogFollowerOptions } from '../changelog-follower.js';
import type { ReadToEndRequest } from '../changelog-reader.js';
import type { GroupConsumer, GroupConsumerOptions } from '../consumer.js';
import { KafkaFacadeError } from '../errors.js';
import type { KafkaClient, KafkaClientOptions } from '../kafka-client.js';
import type { RecordProducer, RecordProducerOptions } from '../producer.js';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.js';
import type { TopicReadOptions, TopicRecord } from '../types.js';
import { KafkajsAdmin } from './admin.js';
import { KafkajsChangelogFollower } from './changelog-follower.js';
import { readToEnd } from './changelog-reader.js';
import { kafkaClientConfig } from './client-config.js';
import { checkConnection } from './connection-check.js';
import { KafkajsGroupConsumer } from './consumer.js';
import { abortedFilterInstalled, kafkajs } from './kafkajs-module.js';
import { KafkajsRecordProducer } from './producer.js';
import { readTopic } from './topic-reader.js';
import { KafkajsTransactionalProducer } from './transactional-producer.js';

/** Creates the kafkajs adapter of the client port. */
export function createKafkaClient(options: KafkaClientOptions): KafkaClient {
  return new KafkajsClient(options);
}

/**
 * The reason {@link KafkaClient.requireReadCommitted} refuses, or undefined: kafkajs' own read_committed
 * filter lets records of aborted transactions through when several transactional producers write one
 * partition (see `aborted-filter.ts`), and the corrected one could not be installed.
 */
export function readCommittedRefusal(use: string): KafkaFacadeError | undefined {
  if (abortedFilterInstalled) return undefined;
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE',
    `${use} needs the library's correction of kafkajs' read_committed filter (kafkajs 2.2.4 lets records of aborted transactions through when several transactional producers write one partition), but this process loaded kafkajs before the library, so the correction could not be installed. Import the library (tstreams) before any module that imports kafkajs, e.g. as the first import of the entry point, or use processingGuarantee 'at_least_once'.`,
  );
}

class KafkajsClient implements KafkaClient {
  /** kafkajs' `sendOffsets` cannot carry the member's generation (no KIP-447): one producer per task. */
  readonly perThreadTransactions = false;
  readonly #options: KafkaClientOptions;
  readonly #kafka: KafkajsKafka;

  constructor(options: KafkaClientOptions) {
    this.#options = options;
    this.#kafka = new kafkajs.Kafka(kafkaClientConfig(options));
  }

  checkConnection(timeoutMs: number): Promise<void> {
    return checkConnection(this.#options, timeoutMs);
  }

  requireReadCommitted(use: string): void {
    const refusal = readCommittedRefusal(use);
    if (refusal !== undefined) throw refusal;
  }

  admin(): KafkaAdmin {
    return new KafkajsAdmin(this.#kafka);
  }

  producer(options: RecordProducerOptions = {}): RecordProducer {
    return new KafkajsRecordProducer(this.#kafka, options);
  }

  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer {
    this.requireReadCommitted('exactly_once (a transactional producer)');
    return new KafkajsTransactionalProducer(this.#kafka, options);
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new KafkajsGroupConsumer(this.#kafka, options);
  }

  readToEnd(request: ReadToEndRequest): Promise<number> {
    return readToEnd(this.#kafka, request);
  }

  changelogFollower(options: ChangelogFollowerOptions): ChangelogFollower {
    return new KafkajsChangelogFollower(this.#kafka, options);
  }

  readTopic(topic: string, options: TopicReadOptions): Promise<TopicRecord[]> {
    if (options.readCommitted) this.requireReadCommitted(`readTopicToEnd(${topic}) with read_committed`);
    return readTopic(this.#kafka, topic, options);
  }
}
