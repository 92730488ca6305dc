import { describe, expect, expectTypeOf, it } from 'vitest';
import { sampleReservationCreated } from '../../../bench/serdes/sample-reservation.js';
import { type AvroSerde, avroSerde } from '../../../schemas/avro-serde.js';
import { SubjectNotFoundError } from '../../../schemas/errors.js';
import {
  PaymentAuthorizedSchema,
  type ReservationCreated,
  ReservationCreatedSchema,
} from '../../../schemas/generated/index.js';
import { InMemorySchemaRegistry } from '../../../schemas/registry/in-memory-schema-registry.js';
import type { SchemaRegistryClient } from '../../../schemas/registry/schema-registry-client.js';
import { type Serde, type SerdeContext, SerdeError } from '../../../schemas/serde.js';
import {
  recordNameStrategy,
  topicNameStrategy,
  topicRecordNameStrategy,
} from '../../../schemas/subject-name-strategy.js';
import { encodeWireFormat } from '../../../schemas/wire-format.js';

const created: SerdeContext = { topic: 'reservation.created', isKey: false };

async function preparedSerde(registry = new InMemorySchemaRegistry()) {
  const serde = avroSerde(ReservationCreatedSchema, { registry });
  await serde.prepare(created);
  return { serde, registry };
}

/** The registry seen only through the asynchronous interface, as a remote (HTTP) one would be. */
function remote(registry: InMemorySchemaRegistry): SchemaRegistryClient {
  return {
    register: (subject, schema) => registry.register(subject, schema),
    lookup: (subject, schema) => registry.lookup(subject, schema),
    getSchemaById: (id) => registry.getSchemaById(id),
    getLatest: (subject) => registry.getLatest(subject),
    getCompatibility: (subject) => registry.getCompatibility(subject),
    setCompatibility: (subject, level) => registry.setCompatibility(subject, level),
    testCompatibility: (subject, schema) => registry.testCompatibility(subject, schema),
  };
}

function serdeError(run: () => unknown): SerdeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SerdeError);
    return error as SerdeError;
  }
  throw new Error('expected a SerdeError, nothing was thrown');
}

describe('AvroSerde', () => {
  it('is a Serde of the generated event type, inferred from the schema', () => {
    const serde = avroSerde(ReservationCreatedSchema, { registry: new InMemorySchemaRegistry() });
    expectTypeOf(serde).toEqualTypeOf<AvroSerde<ReservationCreated>>();
    expectTypeOf(serde).toMatchTypeOf<Serde<ReservationCreated>>();
    expectTypeOf(serde.deserialize).returns.toEqualTypeOf<ReservationCreated>();
    expect(serde.name).toBe('avro(ReservationCreated)');
  });

  it('writes the Confluent wire format: magic byte 0, 4-byte big-endian id, Avro body', async () => {
    const { serde, registry } = await preparedSerde();
    const bytes = serde.serialize(sampleReservationCreated(), created)!;
    const id = (await registry.getLatest('reservation.created-value')).id;
    expect(bytes[0]).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(id);
    const body = ReservationCreatedSchema.schema;
    expect(bytes.subarray(5)).toEqual(
      (await import('../../../schemas/logical-types.js'))
        .avroTypeFor(body)
        .toBuffer(sampleReservationCreated()),
    );
  });

  it('decodes exactly what it encoded, logical types included', async () => {
    const { serde } = await preparedSerde();
    for (const sequence of [1, 2, 999_999]) {
      const event = sampleReservationCreated(sequence);
      expect({ ...serde.deserialize(serde.serialize(event, created), created) }).toEqual(event);
    }
    const decoded = serde.deserialize(serde.serialize(sampleReservationCreated(), created), created);
    expect('toBuffer' in decoded).toBe(false); // plain data, no avsc record methods
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(sampleReservationCreated());
  });

  it('makes no registry call per record once prepared', async () => {
    const { serde, registry } = await preparedSerde();
    const before = registry.totalCalls();
    for (let i = 0; i < 1_000; i += 1)
      serde.deserialize(serde.serialize(sampleReservationCreated(i), created), created);
    expect(registry.totalCalls()).toBe(before);
  });

  it('keeps null as null (tombstones)', async () => {
    const { serde } = await preparedSerde();
    expect(serde.serialize(null as unknown as ReservationCreated, created)).toBeNull();
    expect(serde.deserialize(null, created)).toBeNull();
  });

  it('grows its encode buffer for large records', async () => {
    const { serde } = await preparedSerde();
    const event = sampleReservationCreated();
    event.guestDetails.lastName = 'x'.repeat(100_000);
    expect(serde.deserialize(serde.serialize(event, created), created).guestDetails.lastName).toHaveLength(
      100_000,
    );
  });

  it('prepares once however many concurrent prepare calls there are', async () => {
    const registry = new InMemorySchemaRegistry();
    const serde = avroSerde(ReservationCreatedSchema, { registry });
    await Promise.all([serde.prepare(created), serde.prepare(created), serde.prepare(created)]);
    expect(registry.calls.get('register')).toBe(1);
  });
});

describe('AvroSerde errors', () => {
  it('serialize before prepare: STRM_ERR_SERDE_NOT_PREPARED', () => {
    const serde = avroSerde(ReservationCreatedSchema, { registry: remote(new InMemorySchemaRegistry()) });
    const error = serdeError(() => serde.serialize(sampleReservationCreated(), created));
    expect(error.code).toBe('STRM_ERR_SERDE_NOT_PREPARED');
    expect(error.message).toMatch(/prepare\(context\)/);
  });

  it('a value that does not match the schema: STRM_ERR_SERDE_ENCODE naming the field', async () => {
    const { serde } = await preparedSerde();
    const bad = sampleReservationCreated();
    (bad.pricingDetails.totalAmount as { amount: unknown }).amount = 1290.36;
    const error = serdeError(() => serde.serialize(bad, created));
    expect(error.code).toBe('STRM_ERR_SERDE_ENCODE');
    expect(error.message).toContain('pricingDetails.totalAmount.amount');
    expect(error.retriable).toBe(false);
  });

  it.each([
    ['an empty payload', Buffer.alloc(0)],
    ['a payload shorter than the header', Buffer.from([0, 0, 1])],
    ['JSON', Buffer.from('{"confirmationNumber":"RSV-2026-000001"}')],
    ['a wrong magic byte', Buffer.from([1, 0, 0, 0, 1, 2, 3])],
  ])('%s: STRM_ERR_SERDE_WIRE_FORMAT', async (_what, payload) => {
    const { serde } = await preparedSerde();
    await serde.prepareBatch([payload], created);
    expect(serdeError(() => serde.deserialize(payload, created)).code).toBe('STRM_ERR_SERDE_WIRE_FORMAT');
  });

  it('an id the registry never issued: STRM_ERR_SERDE_UNKNOWN_SCHEMA, asked once', async () => {
    const { serde, registry } = await preparedSerde();
    const payload = encodeWireFormat(4242, Buffer.from([2, 0]));
    await serde.prepareBatch([payload, payload], created);
    await serde.prepareBatch([payload], created);
    const error = serdeError(() => serde.deserialize(payload, created));
    expect(error.code).toBe('STRM_ERR_SERDE_UNKNOWN_SCHEMA');
    expect(error.message).toContain('4242');
    expect(registry.calls.get('getSchemaById')).toBe(1);
  });

  it('an id not fetched yet: STRM_ERR_SERDE_NOT_PREPARED until prepareBatch', async () => {
    const registry = new InMemorySchemaRegistry();
    const writer = avroSerde(ReservationCreatedSchema, { registry });
    await writer.prepare(created);
    const bytes = writer.serialize(sampleReservationCreated(), created);
    const reader = avroSerde(ReservationCreatedSchema, { registry: remote(registry), autoRegister: false });
    expect(serdeError(() => reader.deserialize(bytes, created)).code).toBe('STRM_ERR_SERDE_NOT_PREPARED');
    await reader.prepareBatch([bytes, null], created);
    expect(reader.deserialize(bytes, created).confirmationNumber).toBe('RSV-2026-000001');
  });

  it.each([
    ['a truncated body', (bytes: Buffer) => bytes.subarray(0, bytes.length - 10)],
    ['trailing garbage', (bytes: Buffer) => Buffer.concat([bytes, Buffer.from([1, 2, 3])])],
    [
      'a body of another schema',
      (bytes: Buffer) => Buffer.concat([bytes.subarray(0, 5), Buffer.from([0xff, 0xff, 0xff])]),
    ],
  ])('%s: STRM_ERR_SERDE_DECODE', async (_what, corrupt) => {
    const { serde } = await preparedSerde();
    const bytes = corrupt(serde.serialize(sampleReservationCreated(), created)!);
    const error = serdeError(() => serde.deserialize(bytes, created));
    expect(error.code).toBe('STRM_ERR_SERDE_DECODE');
    expect(error.message).toMatch(/schema id \d+/);
  });

  it('a writer schema the reader cannot resolve: STRM_ERR_SERDE_DECODE', async () => {
    const registry = new InMemorySchemaRegistry({ globalCompatibility: 'NONE' });
    const payments = avroSerde(PaymentAuthorizedSchema, { registry });
    await payments.prepare(created); // a producer wrote the wrong record type to the topic
    const foreign = payments.serialize(
      {
        eventId: 'e',
        eventType: 'PaymentAuthorized',
        occurredAt: 1,
        paymentId: 'p',
        confirmationNumber: 'c',
        propertyId: 'x',
        amount: { amount: '1.00', currency: 'EUR' },
        authorizationCode: 'a',
        gatewayReference: 'g',
        expiresAt: null,
      },
      created,
    );
    const reader = avroSerde(ReservationCreatedSchema, { registry, autoRegister: false });
    await reader.prepareBatch([foreign], created);
    const error = serdeError(() => reader.deserialize(foreign, created));
    expect(error.code).toBe('STRM_ERR_SERDE_DECODE');
    expect(error.message).toMatch(/cannot read records written with schema id/);
  });
});

describe('subject naming and registration', () => {
  it.each([
    ['topic name (default)', undefined, 'reservation.created-value'],
    ['topic name', topicNameStrategy, 'reservation.created-value'],
    ['record name', recordNameStrategy, 'com.hotel.reservation.ReservationCreated'],
    [
      'topic + record name',
      topicRecordNameStrategy,
      'reservation.created-com.hotel.reservation.ReservationCreated',
    ],
  ])('%s strategy registers under the expected subject', async (_name, strategy, subject) => {
    const registry = new InMemorySchemaRegistry();
    const serde = avroSerde(ReservationCreatedSchema, {
      registry,
      ...(strategy ? { subjectNameStrategy: strategy } : {}),
    });
    await serde.prepare(created);
    expect(registry.listSubjects()).toEqual([subject]);
    expect(serde.subjectFor(created)).toBe(subject);
  });

  it('names key subjects <topic>-key', () => {
    expect(topicNameStrategy({ topic: 't', isKey: true, recordName: 'a.B' })).toBe('t-key');
  });

  it('with auto-registration off, looks up the registered id and registers nothing', async () => {
    const registry = new InMemorySchemaRegistry();
    const id = await registry.register('reservation.created-value', ReservationCreatedSchema.schema);
    const serde = avroSerde(ReservationCreatedSchema, { registry, autoRegister: false });
    await serde.prepare(created);
    expect(serde.serialize(sampleReservationCreated(), created)!.readUInt32BE(1)).toBe(id);
    expect(registry.calls.get('register')).toBe(1);
  });

  it('with auto-registration off and nothing registered, prepare fails with SubjectNotFoundError', async () => {
    const serde = avroSerde(ReservationCreatedSchema, {
      registry: new InMemorySchemaRegistry(),
      autoRegister: false,
    });
    await expect(serde.prepare(created)).rejects.toBeInstanceOf(SubjectNotFoundError);
    await expect(serde.prepare(created)).rejects.toThrow(/schemas:check/);
  });
});

describe('over the in-memory registry (no prepare needed, as in the TopologyTestDriver)', () => {
  it('registers on first serialize and fetches writer schemas on first deserialize, synchronously', async () => {
    const registry = new InMemorySchemaRegistry();
    const writer = avroSerde(ReservationCreatedSchema, { registry });
    const bytes = writer.serialize(sampleReservationCreated(3), created);
    expect(registry.listSubjects()).toEqual(['reservation.created-value']);
    const reader = avroSerde(ReservationCreatedSchema, { registry, autoRegister: false });
    expect({ ...reader.deserialize(bytes, created) }).toEqual(sampleReservationCreated(3));
  });

  it('still reports unknown ids and unregistered subjects with coded errors', () => {
    const registry = new InMemorySchemaRegistry();
    const serde = avroSerde(ReservationCreatedSchema, { registry, autoRegister: false });
    const unknown = encodeWireFormat(77, Buffer.from([0]));
    expect(serdeError(() => serde.deserialize(unknown, created)).code).toBe('STRM_ERR_SERDE_UNKNOWN_SCHEMA');
    expect(serdeError(() => serde.deserialize(unknown, created)).code).toBe('STRM_ERR_SERDE_UNKNOWN_SCHEMA');
    expect(registry.calls.get('getSchemaById')).toBe(1);
    const error = serdeError(() => serde.serialize(sampleReservationCreated(), created));
    expect(error.code).toBe('STRM_ERR_SERDE_ENCODE');
    expect(error.message).toMatch(/has no registered schema/);
  });
});
