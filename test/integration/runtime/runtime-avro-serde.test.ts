import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { avroSerde } from '../../../schemas/avro-serde.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { defineAvroSchema } from '../../../schemas/typed-schema.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

interface StayV1 {
  readonly guest: string;
  readonly nights: number;
}
interface StayV2 extends StayV1 {
  readonly currency: string;
}

// Version 1 and its compatible successor: version 2 adds a field with a default (BACKWARD compatible).
const fields = [
  { name: 'guest', type: 'string' },
  { name: 'nights', type: 'int' },
];
const StayV1Schema = defineAvroSchema<StayV1>({ type: 'record', name: 'test.runtime.Stay', fields });
const StayV2Schema = defineAvroSchema<StayV2>({
  type: 'record',
  name: 'test.runtime.Stay',
  fields: [...fields, { name: 'currency', type: 'string', default: 'EUR' }],
});

describe('KafkaStreams with Avro serdes on the real schema registry', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  it('reads records written with an older schema version the topology has never seen, and writes with its own', async () => {
    const registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
    const [input, output] = await createTopics([
      { topic: uniqueName('stays-v1'), partitions: 2 },
      { topic: uniqueName('stays-v2'), partitions: 2 },
    ]);
    await registry.setCompatibility(`${input}-value`, 'BACKWARD');

    // An old producer registers version 1 and writes with it.
    const oldWriter = avroSerde(StayV1Schema, { registry });
    const context = { topic: input!, isKey: false } as const;
    await oldWriter.prepare(context);
    const stays = Array.from({ length: 40 }, (_, i) => ({ guest: `guest-${i}`, nights: (i % 7) + 1 }));
    const producer = inputProducer({ clientId: 'test-old-writer' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: stays.map((stay) => ({ key: stay.guest, value: oldWriter.serialize(stay, context) })),
    });
    await producer.disconnect();
    // The topology's serde is version 2: registering it makes a new id; version 1's id is unknown to it.
    const readerSerde = avroSerde(StayV2Schema, { registry });
    const outputSerde = avroSerde(StayV2Schema, { registry });

    const topology = new Topology()
      .addSource('stays', input!, { keySerde: Serdes.string(), valueSerde: readerSerde })
      .addProcessor<string, StayV2, string, StayV2>(
        'double-nights',
        () => {
          let ctx: ProcessorContext<string, StayV2>;
          return {
            init: (context) => {
              ctx = context;
            },
            process: (record) =>
              ctx.forward({ ...record, value: { ...record.value, nights: record.value.nights * 2 } }),
          };
        },
        'stays',
      )
      .addSink('doubled', output!, { keySerde: Serdes.string(), valueSerde: outputSerde }, 'double-nights');
    const deadLetters: unknown[] = [];
    const streams = new KafkaStreams(topology, {
      applicationId: uniqueName('avro-runtime'),
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: '/tmp/tstreams-avro-runtime-test',
      deserializationExceptionHandler: 'logAndContinue',
      logger: pino({ level: 'error' }),
    });
    streams.events.on('recordSkipped', (event) => deadLetters.push(event));
    running.push(streams);
    await streams.start();

    const records = await waitFor(
      async () => {
        const all = await readAll(output!);
        return all.length >= stays.length ? all : undefined;
      },
      { timeoutMs: 60_000, description: 'every stay doubled' },
    );
    expect(deadLetters).toEqual([]);
    const reader = avroSerde(StayV2Schema, { registry, autoRegister: false });
    const outContext = { topic: output!, isKey: false } as const;
    await reader.prepareBatch(
      records.map((record) => record.value),
      outContext,
    );
    const decoded = records
      .map((record) => reader.deserialize(record.value, outContext))
      .map((stay) => ({ ...stay }))
      .sort((a, b) => a.guest.localeCompare(b.guest));
    const expected = stays
      .map((stay) => ({ ...stay, nights: stay.nights * 2, currency: 'EUR' }))
      .sort((a, b) => a.guest.localeCompare(b.guest));
    expect(decoded).toEqual(expected);
    expect(records).toHaveLength(stays.length);
  });
});
