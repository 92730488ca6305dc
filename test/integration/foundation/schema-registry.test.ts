import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { endpoints, uniqueName } from '../../support/index.js';

const bookingV1 = {
  type: 'record',
  name: 'Booking',
  namespace: 'test.foundation',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'nights', type: 'int' },
    { name: 'amountMinor', type: 'long' },
  ],
};

/** Asks the registry who it is; Apicurio answers on its v3 system endpoint. */
async function registryVersion(url: string): Promise<string> {
  const root = url.replace(/\/apis\/.*$/, '');
  const response = await fetch(`${root}/apis/registry/v3/system/info`);
  if (!response.ok) return `unknown (HTTP ${response.status} from the system info endpoint)`;
  const info = (await response.json()) as { name: string; version: string };
  return `${info.name} ${info.version}`;
}

/** Sets or reads a subject's compatibility level through the Confluent API (the client keeps its API private). */
async function subjectCompatibility(subject: string, level?: string): Promise<string> {
  const response = await fetch(`${endpoints().schemaRegistryUrl}/config/${encodeURIComponent(subject)}`, {
    method: level ? 'PUT' : 'GET',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: level ? JSON.stringify({ compatibility: level }) : undefined,
  });
  if (!response.ok) throw new Error(`HTTP ${response.status} from the registry's config of ${subject}`);
  const body = (await response.json()) as { compatibility?: string; compatibilityLevel?: string };
  return body.compatibilityLevel ?? body.compatibility ?? '';
}

// Proves the registry is real and speaks the Confluent API that our Avro serdes use.
describe('Schema registry (Confluent-compatible API)', () => {
  let registry: SchemaRegistry;

  beforeAll(async () => {
    const url = endpoints().schemaRegistryUrl;
    console.log(`Talking to schema registry ${await registryVersion(url)} at ${url}`);
    registry = new SchemaRegistry({ host: url });
  });

  /** Registers a schema under a fresh subject with BACKWARD compatibility set explicitly. */
  async function registerFresh(subject: string, schema: object): Promise<number> {
    // Apicurio reports the global level for a subject with no config of its own, which the client then
    // rejects as a mismatch; so the subject gets its own level before the first registration.
    await subjectCompatibility(subject, 'BACKWARD');
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject, compatibility: 'BACKWARD' as never },
    );
    return id;
  }

  it('registers an Avro schema and fetches it back by id and by subject', async () => {
    const subject = uniqueName('foundation-booking-value');
    const id = await registerFresh(subject, bookingV1);
    expect(id).toBeGreaterThan(0);
    expect(await registry.getLatestSchemaId(subject)).toBe(id);
    const fetched = (await registry.getSchema(id)) as unknown as { name?: string };
    expect(fetched.name).toBe('test.foundation.Booking');
  });

  it('round-trips a value in the Confluent wire format (magic byte, schema id, Avro body)', async () => {
    const subject = uniqueName('foundation-wire-value');
    const id = await registerFresh(subject, bookingV1);
    const value = { id: 'RSV-2026-000001', nights: 3, amountMinor: 45_000 };
    const encoded = await registry.encode(id, value);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(id);
    // A fresh client has no cache: decoding looks the writer schema up in the registry by its id.
    const fresh = new SchemaRegistry({ host: endpoints().schemaRegistryUrl });
    expect(await fresh.decode(encoded)).toEqual(value);
  });

  it('refuses an incompatible change and accepts a compatible one under BACKWARD', async () => {
    const subject = uniqueName('foundation-evolution-value');
    const v1 = await registerFresh(subject, bookingV1);
    expect(await subjectCompatibility(subject)).toBe('BACKWARD');

    // A new field without a default cannot be read from old records: BACKWARD forbids it.
    const incompatible = {
      ...bookingV1,
      fields: [...bookingV1.fields, { name: 'currency', type: 'string' }],
    };
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(incompatible) },
        { subject, compatibility: 'BACKWARD' as never },
      ),
    ).rejects.toThrow(/incompatib|409|compatib/i);

    const compatible = {
      ...bookingV1,
      fields: [...bookingV1.fields, { name: 'currency', type: 'string', default: 'EUR' }],
    };
    const { id: v2 } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(compatible) },
      { subject, compatibility: 'BACKWARD' as never },
    );
    expect(v2).not.toBe(v1);
    expect(await registry.getLatestSchemaId(subject)).toBe(v2);
  });
});
