/**
 * One instance of the reservation pipeline as the benchmark runs it, in a child process of the runner:
 * the reservation topology on {@link KafkaStreams} and the payment worker loop, as `api/start-api.ts`
 * wires them, but without the HTTP server and the Postgres sink (the benchmark measures the stream
 * pipeline; the decision is final when `reservation.confirmed|rejected` is written). Configured by the
 * JSON in `BENCH_PIPELINE` ({@link PipelineProcessConfig}); tells the parent `ready` over IPC once
 * RUNNING, and closes cleanly on SIGTERM.
 */
// The library first, as an application imports it: its kafkajs adapter corrects kafkajs' read_committed
// filter before it loads kafkajs; exactly-once refuses to start otherwise.
import '../../topology/runtime/index.js';
import pino from 'pino';
import { KafkaEventPublisher } from '../../api/kafka/kafka-event-publisher.js';
import { topicNamer } from '../../api/kafka/topics.js';
import { warmUpSerdes } from '../../api/kafka/warm-up-serdes.js';
import { PaymentWorkerLoop } from '../../api/payments/payment-worker-loop.js';
import { ResilientPaymentGateway } from '../../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../../processors/domain/payment/simulated-gateway.js';
import { loadPropertyCatalog } from '../../processors/domain/reference-data-loader.js';
import { buildReservationTopology } from '../../processors/topology/build-reservation-topology.js';
import { PaymentWorker } from '../../processors/topology/payment-worker.js';
import { avroReservationSerdes } from '../../processors/topology/serdes.js';
import { HttpSchemaRegistryClient } from '../../schemas/registry/http-schema-registry.js';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
import { KafkaStreams } from '../../topology/runtime/kafka-streams.js';
import type { ReservationTopologyArgs } from './reservation-topology-module.js';

/** What the runner passes to each instance. */
export interface PipelineProcessConfig {
  readonly brokers: string[];
  readonly registryUrl: string;
  readonly applicationId: string;
  readonly catalogPath: string;
  readonly stateDir: string;
  readonly guarantee: ProcessingGuarantee;
  readonly commitIntervalMs: number;
  /** The stream thread's `consumer.fetchLingerMs`; the library's default when absent. */
  readonly fetchLingerMs?: number;
  /**
   * Stream threads (`numStreamThreads`, default 1); above 1 each worker builds the topology from
   * `reservation-topology-module.ts`.
   */
  readonly streamThreads?: number;
  /** The payment worker's fetch linger; its default when absent. */
  readonly paymentFetchLingerMs?: number;
  /** Run the payment worker loop (default true); the peer comparison runs the topology alone. */
  readonly paymentWorker?: boolean;
}

/** Messages from an instance to the runner. */
export type PipelineMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  /** Records consumed and dead-lettered since the last report. */
  | {
      readonly type: 'stats';
      readonly consumed: number;
      readonly deadLetters: number;
      /** Sum over this instance's input partitions of the fetch lag each last reported (records). */
      readonly lag: number;
    };

function send(message: PipelineMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_PIPELINE ?? '') as PipelineProcessConfig;
  const logger = pino({ name: config.applicationId, level: process.env.LOG_LEVEL ?? 'warn' });
  const registry = new HttpSchemaRegistryClient({ url: config.registryUrl });
  const kafka = createKafkaClient({
    clientId: `${config.applicationId}-worker`,
    brokers: config.brokers,
    logger,
    clientLogLevel: 'error',
  });
  const names = topicNamer('');
  const publisher = new KafkaEventPublisher(kafka, registry, names);
  await publisher.connect();
  const catalog = loadPropertyCatalog(config.catalogPath);
  const serdes = avroReservationSerdes(registry);
  await warmUpSerdes(serdes, registry);
  const streams = new KafkaStreams(buildReservationTopology({ catalog, serdes }), {
    applicationId: config.applicationId,
    bootstrapServers: config.brokers,
    stateDir: config.stateDir,
    processingGuarantee: config.guarantee,
    commitIntervalMs: config.commitIntervalMs,
    ...(config.fetchLingerMs === undefined ? {} : { consumer: { fetchLingerMs: config.fetchLingerMs } }),
    deserializationExceptionHandler: 'deadLetter',
    logger,
    ...((config.streamThreads ?? 1) > 1
      ? {
          numStreamThreads: config.streamThreads,
          topologyModule: new URL('./reservation-topology-module.ts', import.meta.url),
          topologyModuleArgs: {
            catalogPath: config.catalogPath,
            registryUrl: config.registryUrl,
          } satisfies ReservationTopologyArgs,
        }
      : {}),
  });
  // Reported at most every 500 ms so the IPC channel stays quiet.
  let consumed = 0;
  let deadLetters = 0;
  const lagByPartition = new Map<string, number>();
  const reporter = setInterval(() => {
    let lag = 0;
    for (const value of lagByPartition.values()) lag += value;
    send({ type: 'stats', consumed, deadLetters, lag });
    consumed = 0;
    deadLetters = 0;
  }, 500);
  streams.events.on('batchProcessed', (event) => {
    consumed += event.consumed;
    lagByPartition.set(`${event.topic}:${event.partition}`, event.lag);
  });
  // A partition that moved to another instance is no longer this one's lag.
  streams.events.on('rebalanceStarted', () => lagByPartition.clear());
  streams.events.on('deadLetter', () => {
    deadLetters += 1;
  });
  const loop = new PaymentWorkerLoop({
    kafka,
    worker: new PaymentWorker(new ResilientPaymentGateway(new SimulatedPaymentGateway()), {
      applicationId: config.applicationId,
    }),
    publisher,
    registry,
    names,
    groupId: `${config.applicationId}-payments`,
    logger,
    ...(config.paymentFetchLingerMs === undefined ? {} : { fetchLingerMs: config.paymentFetchLingerMs }),
  });
  // A benchmark of a dead pipeline measures nothing: leave, and let the runner report the instance died.
  streams.events.on('stateChange', (state) => {
    if (state === 'ERROR') {
      console.error('the streams instance went to ERROR; exiting');
      process.exit(2);
    }
  });
  await streams.start();
  // start() resolves once the member joined; its first assignment (task creation, restoration) is still
  // being applied until RUNNING, and load offered before then only queues up.
  await untilRunning(streams);
  if (config.paymentWorker !== false) await loop.start();
  send({ type: 'ready' });

  let closing = false;
  process.once('SIGTERM', () => {
    if (closing) return;
    closing = true;
    clearInterval(reporter);
    void (async () => {
      await loop.stop().catch(() => undefined);
      await streams.close().catch(() => undefined);
      await publisher.close().catch(() => undefined);
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  console.error(error);
  process.exit(1);
});

/** Resolves when `streams` is RUNNING (at once if it is). */
function untilRunning(streams: KafkaStreams): Promise<void> {
  if (streams.state === 'RUNNING') return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = (state: string) => {
      if (state !== 'RUNNING') return;
      streams.events.off('stateChange', onChange);
      resolve();
    };
    streams.events.on('stateChange', onChange);
  });
}
