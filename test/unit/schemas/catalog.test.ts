import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type AvroJson, SchemaCatalog } from '../../../schemas/catalog.js';
import { GENERATED_DIR, generateTypeScript, loadTopicMap } from '../../../schemas/codegen.js';
import { SchemaCatalogError } from '../../../schemas/errors.js';
import type {
  Money,
  ReservationCreated,
  ReservationRejected,
  ReservationStatus,
  TopicValue,
} from '../../../schemas/generated/index.js';
import { TOPIC_SCHEMAS } from '../../../schemas/generated/index.js';
import { avroTypeFor } from '../../../schemas/logical-types.js';

const catalog = SchemaCatalog.load();
const topics = loadTopicMap();

type Node = { [key: string]: AvroJson | undefined };

/** Every record field of a schema, with the record it belongs to. */
function fieldsOf(schema: AvroJson, owner = ''): Array<{ owner: string; field: Node }> {
  if (Array.isArray(schema)) return schema.flatMap((branch) => fieldsOf(branch, owner));
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Node;
  const name = typeof node.name === 'string' ? node.name : owner;
  const own = Array.isArray(node.fields) ? (node.fields as Node[]) : [];
  return [
    ...own.flatMap((field) => [{ owner: name, field }, ...fieldsOf(field.type ?? null, name)]),
    ...fieldsOf(node.items ?? null, name),
    ...fieldsOf(node.values ?? null, name),
  ];
}

describe('the .avsc catalog', () => {
  it('has a schema for every topic of the design', () => {
    const designTopics = [
      ...['created', 'confirmed', 'modified', 'cancelled', 'rejected', 'checkin', 'checkout'].map(
        (t) => `reservation.${t}`,
      ),
      ...['initiated', 'authorized', 'captured', 'failed', 'refunded', 'settled'].map((t) => `payment.${t}`),
      'availability.updated',
      'availability.overbooked',
      'rate.updated',
      'rate.applied',
    ];
    for (const topic of designTopics) expect(Object.keys(topics), topic).toContain(topic);
    expect(
      Object.keys(topics).filter((topic) => topic.startsWith('analytics.')).length,
    ).toBeGreaterThanOrEqual(2);
    expect(catalog.get('com.hotel.dlq.DeadLetter')).toBeDefined();
  });

  it.each(catalog.events().map((entry) => [entry.fullName]))(
    '%s resolves to a valid self-contained schema',
    (name) => {
      const resolved = catalog.resolve(name);
      expect(() => avroTypeFor(resolved)).not.toThrow();
      expect(typeof resolved.namespace === 'string' || name.includes('.')).toBe(true);
    },
  );

  it.each(catalog.events().map((entry) => [entry.fullName]))(
    '%s has eventId, eventType (defaulting to its name) and occurredAt',
    (name) => {
      const fields = (catalog.get(name)!.schema.fields as Node[]).slice(0, 3);
      expect(fields.map((field) => field.name)).toEqual(['eventId', 'eventType', 'occurredAt']);
      expect(fields[1]!.default).toBe(name.slice(name.lastIndexOf('.') + 1));
      expect(fields[2]!.type).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    },
  );

  it('documents every type and every field', () => {
    for (const entry of catalog.list()) {
      expect(entry.schema.doc, entry.fullName).toEqual(expect.any(String));
      for (const { owner, field } of fieldsOf(entry.schema)) {
        expect(field.doc, `${owner}.${String(field.name)}`).toEqual(expect.any(String));
      }
    }
  });

  it('never uses floating point, and carries no card data', () => {
    const text = JSON.stringify(catalog.list().map((entry) => entry.schema));
    expect(text).not.toMatch(/"(float|double)"/);
    for (const entry of catalog.list()) {
      for (const { owner, field } of fieldsOf(entry.schema)) {
        expect(String(field.name), owner).not.toMatch(/card|cvv|cvc|expiry|^pan$|accountNumber/i);
      }
    }
  });

  it('uses the shared named types in the reservation event', () => {
    const fields = catalog.get('com.hotel.reservation.ReservationCreated')!.schema.fields as Node[];
    const types = Object.fromEntries(fields.map((field) => [field.name, field.type]));
    expect(types).toMatchObject({
      guestDetails: 'com.hotel.common.GuestDetails',
      stayDetails: 'com.hotel.common.StayDetails',
      pricingDetails: 'com.hotel.common.PricingDetails',
    });
  });

  it('refuses a reference to a type no file defines, naming the file', () => {
    const broken = new SchemaCatalog([
      {
        fullName: 'x.Event',
        file: 'x/Event.avsc',
        schema: { type: 'record', name: 'Event', namespace: 'x', fields: [{ name: 'm', type: 'x.Missing' }] },
      },
    ]);
    expect(() => broken.resolve('x.Event')).toThrow(SchemaCatalogError);
    expect(() => broken.resolve('x.Event')).toThrow(/x\/Event.avsc refers to type "x.Missing"/);
  });

  it('refuses a type defined twice', () => {
    const entry = {
      fullName: 'x.A',
      file: 'a.avsc',
      schema: { type: 'enum', name: 'A', namespace: 'x', symbols: ['B'] },
    };
    expect(() => new SchemaCatalog([entry, { ...entry, file: 'b.avsc' }])).toThrow(
      /defined twice, in a.avsc and b.avsc/,
    );
  });
});

describe('generated TypeScript', () => {
  it('is up to date with the .avsc files (run `npm run schemas:generate` if this fails)', () => {
    const expected = generateTypeScript(catalog, topics);
    expect(readdirSync(GENERATED_DIR).sort()).toEqual([...expected.keys()].sort());
    for (const [file, content] of expected) {
      expect(readFileSync(join(GENERATED_DIR, file), 'utf8'), `schemas/generated/${file} is stale`).toBe(
        content,
      );
    }
  });

  it('maps logical types, unions and enums to precise TypeScript types', () => {
    expectTypeOf<ReservationCreated['stayDetails']['checkInDate']>().toEqualTypeOf<string>();
    expectTypeOf<ReservationCreated['occurredAt']>().toEqualTypeOf<number>();
    expectTypeOf<Money['amount']>().toEqualTypeOf<string>();
    expectTypeOf<ReservationCreated['idempotencyKey']>().toEqualTypeOf<string | null>();
    expectTypeOf<ReservationCreated['channel']>().toEqualTypeOf<
      'DIRECT' | 'OTA' | 'GDS' | 'CALL_CENTER' | 'WALK_IN' | 'OTHER'
    >();
    expectTypeOf<ReservationRejected['currentStatus']>().toEqualTypeOf<ReservationStatus | null>();
    expectTypeOf<ReservationRejected['fullNights']>().toEqualTypeOf<string[]>();
    expectTypeOf<TopicValue<'reservation.created'>>().toEqualTypeOf<ReservationCreated>();
  });

  it('maps every topic to the schema of its record', () => {
    for (const [topic, fullName] of Object.entries(topics)) {
      expect(TOPIC_SCHEMAS[topic as keyof typeof TOPIC_SCHEMAS].name, topic).toBe(fullName);
      expect(TOPIC_SCHEMAS[topic as keyof typeof TOPIC_SCHEMAS].schema).toEqual(catalog.resolve(fullName));
    }
  });
});
