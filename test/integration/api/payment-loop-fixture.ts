/**
 * A {@link PaymentWorkerLoop} running on the real stack for one test file, under a topic prefix and a
 * consumer group of its own: the API's Kafka publisher (optionally wrapped, e.g. to fail once), the
 * resilient simulated gateway (with latency, behind an {@link InFlightProbe}), and helpers to produce
 * requests, wait until all are committed and read the answers and dead letters back.
 */
import pino from 'pino';
import type { EventPublisher } from '../../../api/kafka/event-publisher.js';
import { KafkaEventPublisher } from '../../../api/kafka/kafka-event-publisher.js';
import { PAYMENT_REQUESTS, topicNamer } from '../../../api/kafka/topics.js';
import { PaymentWorkerLoop } from '../../../api/payments/payment-worker-loop.js';
import { paymentRequests } from '../../../bench/payments/payment-requests.js';
import type {
  AuthorizeRequest,
  AuthorizeResult,
  CaptureRequest,
  CaptureResult,
  PaymentGateway,
  RefundRequest,
  RefundResult,
} from '../../../processors/domain/payment/gateway.js';
import { ResilientPaymentGateway } from '../../../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../../../processors/domain/payment/simulated-gateway.js';
import type { PaymentRequest } from '../../../processors/topology/payment-request.js';
import { PaymentWorker } from '../../../processors/topology/payment-worker.js';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import { avroSerde } from '../../../schemas/avro-serde.js';
import { DeadLetterSchema } from '../../../schemas/generated/schemas.js';
import type { TopicName } from '../../../schemas/generated/topics.js';
import type { DeadLetter } from '../../../schemas/generated/types.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import {
  createTopics,
  endpoints,
  inputProducer,
  kafka,
  readAll,
  uniqueName,
  waitFor,
} from '../../support/index.js';

const PROPERTIES = 8;
const PARTITIONS = 4;
const ANSWER_TOPICS = [
  'payment.initiated',
  'payment.authorized',
  'payment.failed',
  'payment.captured',
  'payment.refunded',
] as const;

/** Counts the calls in flight on the real simulator: proof that the loop overlaps them, within its bound. */
export class InFlightProbe implements PaymentGateway {
  readonly name: string;
  inFlight = 0;
  maxInFlight = 0;
  /** Idempotency keys in the order their calls started. */
  readonly started: string[] = [];
  readonly #inner: PaymentGateway;

  constructor(inner: PaymentGateway) {
    this.#inner = inner;
    this.name = inner.name;
  }

  authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    return this.#track(request.idempotencyKey, () => this.#inner.authorize(request));
  }

  capture(request: CaptureRequest): Promise<CaptureResult> {
    return this.#track(request.idempotencyKey, () => this.#inner.capture(request));
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    return this.#track(request.idempotencyKey, () => this.#inner.refund(request));
  }

  async #track<T>(key: string, call: () => Promise<T>): Promise<T> {
    this.started.push(key);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await call();
    } finally {
      this.inFlight--;
    }
  }
}

// Re-exported for the test, which builds a request with a malformed amount.
export { money } from '../../../bench/payments/payment-requests.js';

/**
 * Five requests for reservation number `reservation` that only succeed in order: the captures and
 * refunds need the authorisation (else the gateway refuses them and they are dead-lettered), and the
 * amounts add up to exactly the authorised 100.00.
 */
export function requestsOf(reservation: number): PaymentRequest[] {
  return paymentRequests({
    confirmationNumber: `CNF-${String(reservation).padStart(4, '0')}`,
    propertyId: `PROP-${reservation % PROPERTIES}`,
    paymentToken: 'tok_test_4242',
    authorize: '100.00',
    steps: [
      { type: 'CAPTURE', name: 'capture-1', amount: '30.00' },
      { type: 'REFUND', name: 'refund-1', amount: '20.00' },
      { type: 'CAPTURE', name: 'capture-2', amount: '40.00' },
      { type: 'REFUND', name: 'refund-2', amount: '10.00' },
    ],
  });
}

/** The event ids the answers of `requests` carry. */
export function expectedEventIds(requests: readonly PaymentRequest[]): string[] {
  return requests.flatMap((request) =>
    request.type === 'AUTHORIZE'
      ? [`${request.requestId}:initiated`, `${request.requestId}:authorized`]
      : [`${request.requestId}:${request.type === 'CAPTURE' ? 'captured' : 'refunded'}`],
  );
}

/** An answer read back, with where it was written. */
export interface Answer {
  readonly partition: number;
  readonly offset: number;
  readonly value: {
    readonly eventId: string;
    readonly confirmationNumber: string;
    readonly occurredAt: number;
  };
}

/** A running loop and its helpers. */
export interface PaymentLoopFixture {
  readonly applicationId: string;
  readonly probe: InFlightProbe;
  /** Produces request records (key and JSON value) to `payment.requests`, acknowledged by all replicas. */
  produce(records: Array<{ key: string; value: string }>): Promise<void>;
  /** Produces requests as the topology writes them (keyed by property). */
  produceRequests(requests: readonly PaymentRequest[]): Promise<void>;
  /** Waits until the group has committed every request on the topic. */
  waitUntilCommitted(): Promise<void>;
  answers(topic: TopicName): Promise<Answer[]>;
  /** Every answer on the five `payment.*` topics. */
  allAnswers(): Promise<Answer[]>;
  deadLetters(): Promise<DeadLetter[]>;
  /** Stops the loop (the group keeps its committed offsets). */
  stopLoop(): Promise<void>;
  /** Starts a new loop in the same group, on the same gateway. */
  startLoop(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a loop with `concurrency`; `wrapPublisher` may put something around the real publisher. */
export async function startPaymentLoop(options: {
  concurrency: number;
  /** Partitions of `payment.requests` (default 4). */
  partitions?: number;
  wrapPublisher?: (publisher: EventPublisher) => EventPublisher;
}): Promise<PaymentLoopFixture> {
  const applicationId = uniqueName('it-payments');
  const names = topicNamer(`${applicationId}.`);
  const groupId = `${applicationId}-payments`;
  const client = kafka({ clientId: applicationId });
  const registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
  const serdes = avroReservationSerdes(registry);
  const probe = new InFlightProbe(new SimulatedPaymentGateway({ seed: 7, latencyMs: 5, jitterMs: 20 }));
  const gateway = new ResilientPaymentGateway(probe);
  const producer = inputProducer({ clientId: applicationId });

  await createTopics([
    { topic: names(PAYMENT_REQUESTS), partitions: options.partitions ?? PARTITIONS },
    names(`${PAYMENT_REQUESTS}.dlq`),
    ...ANSWER_TOPICS.map((topic) => ({ topic: names(topic), partitions: PARTITIONS })),
  ]);
  const kafkaPublisher = new KafkaEventPublisher(client, registry, names);
  await kafkaPublisher.connect();
  const publisher = options.wrapPublisher?.(kafkaPublisher) ?? kafkaPublisher;
  await producer.connect();
  const newLoop = () =>
    new PaymentWorkerLoop({
      kafka: client,
      worker: new PaymentWorker(gateway, { applicationId }),
      publisher,
      registry,
      names,
      groupId,
      logger: pino({ level: 'silent' }),
      concurrency: options.concurrency,
      applicationId,
    });
  let loop: PaymentWorkerLoop | undefined = newLoop();
  await loop.start();

  const produce = async (records: Array<{ key: string; value: string }>) => {
    await producer.send({ topic: names(PAYMENT_REQUESTS), acks: -1, messages: records });
  };

  const answers = async (topic: TopicName): Promise<Answer[]> => {
    const records = await readAll(names(topic));
    const serde = serdes.value(topic);
    const context = { topic: names(topic), isKey: false } as const;
    await serde.prepareBatch?.(
      records.map((r) => r.value),
      context,
    );
    return records.map((record) => ({
      partition: record.partition,
      offset: Number(record.offset),
      value: serde.deserialize(record.value, context) as Answer['value'],
    }));
  };

  return {
    applicationId,
    probe,
    produce,
    produceRequests: (requests) =>
      produce(requests.map((request) => ({ key: request.propertyId, value: JSON.stringify(request) }))),
    async waitUntilCommitted() {
      const admin = client.admin();
      await admin.connect();
      try {
        await waitFor(
          async () => {
            const ends = await admin.watermarks(names(PAYMENT_REQUESTS));
            const committed = await admin.committedOffsets(groupId, [names(PAYMENT_REQUESTS)]);
            return ends.every(
              (end) => (committed.find((p) => p.partition === end.partition)?.offset ?? -1) === end.high,
            );
          },
          { timeoutMs: 90_000, intervalMs: 250, description: 'every payment request committed' },
        );
      } finally {
        await admin.disconnect();
      }
    },
    answers,
    async allAnswers() {
      const all: Answer[] = [];
      for (const topic of ANSWER_TOPICS) all.push(...(await answers(topic)));
      return all;
    },
    async deadLetters() {
      const topic = names(`${PAYMENT_REQUESTS}.dlq`);
      const records = await readAll(topic);
      const serde = avroSerde(DeadLetterSchema, { registry });
      await serde.prepareBatch(records.map((r) => r.value));
      return records.map((r) => serde.deserialize(r.value, { topic, isKey: false }));
    },
    async stopLoop() {
      await loop?.stop();
      loop = undefined;
    },
    async startLoop() {
      loop = newLoop();
      await loop.start();
    },
    async close() {
      await loop?.stop();
      gateway.close();
      await publisher.close();
      await producer.disconnect();
      const admin = client.admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(applicationId));
        await admin.deleteTopics(topics, { timeoutMs: 30_000 });
        await admin.deleteGroups([groupId]).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}
