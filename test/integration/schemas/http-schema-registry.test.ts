import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleReservationCreated } from '../../../bench/serdes/sample-reservation.js';
import { avroSerde } from '../../../schemas/avro-serde.js';
import {
  RegistryUnavailableError,
  SchemaCompatibilityError,
  SchemaNotFoundError,
  SubjectNotFoundError,
} from '../../../schemas/errors.js';
import { ReservationCreatedSchema } from '../../../schemas/generated/index.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { type SerdeContext, SerdeError } from '../../../schemas/serde.js';
import { defineAvroSchema } from '../../../schemas/typed-schema.js';
import { encodeWireFormat } from '../../../schemas/wire-format.js';
import { endpoints, uniqueName } from '../../support/index.js';

interface GuestV1 {
  id: string;
  name: string;
}
interface GuestV2 extends GuestV1 {
  email: string | null;
}

const record = (fields: object[]) => ({
  type: 'record',
  name: 'Guest',
  namespace: 'test.integration',
  fields,
});
const v1 = defineAvroSchema<GuestV1>(
  record([
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
  ]),
);
const v2 = defineAvroSchema<GuestV2>(
  record([
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
  ]),
);
/** Adds a field with no default: old records cannot be read with it (BACKWARD breaks). */
const breaking = record([
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'phone', type: 'string' },
]);

let registry: HttpSchemaRegistryClient;

beforeAll(() => {
  registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
});

/** A fresh topic name whose `-value` subject is set to `level` explicitly (Apicurio's global level is NONE). */
async function freshTopic(level: 'BACKWARD' | 'FORWARD' | 'FULL'): Promise<SerdeContext> {
  const topic = uniqueName('schemas-it');
  await registry.setCompatibility(`${topic}-value`, level);
  return { topic, isKey: false };
}

describe('HttpSchemaRegistryClient against Apicurio (Confluent API)', () => {
  it('registers, looks up and fetches a schema; registering it again returns the same id', async () => {
    const subject = `${uniqueName('schemas-it')}-value`;
    await registry.setCompatibility(subject, 'BACKWARD');
    const id = await registry.register(subject, v1.schema);
    expect(await registry.register(subject, JSON.stringify(v1.schema))).toBe(id);
    expect(await registry.lookup(subject, v1.schema)).toMatchObject({ subject, id, version: 1 });
    expect(await registry.lookup(subject, v2.schema)).toBeUndefined();
    expect(JSON.parse(await registry.getSchemaById(id))).toEqual(v1.schema);
    expect(await registry.getLatest(subject)).toMatchObject({ id, version: 1 });
    expect(await registry.getCompatibility(subject)).toBe('BACKWARD');
  });

  it('reports unknown ids and subjects with coded errors', async () => {
    await expect(registry.getSchemaById(2_000_000_000)).rejects.toBeInstanceOf(SchemaNotFoundError);
    await expect(registry.getLatest(uniqueName('nobody'))).rejects.toBeInstanceOf(SubjectNotFoundError);
  });

  it('reports a registry that does not answer as retriable', async () => {
    const down = new HttpSchemaRegistryClient({
      url: 'http://127.0.0.1:9/apis/ccompat/v7',
      maxAttempts: 2,
      initialBackoffMs: 1,
    });
    const error = await down.getSchemaById(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as RegistryUnavailableError).retriable).toBe(true);
  });

  it('encodes and decodes a reservation.created event through the real registry', async () => {
    const context = await freshTopic('BACKWARD');
    const producer = avroSerde(ReservationCreatedSchema, { registry });
    await producer.prepare(context);
    const event = sampleReservationCreated(7);
    const bytes = producer.serialize(event, context)!;
    const consumer = avroSerde(ReservationCreatedSchema, {
      registry: new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl }),
      autoRegister: false,
    });
    await consumer.prepareBatch([bytes], context);
    expect({ ...consumer.deserialize(bytes, context) }).toEqual(event);
  });

  it('evolves a schema: a v1 reader reads v2 records and a v2 reader reads v1 records', async () => {
    const context = await freshTopic('FULL');
    const writerV1 = avroSerde(v1, { registry });
    const writerV2 = avroSerde(v2, { registry });
    await writerV1.prepare(context);
    await writerV2.prepare(context);
    const subject = `${context.topic}-value`;
    expect((await registry.getLatest(subject)).version).toBe(2);

    const oldRecord = writerV1.serialize({ id: 'g1', name: 'Ana' }, context);
    const newRecord = writerV2.serialize({ id: 'g2', name: 'Rui', email: 'rui@example.com' }, context);
    expect(oldRecord!.readUInt32BE(1)).not.toBe(newRecord!.readUInt32BE(1));

    const readerV1 = avroSerde(v1, { registry, autoRegister: false });
    const readerV2 = avroSerde(v2, { registry, autoRegister: false });
    await readerV1.prepareBatch([oldRecord, newRecord], context);
    await readerV2.prepareBatch([oldRecord, newRecord], context);
    expect({ ...readerV1.deserialize(newRecord, context) }).toEqual({ id: 'g2', name: 'Rui' });
    expect({ ...readerV2.deserialize(oldRecord, context) }).toEqual({ id: 'g1', name: 'Ana', email: null });
    expect({ ...readerV2.deserialize(newRecord, context) }).toEqual({
      id: 'g2',
      name: 'Rui',
      email: 'rui@example.com',
    });
  });

  it('refuses an incompatible change with a SchemaCompatibilityError naming the subject and the field', async () => {
    const context = await freshTopic('BACKWARD');
    await avroSerde(v1, { registry }).prepare(context);
    const subject = `${context.topic}-value`;

    const check = await registry.testCompatibility(subject, breaking);
    expect(check.compatible).toBe(false);
    expect(check.messages.join(' ')).toMatch(/phone/);

    const error = await avroSerde(defineAvroSchema<object>(breaking), { registry })
      .prepare(context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaCompatibilityError);
    const compat = error as SchemaCompatibilityError;
    expect(compat.subject).toBe(subject);
    expect(compat.level).toBe('BACKWARD');
    expect(compat.message).toContain(subject);
    expect(compat.message).toMatch(/phone/);
    expect((await registry.getLatest(subject)).version).toBe(1);
  });

  it('raises a typed SerdeError for each kind of bad input', async () => {
    const context = await freshTopic('BACKWARD');
    const serde = avroSerde(ReservationCreatedSchema, { registry });
    await serde.prepare(context);
    const good = serde.serialize(sampleReservationCreated(), context)!;
    const bad: Array<[Buffer, string]> = [
      [Buffer.from('{"not":"avro"}'), 'STRM_ERR_SERDE_WIRE_FORMAT'],
      [encodeWireFormat(2_000_000_001, good.subarray(5)), 'STRM_ERR_SERDE_UNKNOWN_SCHEMA'],
      [good.subarray(0, 20), 'STRM_ERR_SERDE_DECODE'],
    ];
    await serde.prepareBatch([good, ...bad.map(([payload]) => payload)], context);
    for (const [payload, code] of bad) {
      const error = (() => {
        try {
          serde.deserialize(payload, context);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(SerdeError);
      expect((error as SerdeError).code).toBe(code);
    }
    expect(serde.deserialize(good, context).confirmationNumber).toBe('RSV-2026-000001');
  });

  it('interoperates with @kafkajs/confluent-schema-registry: each reads the bytes of the other', async () => {
    const context = await freshTopic('BACKWARD');
    const ours = avroSerde(v1, { registry });
    await ours.prepare(context);
    const theirs = new SchemaRegistry({ host: endpoints().schemaRegistryUrl });
    const fromUs = ours.serialize({ id: 'g1', name: 'Ana' }, context)!;
    expect(await theirs.decode(fromUs)).toMatchObject({ id: 'g1', name: 'Ana' });
    const fromThem = await theirs.encode(fromUs.readUInt32BE(1), { id: 'g2', name: 'Rui' });
    expect({ ...ours.deserialize(fromThem, context) }).toEqual({ id: 'g2', name: 'Rui' });
  });
});
