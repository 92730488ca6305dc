import { describe, expect, it } from 'vitest';
import { sampleReservationCreated } from '../../../bench/serdes/sample-reservation.js';
import { avroSerde } from '../../../schemas/avro-serde.js';
import {
  type DeadLetter,
  DeadLetterSchema,
  ReservationCreatedSchema,
} from '../../../schemas/generated/index.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { type SerdeContext, SerdeError } from '../../../schemas/serde.js';
import { encodeWireFormat } from '../../../schemas/wire-format.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName } from '../../support/index.js';

describe('Avro records through a real topic', () => {
  it('decodes every good record exactly and dead-letters each bad one with the envelope schema', async () => {
    const registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
    const [topic, dlqTopic] = await createTopics([uniqueName('schemas-rt'), uniqueName('schemas-rt-dlq')]);
    const context: SerdeContext = { topic: topic!, isKey: false };
    const dlqContext: SerdeContext = { topic: dlqTopic!, isKey: false };
    for (const subject of [`${topic}-value`, `${dlqTopic}-value`])
      await registry.setCompatibility(subject, 'BACKWARD');

    const writer = avroSerde(ReservationCreatedSchema, { registry });
    await writer.prepare(context);
    const events = Array.from({ length: 200 }, (_, i) => sampleReservationCreated(i + 1));
    const good = events.map((event) => writer.serialize(event, context)!);
    const bad = [
      Buffer.from('not avro'),
      encodeWireFormat(2_000_000_002, good[0]!.subarray(5)),
      good[1]!.subarray(0, good[1]!.length - 40),
    ];
    const producer = inputProducer();
    await producer.connect();
    try {
      await producer.send({
        topic: topic!,
        acks: -1,
        messages: [...good.slice(0, 100), ...bad, ...good.slice(100)].map((value) => ({
          key: 'PROP-LIS-001',
          value,
        })),
      });

      // What a consumer does per fetched batch: one prepareBatch, then synchronous deserialize per record.
      const records = await readAll(topic!);
      expect(records).toHaveLength(203);
      const reader = avroSerde(ReservationCreatedSchema, { registry, autoRegister: false });
      await reader.prepareBatch(
        records.map((record) => record.value),
        context,
      );
      const decoded: unknown[] = [];
      const failures: Array<{ offset: string; error: SerdeError; value: Buffer | null }> = [];
      for (const record of records) {
        try {
          decoded.push({ ...reader.deserialize(record.value, context) });
        } catch (error) {
          if (!(error instanceof SerdeError)) throw error;
          failures.push({ offset: record.offset, error, value: record.value });
        }
      }
      expect(decoded).toEqual(events);
      expect(failures.map((failure) => [failure.offset, failure.error.code])).toEqual([
        ['100', 'STRM_ERR_SERDE_WIRE_FORMAT'],
        ['101', 'STRM_ERR_SERDE_UNKNOWN_SCHEMA'],
        ['102', 'STRM_ERR_SERDE_DECODE'],
      ]);

      const envelopes = avroSerde(DeadLetterSchema, { registry });
      await envelopes.prepare(dlqContext);
      await producer.send({
        topic: dlqTopic!,
        acks: -1,
        messages: failures.map((failure) => ({
          key: 'PROP-LIS-001',
          value: envelopes.serialize(
            {
              eventId: `${topic}:0:${failure.offset}`,
              eventType: 'DeadLetter',
              occurredAt: Date.now(),
              applicationId: 'schemas-it',
              stage: 'DESERIALIZATION',
              sourceTopic: topic!,
              sourcePartition: 0,
              sourceOffset: Number(failure.offset),
              sourceTimestamp: Date.now(),
              processorNode: null,
              errorCode: failure.error.code,
              errorClass: failure.error.name,
              errorMessage: failure.error.message,
              retriable: failure.error.retriable,
              key: Buffer.from('PROP-LIS-001'),
              value: failure.value,
              headers: {},
            },
            dlqContext,
          ),
        })),
      });
    } finally {
      await producer.disconnect();
    }

    const dead = await readAll(dlqTopic!);
    const dlqReader = avroSerde(DeadLetterSchema, { registry, autoRegister: false });
    await dlqReader.prepareBatch(
      dead.map((record) => record.value),
      dlqContext,
    );
    const letters: DeadLetter[] = dead.map((record) => dlqReader.deserialize(record.value, dlqContext));
    expect(letters.map((letter) => [letter.sourceOffset, letter.errorCode])).toEqual([
      [100, 'STRM_ERR_SERDE_WIRE_FORMAT'],
      [101, 'STRM_ERR_SERDE_UNKNOWN_SCHEMA'],
      [102, 'STRM_ERR_SERDE_DECODE'],
    ]);
    expect(letters.map((letter) => letter.value)).toEqual(bad);
  });
});
