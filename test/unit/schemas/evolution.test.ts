import { describe, expect, it } from 'vitest';
import { avroSerde } from '../../../schemas/avro-serde.js';
import { SchemaCompatibilityError } from '../../../schemas/errors.js';
import { InMemorySchemaRegistry } from '../../../schemas/registry/in-memory-schema-registry.js';
import type { CompatibilityLevel } from '../../../schemas/registry/schema-registry-client.js';
import type { SerdeContext } from '../../../schemas/serde.js';
import { defineAvroSchema } from '../../../schemas/typed-schema.js';

const topic: SerdeContext = { topic: 'guests', isKey: false };
const subject = 'guests-value';

interface GuestV1 {
  id: string;
  name: string;
  tier: 'BASIC' | 'GOLD';
}
interface GuestV2 extends Omit<GuestV1, 'tier'> {
  email: string | null;
  tier: 'BASIC' | 'GOLD' | 'PLATINUM';
}

const tierV1 = { type: 'enum', name: 'Tier', symbols: ['BASIC', 'GOLD'], default: 'BASIC' };
const v1 = defineAvroSchema<GuestV1>({
  type: 'record',
  name: 'test.evolution.Guest',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'tier', type: tierV1 },
  ],
});
/** v2 adds an optional field with a default and an enum symbol (readers of v1 fall back to the enum default). */
const v2 = defineAvroSchema<GuestV2>({
  type: 'record',
  name: 'test.evolution.Guest',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'email', type: ['null', 'string'], default: null },
    { name: 'tier', type: { ...tierV1, symbols: ['BASIC', 'GOLD', 'PLATINUM'] } },
  ],
});
const field = (name: string, type: unknown, extra: object = {}) => ({ name, type, ...extra });
const variant = (...fields: object[]) =>
  defineAvroSchema<object>({ type: 'record', name: 'test.evolution.Guest', fields });

async function serdesAt(level: CompatibilityLevel) {
  const registry = new InMemorySchemaRegistry();
  await registry.setCompatibility(subject, level);
  return { registry, v1: avroSerde(v1, { registry }), v2: avroSerde(v2, { registry }) };
}

describe('schema evolution through the registry', () => {
  it('a v2 reader reads v1 records: the new field takes its default', async () => {
    const { v1: writer, v2: reader } = await serdesAt('BACKWARD');
    await writer.prepare(topic);
    const bytes = writer.serialize({ id: 'g1', name: 'Ana', tier: 'GOLD' }, topic);
    await reader.prepareBatch([bytes], topic);
    expect({ ...reader.deserialize(bytes, topic) }).toEqual({
      id: 'g1',
      name: 'Ana',
      email: null,
      tier: 'GOLD',
    });
  });

  it('a v1 reader reads v2 records: the unknown field is skipped, an unknown symbol reads as the default', async () => {
    const { v2: writer, v1: reader } = await serdesAt('FULL');
    await writer.prepare(topic);
    const bytes = writer.serialize(
      { id: 'g2', name: 'Rui', email: 'rui@example.com', tier: 'PLATINUM' },
      topic,
    );
    await reader.prepareBatch([bytes], topic);
    expect({ ...reader.deserialize(bytes, topic) }).toEqual({ id: 'g2', name: 'Rui', tier: 'BASIC' });
  });

  it('registers v1 then v2 as versions 1 and 2 of the subject under FULL', async () => {
    const { registry, v1: first, v2: second } = await serdesAt('FULL');
    await first.prepare(topic);
    await second.prepare(topic);
    expect((await registry.getLatest(subject)).version).toBe(2);
  });

  it('refuses a required field without a default under BACKWARD, naming the subject and what broke', async () => {
    const { registry, v1: first } = await serdesAt('BACKWARD');
    await first.prepare(topic);
    const breaking = variant(
      field('id', 'string'),
      field('name', 'string'),
      field('tier', tierV1),
      field('phone', 'string'),
    );
    const error = await registry.register(subject, breaking.schema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaCompatibilityError);
    const compat = error as SchemaCompatibilityError;
    expect(compat.code).toBe('STRM_ERR_SCHEMA_INCOMPATIBLE');
    expect(compat.subject).toBe(subject);
    expect(compat.message).toContain('"guests-value" is not BACKWARD-compatible');
    expect(compat.message).toMatch(/cannot read data written with version 1/);
    expect((await registry.testCompatibility(subject, breaking.schema)).compatible).toBe(false);
    // The serde refuses the same way at prepare time.
    await expect(avroSerde(breaking, { registry }).prepare(topic)).rejects.toBeInstanceOf(
      SchemaCompatibilityError,
    );
  });

  it('checks the direction of each level: removing a required field is BACKWARD but not FORWARD', async () => {
    const removed = variant(field('id', 'string'), field('tier', tierV1));
    for (const [level, compatible] of [
      ['BACKWARD', true],
      ['FORWARD', false],
      ['FULL', false],
      ['NONE', true],
    ] as const) {
      const { registry, v1: first } = await serdesAt(level);
      await first.prepare(topic);
      expect((await registry.testCompatibility(subject, removed.schema)).compatible, level).toBe(compatible);
    }
  });

  it('transitive levels check every version, the others only the latest', async () => {
    const a = variant(field('id', 'string'));
    const b = variant(field('id', 'string'), field('note', 'string', { default: '' }));
    const c = variant(field('id', 'string'), field('note', 'string'));
    for (const [level, compatible] of [
      ['BACKWARD', true],
      ['BACKWARD_TRANSITIVE', false],
    ] as const) {
      const registry = new InMemorySchemaRegistry();
      await registry.setCompatibility(subject, level);
      await registry.register(subject, a.schema);
      await registry.register(subject, b.schema);
      expect((await registry.testCompatibility(subject, c.schema)).compatible, level).toBe(compatible);
    }
  });

  it('gives an identical schema the same id under every subject, and registering it again is a no-op', async () => {
    const registry = new InMemorySchemaRegistry();
    const id = await registry.register('a-value', v1.schema);
    expect(await registry.register('b-value', JSON.stringify(v1.schema))).toBe(id);
    expect(await registry.register('a-value', v1.schema)).toBe(id);
    expect((await registry.getLatest('a-value')).version).toBe(1);
    expect(await registry.getCompatibility('a-value')).toBe('BACKWARD');
  });
});

describe('useLatestVersion', () => {
  it('writes with the subject latest version: fields the value lacks take their defaults', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register(subject, v1.schema);
    const latestId = await registry.register(subject, v2.schema);
    const writer = avroSerde(v1, { registry, autoRegister: false, useLatestVersion: true });
    await writer.prepare(topic);
    const bytes = writer.serialize({ id: 'g3', name: 'Eva', tier: 'GOLD' }, topic);
    expect(bytes!.readUInt32BE(1)).toBe(latestId);
    const reader = avroSerde(v2, { registry, autoRegister: false });
    expect({ ...reader.deserialize(bytes, topic) }).toEqual({
      id: 'g3',
      name: 'Eva',
      email: null,
      tier: 'GOLD',
    });
    expect({ ...writer.deserialize(bytes, topic) }).toEqual({ id: 'g3', name: 'Eva', tier: 'GOLD' });
  });
});
