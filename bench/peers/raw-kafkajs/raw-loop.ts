/**
 * The raw kafkajs peer: the consume-transform-produce loop a Node developer writes with kafkajs alone and
 * no state, the ceiling of any kafkajs-based pipeline here. It reads `reservation.created`, decodes each
 * Avro value with our serde, writes a small JSON decision per reservation to `peer-raw.decisions`
 * (keyed by property; idempotent `acks=all` producer, sends of at most 1,000 records), resolves offsets
 * per batch and lets kafkajs commit them every `COMMIT_INTERVAL_MS` (the pipeline's commit interval).
 * Configured by `BROKERS`, `REGISTRY_URL`, `GROUP_ID`, `COMMIT_INTERVAL_MS`; stops on SIGTERM.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { avroReservationSerdes } from '../../../processors/topology/serdes.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { RAW_PEER_OUTPUT } from './raw-loop-topics.js';

async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (value === undefined || value === '') throw new Error(`set ${name} (the benchmark runner does)`);
    return value;
  };
  const kafka = new Kafka({
    clientId: 'bench-raw-peer',
    brokers: env('BROKERS').split(','),
    logLevel: logLevel.ERROR,
  });
  const serde = avroReservationSerdes(new HttpSchemaRegistryClient({ url: env('REGISTRY_URL') })).value(
    'reservation.created',
  );
  const context = { topic: 'reservation.created', isKey: false } as const;
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  // The runtime's fetch size (64 KiB per partition), which measured best on this kind of machine.
  const consumer = kafka.consumer({ groupId: env('GROUP_ID'), maxBytesPerPartition: 64 * 1024 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: ['reservation.created'], fromBeginning: true });
  await consumer.run({
    autoCommitInterval: Number(env('COMMIT_INTERVAL_MS')),
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch, heartbeat }) => {
      const payloads = batch.messages.flatMap((m) => (m.value === null ? [] : [m.value]));
      await serde.prepareBatch?.(payloads, context);
      const messages = batch.messages.map((m) => {
        const event = serde.deserialize(m.value!, context);
        const decision = {
          confirmationNumber: event.confirmationNumber,
          propertyId: event.propertyId,
          roomNights: event.stayDetails.nights * event.stayDetails.rooms,
          total: event.pricingDetails.totalAmount.amount,
        };
        return { key: m.key, value: JSON.stringify(decision), timestamp: m.timestamp };
      });
      for (let i = 0; i < messages.length; i += 1000) {
        await producer.sendBatch({
          acks: -1,
          topicMessages: [{ topic: RAW_PEER_OUTPUT, messages: messages.slice(i, i + 1000) }],
        });
      }
      await heartbeat();
    },
  });
  process.once('SIGTERM', () => {
    void Promise.all([consumer.disconnect(), producer.disconnect()]).finally(() => process.exit(0));
  });
}

await main();
