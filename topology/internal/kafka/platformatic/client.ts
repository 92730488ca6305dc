/**
 * The @platformatic/kafka adapter of the Kafka client port: {@link createPlatformaticKafkaClient} builds the
 * {@link KafkaClient} the runtime receives. Each admin, producer and reader is its own @platformatic/kafka
 * client (its own connections), created from the same base options.
 */
import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaAdmin } from '../admin.js';
import type { ChangelogFollower, ChangelogFollowerOptions } from '../changelog-follower.js';
import type { ReadToEndRequest } from '../changelog-reader.js';
import type { GroupConsumer, GroupConsumerOptions } from '../consumer.js';
import type { KafkaClient, KafkaClientOptions } from '../kafka-client.js';
import type { RecordProducer, RecordProducerOptions } from '../producer.js';
import type { TransactionalProducer, TransactionalProducerOptions } from '../transactional-producer.js';
import type { TopicReadOptions, TopicRecord } from '../types.js';
import { PlatformaticAdmin } from './admin.js';
import { PlatformaticChangelogFollower } from './changelog-follower.js';
import { baseOptions } from './client-options.js';
import { checkConnection } from './connection-check.js';
import { PlatformaticGroupConsumer } from './consumer.js';
import { PlatformaticRecordProducer } from './producer.js';
import { readToEnd, readTopic } from './range-reader.js';
import { PlatformaticTransactionalProducer } from './transactional-producer.js';

/** Creates the @platformatic/kafka adapter of the client port. */
export function createPlatformaticKafkaClient(options: KafkaClientOptions): KafkaClient {
  return new PlatformaticClient(options);
}

class PlatformaticClient implements KafkaClient {
  /** TxnOffsetCommit carries the member's generation and id (`transactional-producer.ts`). */
  readonly perThreadTransactions = true;
  readonly #options: KafkaClientOptions;
  readonly #base: BaseOptions;

  constructor(options: KafkaClientOptions) {
    this.#options = options;
    this.#base = baseOptions(options);
  }

  checkConnection(timeoutMs: number): Promise<void> {
    return checkConnection(this.#options, timeoutMs);
  }

  /**
   * Nothing to refuse: every reader of this adapter fetches with isolation READ_COMMITTED when asked and
   * leaves out aborted records by the Java client's rule (`partition-fetcher.ts`), whatever else the
   * process loaded (kafkajs' refusal is about its module shared with the application).
   */
  requireReadCommitted(_use: string): void {}

  admin(): KafkaAdmin {
    return new PlatformaticAdmin(this.#base);
  }

  producer(options: RecordProducerOptions = {}): RecordProducer {
    return new PlatformaticRecordProducer(this.#base, options);
  }

  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer {
    return new PlatformaticTransactionalProducer(this.#base, options);
  }

  groupConsumer(options: GroupConsumerOptions): GroupConsumer {
    return new PlatformaticGroupConsumer(this.#base, options);
  }

  readToEnd(request: ReadToEndRequest): Promise<number> {
    return readToEnd(this.#base, request);
  }

  changelogFollower(options: ChangelogFollowerOptions): ChangelogFollower {
    return new PlatformaticChangelogFollower(this.#base, options);
  }

  readTopic(topic: string, options: TopicReadOptions): Promise<TopicRecord[]> {
    return readTopic(this.#base, topic, options);
  }
}
