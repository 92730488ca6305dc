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
import { KafkaFacadeError } from '../errors.js';
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

/** Creates the @platformatic/kafka adapter of the client port. */
export function createPlatformaticKafkaClient(options: KafkaClientOptions): KafkaClient {
  return new PlatformaticClient(options);
}

/** Why this adapter refuses exactly-once for now (`STRM_ERR_KAFKA_EXACTLY_ONCE_UNSUPPORTED`). */
export function exactlyOnceRefusal(use: string): KafkaFacadeError {
  return new KafkaFacadeError(
    'STRM_ERR_KAFKA_EXACTLY_ONCE_UNSUPPORTED',
    `${use}: the @platformatic/kafka client adapter does not support exactly-once yet (one transactional producer per stream thread, KIP-447, is not built). Use processingGuarantee 'at_least_once', or client 'kafkajs' for exactly-once.`,
  );
}

class PlatformaticClient implements KafkaClient {
  readonly #options: KafkaClientOptions;
  readonly #base: BaseOptions;

  constructor(options: KafkaClientOptions) {
    this.#options = options;
    this.#base = baseOptions(options);
  }

  checkConnection(timeoutMs: number): Promise<void> {
    return checkConnection(this.#options, timeoutMs);
  }

  /** Aborted records are left out by the Java client's rule (`partition-fetcher.ts`): nothing to refuse. */
  requireReadCommitted(_use: string): void {}

  admin(): KafkaAdmin {
    return new PlatformaticAdmin(this.#base);
  }

  producer(options: RecordProducerOptions = {}): RecordProducer {
    return new PlatformaticRecordProducer(this.#base, options);
  }

  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer {
    throw exactlyOnceRefusal(`a transactional producer (${options.transactionalId})`);
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
