/**
 * The reservation pipeline running on the real stack for one test, wired as `api/start-api.ts` wires it:
 * the topology from `buildReservationTopology` on {@link KafkaStreams} (RocksDB stores, dead-lettering
 * deserialization handler), Avro serdes against the real schema registry, the API's idempotent event
 * publisher, and the payment worker loop on the resilient simulated gateway. Everything lives under a
 * topic prefix and an application id of its own, so the run shares the broker with nobody.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ensureTopics } from '../../../api/kafka/ensure-topics.js';
import { KafkaEventPublisher } from '../../../api/kafka/kafka-event-publisher.js';
import { PAYMENT_REQUESTS, topicNamer } from '../../../api/kafka/topics.js';
import { PaymentWorkerLoop } from '../../../api/payments/payment-worker-loop.js';
import { ResilientPaymentGateway } from '../../../processors/domain/payment/resilient-gateway.js';
import { SimulatedPaymentGateway } from '../../../processors/domain/payment/simulated-gateway.js';
import type { PropertyCatalog } from '../../../processors/domain/reference-data.js';
import {
  buildReservationTopology,
  INPUT_TOPICS,
  SETTLEMENT_INPUT_TOPICS,
} from '../../../processors/topology/build-reservation-topology.js';
import { PaymentWorker } from '../../../processors/topology/payment-worker.js';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import { TOPIC_SCHEMAS, type TopicName } from '../../../schemas/generated/topics.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { endpoints, kafka, uniqueName, waitFor } from '../../support/index.js';
import { OutputCollector } from './output-collector.js';
import type { ReservationCommand } from './reservation-commands.js';

/** The topics the topology reads (unprefixed): commands, payment answers, captures and refunds. */
const TOPOLOGY_INPUTS = [...Object.keys(INPUT_TOPICS), ...SETTLEMENT_INPUT_TOPICS];

/** What went wrong inside the runtime while the test ran (it must stay empty). */
export interface RuntimeTrouble {
  readonly errors: string[];
  readonly deadLetters: string[];
  readonly skipped: string[];
}

/** A pipeline running for one test. */
export interface RunningPipeline {
  readonly prefix: string;
  readonly applicationId: string;
  readonly streams: KafkaStreams;
  readonly collector: OutputCollector;
  readonly trouble: RuntimeTrouble;
  /** Produces commands as the API does (idempotent producer, `acks=all`), in order; resolves when acknowledged. */
  produce(commands: readonly ReservationCommand[]): Promise<void>;
  /**
   * Waits until every input was processed and committed by the topology and the payment worker, and the
   * collector has read every output (twice in a row, with nothing new in between).
   */
  waitUntilDrained(timeoutMs: number): Promise<void>;
  /** Stops everything in reverse order and removes the run's topics and state directory. */
  close(): Promise<void>;
}

/** Starts the pipeline on the stack with `catalog`, every topic with `partitions` partitions. */
export async function startReservationPipeline(
  catalog: PropertyCatalog,
  partitions: number,
): Promise<RunningPipeline> {
  const applicationId = uniqueName('it-reservations');
  const prefix = `${applicationId}.`;
  const names = topicNamer(prefix);
  const client = kafka({ clientId: applicationId });
  const registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
  const logger = pino({ name: applicationId, level: 'warn' });
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    const failures: unknown[] = [];
    while (closers.length > 0) await closers.pop()!().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw new AggregateError(failures, `closing the pipeline ${applicationId}`);
  };

  try {
    await ensureTopics(client, names, partitions);
    closers.push(() => deleteRunResources(client, [applicationId]));

    // The runtime serializes with the prefixed topic as context and does not prepare serdes itself:
    // register every topic's schema under its prefixed subject first (the app's warm-up does the same
    // for unprefixed names).
    const serdes = avroReservationSerdes(registry);
    for (const topic of Object.keys(TOPIC_SCHEMAS) as TopicName[]) {
      await serdes.value(topic).prepare?.({ topic: prefix + topic, isKey: false });
    }

    const stateDir = await mkdtemp(join(tmpdir(), 'it-reservations-'));
    closers.push(() => rm(stateDir, { recursive: true, force: true }));
    const streams = new KafkaStreams(buildReservationTopology({ catalog, serdes, topicPrefix: prefix }), {
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir,
      deserializationExceptionHandler: 'deadLetter',
      logger,
    });
    const trouble: RuntimeTrouble = { errors: [], deadLetters: [], skipped: [] };
    streams.events.on('error', (error) => trouble.errors.push(`${error.name}: ${error.message}`));
    streams.events.on('deadLetter', (event) => trouble.deadLetters.push(JSON.stringify(event)));
    streams.events.on('recordSkipped', (event) => trouble.skipped.push(JSON.stringify(event)));
    closers.push(() => streams.close());
    await streams.start();
    await waitFor(
      () => {
        if (streams.state !== 'RUNNING') throw new Error(`state ${streams.state}`);
        return true;
      },
      { timeoutMs: 60_000, description: `the streams instance ${applicationId} to reach RUNNING` },
    );

    const publisher = new KafkaEventPublisher(client, registry, names);
    await publisher.connect();
    closers.push(() => publisher.close());

    const gateway = new ResilientPaymentGateway(new SimulatedPaymentGateway());
    closers.push(async () => gateway.close());
    const loop = new PaymentWorkerLoop({
      kafka: client,
      worker: new PaymentWorker(gateway, { applicationId }),
      publisher,
      registry,
      names,
      groupId: `${applicationId}-payments`,
      logger,
    });
    closers.push(() => loop.stop());
    await loop.start();

    const deadLetterTopics = [...TOPOLOGY_INPUTS.map((t) => `${t}.dlq`), `${PAYMENT_REQUESTS}.dlq`];
    const collector = new OutputCollector(client, registry, prefix, deadLetterTopics);
    closers.push(() => collector.stop());
    await collector.start();

    /** The high watermarks when everything is processed and read, else throws what is still behind. */
    const drainState = async (): Promise<string> => {
      const admin = client.admin();
      await admin.connect();
      try {
        const highs = new Map<string, number>();
        const topics = new Set([
          ...TOPOLOGY_INPUTS.map(names),
          names(PAYMENT_REQUESTS),
          ...collector.topics(),
        ]);
        for (const topic of topics) {
          for (const p of await admin.watermarks(topic)) highs.set(`${topic}:${p.partition}`, p.high);
        }
        const behind: string[] = [];
        const committedUpTo = async (groupId: string, groupTopics: string[]) => {
          const committed = new Map(
            (await admin.committedOffsets(groupId, groupTopics)).map((c) => [
              `${c.topic}:${c.partition}`,
              c.offset,
            ]),
          );
          for (const [topicPartition, high] of highs) {
            if (!groupTopics.includes(topicPartition.slice(0, topicPartition.lastIndexOf(':')))) continue;
            // A partition never committed counts as 0.
            const offset = committed.get(topicPartition) ?? 0;
            if (offset < high)
              behind.push(`${groupId} on ${topicPartition.replace(/:(\d+)$/, '/$1')}: ${offset} of ${high}`);
          }
        };
        await committedUpTo(applicationId, TOPOLOGY_INPUTS.map(names));
        await committedUpTo(`${applicationId}-payments`, [names(PAYMENT_REQUESTS)]);
        behind.push(...collector.behind(highs));
        if (behind.length > 0) throw new Error(`still behind: ${behind.join('; ')}`);
        return JSON.stringify([...highs]);
      } finally {
        await admin.disconnect();
      }
    };

    return {
      prefix,
      applicationId,
      streams,
      collector,
      trouble,
      async produce(commands) {
        await Promise.all(
          commands.map((c) =>
            publisher.publish(c.topic, c.value.propertyId, c.value as never, c.value.occurredAt),
          ),
        );
      },
      async waitUntilDrained(timeoutMs) {
        let previous: string | undefined;
        await waitFor(
          async () => {
            const state = await drainState();
            const stable = state === previous;
            previous = state;
            return stable;
          },
          { timeoutMs, intervalMs: 500, description: `the pipeline ${applicationId} to process every input` },
        );
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Deletes the run's topics and consumer groups (names starting with one of `prefixes`) once everything
 * has stopped, so that repeated runs do not pile up on the shared broker.
 */
async function deleteRunResources(
  client: ReturnType<typeof kafka>,
  prefixes: readonly string[],
): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  const ours = (name: string) => prefixes.some((p) => name.startsWith(p));
  try {
    const topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics(topics, { timeoutMs: 30_000 });
    const groups = (await admin.listGroupIds()).filter(ours);
    if (groups.length > 0) await admin.deleteGroups(groups);
  } finally {
    await admin.disconnect();
  }
}
