/**
 * Runs the domain's {@link PaymentWorker} on Kafka: a consumer group (`<applicationId>-payments`) reads
 * `payment.requests` (JSON, internal), performs each request through the gateway and produces the
 * answers (`payment.*`, Avro) with the API's idempotent publisher, in order, before committing. A crash
 * re-performs a request; the gateway is called with the request's deterministic id as its idempotency
 * key and the answers carry deterministic event ids, so nothing is paid or recorded twice.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { PaymentRequest } from '../../processors/topology/payment-request.js';
import type { PaymentWorker } from '../../processors/topology/payment-worker.js';
import { avroSerde } from '../../schemas/avro-serde.js';
import { DeadLetterSchema } from '../../schemas/generated/schemas.js';
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { DeadLetter } from '../../schemas/generated/types.js';
import type { SchemaRegistryClient } from '../../schemas/registry/schema-registry-client.js';
import type { EventPublisher } from '../kafka/event-publisher.js';
import { PAYMENT_REQUESTS, type TopicNamer } from '../kafka/topics.js';

/** What the loop needs. */
export interface PaymentWorkerLoopOptions {
  readonly kafka: Kafka;
  readonly worker: PaymentWorker;
  readonly publisher: EventPublisher;
  readonly registry: SchemaRegistryClient;
  readonly names: TopicNamer;
  readonly groupId: string;
  readonly logger: Logger;
}

/** Consumes payment requests and produces the answers. */
export class PaymentWorkerLoop {
  readonly #options: PaymentWorkerLoopOptions;
  readonly #consumer: Consumer;
  readonly #deadLetters;

  constructor(options: PaymentWorkerLoopOptions) {
    this.#options = options;
    this.#consumer = options.kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
    this.#deadLetters = avroSerde(DeadLetterSchema, { registry: options.registry });
  }

  /** Joins the group and starts performing requests. */
  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#options.names(PAYMENT_REQUESTS), fromBeginning: true });
    await this.#consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.#handle(payload) });
  }

  /** Stops after the request in progress. */
  async stop(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #handle({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning }: EachBatchPayload) {
    const { worker, publisher } = this.#options;
    for (const message of batch.messages) {
      if (!isRunning()) break;
      if (message.value === null) {
        resolveOffset(message.offset);
        continue;
      }
      const request = JSON.parse(message.value.toString('utf8')) as PaymentRequest;
      const outputs = await worker.handle(request, {
        partition: batch.partition,
        offset: Number(message.offset),
        timestamp: Number(message.timestamp),
      });
      for (const output of outputs) {
        if (output.topic === 'payment.requests.dlq') {
          await this.#deadLetter(output.key, output.value);
        } else {
          await publisher.publish(
            output.topic,
            output.key,
            output.value as TopicValue<TopicName>,
            output.value.occurredAt,
          );
        }
      }
      resolveOffset(message.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  async #deadLetter(key: string, value: DeadLetter): Promise<void> {
    const topic = this.#options.names(`${PAYMENT_REQUESTS}.dlq`);
    const context = { topic, isKey: false } as const;
    await this.#deadLetters.prepare(context);
    this.#options.logger.warn(
      { topic, errorCode: value.errorCode, sourceOffset: value.sourceOffset },
      'payment request dead-lettered',
    );
    await this.#options.publisher.publishRaw({
      topic,
      key: Buffer.from(key, 'utf8'),
      value: this.#deadLetters.serialize(value, context),
      timestamp: value.occurredAt,
      headers: {},
    });
  }
}
