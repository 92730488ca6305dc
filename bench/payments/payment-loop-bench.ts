/**
 * Payment worker loop throughput, alone: a backlog of payment requests (authorise, capture, refund per
 * reservation, keyed by property over 12 partitions) is answered by the loop at several concurrencies,
 * on the local stack's broker (topics under a prefix of their own, deleted after) with the API's
 * publisher and the resilient simulated gateway. Concurrency 1 performs one request at a time, as the
 * loop did before it became concurrent. Prints and writes `bench/results/payment-loop.json`.
 *
 *   npx tsx bench/payments/payment-loop-bench.ts
 *   BENCH_CONCURRENCY=1,64 BENCH_LATENCY_MS=0,50 npx tsx bench/payments/payment-loop-bench.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import pino from 'pino';
import type { EventPublisher } from '../../api/kafka/event-publisher.js';
import { KafkaEventPublisher } from '../../api/kafka/kafka-event-publisher.js';
import { PAYMENT_REQUESTS, topicNamer } from '../../api/kafka/topics.js';
import { PaymentWorkerLoop } from '../../api/payments/payment-worker-loop.js';
import { ResilientPaymentGateway } from '../../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../../processors/domain/payment/simulated-gateway.js';
import type { PaymentRequest } from '../../processors/topology/payment-request.js';
import { PaymentWorker } from '../../processors/topology/payment-worker.js';
import { HttpSchemaRegistryClient } from '../../schemas/registry/http-schema-registry.js';
import { acquireStack } from '../../stack/stack.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import { benchKafka } from '../runner/bench-client.js';
import { paymentRequests } from './payment-requests.js';

const PARTITIONS = 12;
const PROPERTIES = 48;
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').map((value) => Number(value.trim()));
const CONCURRENCIES = list('BENCH_CONCURRENCY', '1,8,64');
const LATENCIES_MS = list('BENCH_LATENCY_MS', '0,50');
/** Seconds of work to aim a run at, at the rate of the previous concurrency (bounded below and above). */
const TARGET_SECONDS = Number(process.env.BENCH_TARGET_SECONDS ?? 15);

/** Counts answers as the cluster acknowledges them: the loop's output rate. */
class CountingPublisher implements EventPublisher {
  answers = 0;
  first = 0;
  last = 0;
  constructor(readonly inner: EventPublisher) {}
  async publish(...args: Parameters<EventPublisher['publish']>): Promise<void> {
    await this.inner.publish(...args);
    this.#count();
  }
  async publishRaw(record: Parameters<EventPublisher['publishRaw']>[0]) {
    const result = await this.inner.publishRaw(record);
    this.#count();
    return result;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  #count(): void {
    const now = performance.now();
    if (this.answers === 0) this.first = now;
    this.answers++;
    this.last = now;
  }
}

/** Authorise 100.00, capture 60.00, refund 40.00: three requests that only succeed in this order. */
function requestsOf(run: string, reservation: number): PaymentRequest[] {
  return paymentRequests({
    confirmationNumber: `${run}-${reservation}`,
    propertyId: `PROP-${reservation % PROPERTIES}`,
    paymentToken: 'tok_bench_4242',
    authorize: '100.00',
    steps: [
      { type: 'CAPTURE', name: 'capture', amount: '60.00' },
      { type: 'REFUND', name: 'refund', amount: '40.00' },
    ],
  });
}

interface Measurement {
  readonly concurrency: number;
  readonly gatewayLatencyMs: number;
  readonly requests: number;
  readonly answers: number;
  readonly requestsPerSecond: number;
  /** From the loop's start (group join included) to every offset committed. */
  readonly secondsToCommitAll: number;
}

async function measure(
  port: KafkaClient,
  registryUrl: string,
  concurrency: number,
  latencyMs: number,
  reservations: number,
): Promise<Measurement> {
  const run = `bench-payments-${Date.now().toString(36)}`;
  const names = topicNamer(`${run}.`);
  const topic = names(PAYMENT_REQUESTS);
  const admin = port.admin();
  await admin.connect();
  const topics = [PAYMENT_REQUESTS, `${PAYMENT_REQUESTS}.dlq`, 'payment.initiated', 'payment.authorized']
    .concat(['payment.failed', 'payment.captured', 'payment.refunded'])
    .map(names);
  // Waits until a leader serves every new partition (a broker may briefly answer that it does not host
  // them yet).
  await admin.ensureTopics(topics.map((name) => ({ name, partitions: PARTITIONS })));
  const registry = new HttpSchemaRegistryClient({ url: registryUrl });
  const kafkaPublisher = new KafkaEventPublisher(port, registry, names);
  await kafkaPublisher.connect();
  const publisher = new CountingPublisher(kafkaPublisher);
  const gateway = new ResilientPaymentGateway(new SimulatedPaymentGateway({ latencyMs }));
  const groupId = `${run}-payments`;
  const loop = new PaymentWorkerLoop({
    kafka: port,
    worker: new PaymentWorker(gateway, { applicationId: run }),
    publisher,
    registry,
    names,
    groupId,
    logger: pino({ level: 'error' }),
    concurrency,
    applicationId: run,
  });
  try {
    // The backlog as the topology writes it: a reservation's requests in order, reservations interleaved.
    const producer = port.producer();
    await producer.connect();
    const all = Array.from({ length: reservations }, (_, r) => requestsOf(run, r));
    for (let step = 0; step < 3; step++) {
      const now = Date.now();
      const failures = await producer.send(
        all.map((requests) => ({
          topic,
          key: Buffer.from(requests[step]!.propertyId),
          value: Buffer.from(JSON.stringify(requests[step])),
          timestamp: now,
        })),
      );
      if (failures.length > 0) throw failures[0]!.error;
    }
    await producer.disconnect();
    const requests = reservations * 3;

    const started = performance.now();
    await loop.start();
    for (;;) {
      const ends = await admin.watermarks(topic);
      const committed = await admin.committedOffsets(groupId, [topic]);
      const done = ends.every(
        (end) => (committed.find((p) => p.partition === end.partition)?.offset ?? -1) === end.high,
      );
      if (done) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const secondsToCommitAll = (performance.now() - started) / 1000;
    const seconds = (publisher.last - publisher.first) / 1000;
    // Four answers per reservation: initiated + authorized, captured, refunded.
    return {
      concurrency,
      gatewayLatencyMs: latencyMs,
      requests,
      answers: publisher.answers,
      requestsPerSecond: Math.round((requests / Math.max(seconds, 0.001)) * 10) / 10,
      secondsToCommitAll: Math.round(secondsToCommitAll * 10) / 10,
    };
  } finally {
    await loop.stop();
    gateway.close();
    await publisher.close();
    await admin.deleteTopics(topics, { timeoutMs: 30_000 }).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

const { result, release } = await acquireStack({ log: (line) => console.error(`[stack] ${line}`) });
const port = benchKafka('bench-payments', result.endpoints.kafkaBrokers, 'silent');
const loadBefore = loadavg()[0]!;
const measurements: Measurement[] = [];
try {
  for (const latencyMs of LATENCIES_MS) {
    let rate = 15;
    for (const concurrency of CONCURRENCIES) {
      // Aim each run at about TARGET_SECONDS at the rate expected from the previous one.
      const reservations = Math.min(5_000, Math.max(100, Math.round((rate * TARGET_SECONDS) / 3)));
      const m = await measure(port, result.endpoints.schemaRegistryUrl, concurrency, latencyMs, reservations);
      console.error(JSON.stringify(m));
      measurements.push(m);
      rate = m.requestsPerSecond * 4;
    }
  }
} finally {
  await release();
}
const report = {
  at: new Date().toISOString(),
  loadAverage: { before: loadBefore, after: loadavg()[0] },
  measurements,
};
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/payment-loop.json', `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
