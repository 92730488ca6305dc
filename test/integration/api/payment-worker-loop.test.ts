/**
 * The payment worker loop on the real stack, performing requests concurrently: every request answered
 * exactly once, each reservation's requests performed and answered in order, the gateway really driven
 * with several requests at once (and never more than the pool allows), unreadable requests dead-lettered
 * without stopping the loop. Its speed is measured by the pipeline benchmark, not asserted here.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaEventPublisher } from '../../../api/kafka/kafka-event-publisher.js';
import { PAYMENT_REQUESTS, topicNamer } from '../../../api/kafka/topics.js';
import { PaymentWorkerLoop } from '../../../api/payments/payment-worker-loop.js';
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
import { createTopics, endpoints, kafka, readAll, uniqueName, waitFor } from '../../support/index.js';

const RESERVATIONS = 100;
const PROPERTIES = 8;
const PARTITIONS = 4;
const CONCURRENCY = 16;
const ANSWER_TOPICS = [
  'payment.initiated',
  'payment.authorized',
  'payment.failed',
  'payment.captured',
  'payment.refunded',
] as const;

/** Counts the calls in flight on the real simulator: proof that the loop overlaps them, within its bound. */
class InFlightProbe implements PaymentGateway {
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

const money = (amount: string) => ({ amount, currency: 'EUR' });

/**
 * Five requests per reservation that only succeed in order: the capture and refunds need the
 * authorisation (else the gateway refuses them and they are dead-lettered), and the amounts add up
 * to exactly the authorised 100.00.
 */
function requestsOf(reservation: number): PaymentRequest[] {
  const confirmationNumber = `CNF-${String(reservation).padStart(4, '0')}`;
  const propertyId = `PROP-${reservation % PROPERTIES}`;
  const paymentId = `pay-${confirmationNumber}`;
  const authorizeId = `${confirmationNumber}:authorize`;
  const common = { paymentId, confirmationNumber, propertyId, occurredAt: 1 };
  const later = {
    ...common,
    authorizationCode: `auth_${authorizeId}`,
    gatewayReference: `auth_${authorizeId}`,
  };
  return [
    {
      ...common,
      type: 'AUTHORIZE',
      requestId: authorizeId,
      amount: money('100.00'),
      paymentToken: 'tok_test_4242',
    },
    { ...later, type: 'CAPTURE', requestId: `${confirmationNumber}:capture-1`, amount: money('30.00') },
    {
      ...later,
      type: 'REFUND',
      requestId: `${confirmationNumber}:refund-1`,
      amount: money('20.00'),
      cancellationFee: money('0.00'),
    },
    { ...later, type: 'CAPTURE', requestId: `${confirmationNumber}:capture-2`, amount: money('40.00') },
    {
      ...later,
      type: 'REFUND',
      requestId: `${confirmationNumber}:refund-2`,
      amount: money('10.00'),
      cancellationFee: money('0.00'),
    },
  ];
}

describe('PaymentWorkerLoop, concurrent', () => {
  const applicationId = uniqueName('it-payments');
  const names = topicNamer(`${applicationId}.`);
  const groupId = `${applicationId}-payments`;
  const client = kafka({ clientId: applicationId });
  const registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
  const serdes = avroReservationSerdes(registry);
  const probe = new InFlightProbe(new SimulatedPaymentGateway({ seed: 7, latencyMs: 5, jitterMs: 20 }));
  const gateway = new ResilientPaymentGateway(probe);
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  let publisher: KafkaEventPublisher;
  let loop: PaymentWorkerLoop;

  const produce = async (records: Array<{ key: string; value: string }>) => {
    await producer.send({ topic: names(PAYMENT_REQUESTS), acks: -1, messages: records });
  };

  /** Waits until the group has committed every request on the topic. */
  const waitUntilCommitted = async () => {
    const admin = client.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const ends = await admin.fetchTopicOffsets(names(PAYMENT_REQUESTS));
          const [committed] = await admin.fetchOffsets({ groupId, topics: [names(PAYMENT_REQUESTS)] });
          return ends.every(
            (end) =>
              Number(committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? -1) ===
              Number(end.high),
          );
        },
        { timeoutMs: 90_000, intervalMs: 250, description: 'every payment request committed' },
      );
    } finally {
      await admin.disconnect();
    }
  };

  const answers = async (topic: TopicName) => {
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
      value: serde.deserialize(record.value, context) as {
        eventId: string;
        confirmationNumber: string;
        occurredAt: number;
      },
    }));
  };

  const deadLetters = async (): Promise<DeadLetter[]> => {
    const topic = names(`${PAYMENT_REQUESTS}.dlq`);
    const records = await readAll(topic);
    const serde = avroSerde(DeadLetterSchema, { registry });
    await serde.prepareBatch(records.map((r) => r.value));
    return records.map((r) => serde.deserialize(r.value, { topic, isKey: false }));
  };

  beforeAll(async () => {
    await createTopics([
      { topic: names(PAYMENT_REQUESTS), partitions: PARTITIONS },
      names(`${PAYMENT_REQUESTS}.dlq`),
      ...ANSWER_TOPICS.map((topic) => ({ topic: names(topic), partitions: PARTITIONS })),
    ]);
    publisher = new KafkaEventPublisher(client, registry, names);
    await publisher.connect();
    await producer.connect();
    loop = new PaymentWorkerLoop({
      kafka: client,
      worker: new PaymentWorker(gateway, { applicationId }),
      publisher,
      registry,
      names,
      groupId,
      logger: pino({ level: 'silent' }),
      concurrency: CONCURRENCY,
      applicationId,
    });
    await loop.start();
  });

  afterAll(async () => {
    await loop?.stop();
    gateway.close();
    await publisher?.close();
    await producer.disconnect();
    const admin = client.admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(applicationId));
      await admin.deleteTopics({ topics, timeout: 30_000 });
      await admin.deleteGroups([groupId]).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  });

  it('answers 500 requests of 100 reservations exactly once, each reservation in order, several at once', async () => {
    const perReservation = Array.from({ length: RESERVATIONS }, (_, r) => requestsOf(r));
    // Half the reservations with their requests side by side (they share a batch: run out of order, a
    // capture would reach the gateway before its authorisation), the other half spread over five sends
    // (request k of each, then k+1: one reservation's requests in different batches).
    const half = RESERVATIONS / 2;
    await produce(
      perReservation
        .slice(0, half)
        .flat()
        .map((request) => ({ key: request.propertyId, value: JSON.stringify(request) })),
    );
    for (let k = 0; k < 5; k++) {
      await produce(
        perReservation.slice(half).map((requests) => ({
          key: requests[k]!.propertyId,
          value: JSON.stringify(requests[k]),
        })),
      );
    }
    await waitUntilCommitted();

    // Nothing refused: a capture or refund performed before its authorisation would have been.
    expect(await deadLetters()).toEqual([]);

    const initiated = await answers('payment.initiated');
    const authorized = await answers('payment.authorized');
    const captured = await answers('payment.captured');
    const refunded = await answers('payment.refunded');
    expect(await answers('payment.failed')).toEqual([]);
    const all = [...initiated, ...authorized, ...captured, ...refunded];
    expect(all).toHaveLength(RESERVATIONS * 6);
    // Exactly once: every request's answers are there, none twice.
    expect(new Set(all.map((a) => a.value.eventId)).size).toBe(all.length);
    const expectedIds = perReservation.flatMap((requests) =>
      requests.flatMap((request) =>
        request.type === 'AUTHORIZE'
          ? [`${request.requestId}:initiated`, `${request.requestId}:authorized`]
          : [`${request.requestId}:${request.type === 'CAPTURE' ? 'captured' : 'refunded'}`],
      ),
    );
    expect(new Set(all.map((a) => a.value.eventId))).toEqual(new Set(expectedIds));

    // In order: the gateway saw each reservation's requests in request order, and each answer was
    // produced after the previous request's (on one topic: a higher offset of the same partition).
    const byKey = new Map(all.map((a) => [a.value.eventId, a]));
    for (const requests of perReservation) {
      const ids = requests.map((r) => r.requestId);
      expect(probe.started.filter((key) => ids.includes(key))).toEqual(ids);
      const [auth, capture1, refund1, capture2, refund2] = [
        `${ids[0]}:authorized`,
        `${ids[1]}:captured`,
        `${ids[2]}:refunded`,
        `${ids[3]}:captured`,
        `${ids[4]}:refunded`,
      ].map((id) => byKey.get(id)!);
      expect(capture1!.offset).toBeLessThan(capture2!.offset);
      expect(refund1!.offset).toBeLessThan(refund2!.offset);
      const times = [auth, capture1, refund1, capture2, refund2].map((a) => a!.value.occurredAt);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }

    // Concurrently, within the bound.
    expect(probe.maxInFlight).toBeGreaterThan(1);
    expect(probe.maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
  });

  it('dead-letters unreadable requests and requests the worker cannot read, and goes on', async () => {
    const next = requestsOf(RESERVATIONS)[0]!;
    const broken = { ...requestsOf(RESERVATIONS + 1)[0]!, amount: money('not money') };
    await produce([
      { key: 'PROP-0', value: '{"type": "AUTHORIZE", ' },
      { key: broken.propertyId, value: JSON.stringify(broken) },
      { key: next.propertyId, value: JSON.stringify(next) },
    ]);
    await waitUntilCommitted();

    const letters = await deadLetters();
    expect(letters.map((l) => ({ stage: l.stage, errorCode: l.errorCode, app: l.applicationId }))).toEqual(
      expect.arrayContaining([
        { stage: 'DESERIALIZATION', errorCode: 'RSV_ERR_PAYMENT_REQUEST', app: applicationId },
        { stage: 'PROCESSING', errorCode: 'RSV_ERR_PAYMENT_REQUEST', app: applicationId },
      ]),
    );
    expect(letters).toHaveLength(2);
    expect(letters.find((l) => l.stage === 'PROCESSING')?.errorClass).toBe('DecimalFormatError');
    expect(letters.find((l) => l.stage === 'DESERIALIZATION')?.value?.toString()).toBe(
      '{"type": "AUTHORIZE", ',
    );
    const authorized = await answers('payment.authorized');
    expect(authorized.map((a) => a.value.eventId)).toContain(`${next.requestId}:authorized`);
  });
});
