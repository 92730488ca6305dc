import { describe, expect, it } from 'vitest';
import { type CatalogEntry, SchemaCatalog } from '../../../schemas/catalog.js';
import { loadTopicMap } from '../../../schemas/codegen.js';
import { SchemaCompatibilityError } from '../../../schemas/errors.js';
import { catalogSubjects, registerAll } from '../../../schemas/register-all.js';
import { InMemorySchemaRegistry } from '../../../schemas/registry/in-memory-schema-registry.js';

const catalog = SchemaCatalog.load();
const topics = loadTopicMap();

/** The catalog with one record's fields changed, as an edit of its .avsc file would. */
function editedCatalog(fullName: string, edit: (fields: object[]) => object[]): SchemaCatalog {
  return new SchemaCatalog(
    catalog.list().map((entry): CatalogEntry => {
      if (entry.fullName !== fullName) return entry;
      return {
        ...entry,
        schema: { ...entry.schema, fields: edit(entry.schema.fields as object[]) as never },
      };
    }),
  );
}

describe('registerAll (npm run schemas:check)', () => {
  it('registers every topic value and its dead-letter topic, each subject at BACKWARD', async () => {
    const registry = new InMemorySchemaRegistry({ globalCompatibility: 'NONE' });
    const outcomes = await registerAll({ registry, catalog, topics });
    expect(outcomes.map((outcome) => outcome.subject)).toEqual(catalogSubjects(topics).map((s) => s.subject));
    expect(outcomes.every((outcome) => outcome.change === 'registered')).toBe(true);
    expect(outcomes).toHaveLength(Object.keys(topics).length * 2);
    for (const { subject } of outcomes) expect(await registry.getCompatibility(subject)).toBe('BACKWARD');
    // The same envelope schema is one id for every .dlq subject.
    const dlqIds = new Set(outcomes.filter((o) => o.subject.endsWith('.dlq-value')).map((o) => o.id));
    expect(dlqIds.size).toBe(1);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const registry = new InMemorySchemaRegistry();
    await registerAll({ registry, catalog, topics });
    const again = await registerAll({ registry, catalog, topics });
    expect(again.every((outcome) => outcome.change === 'unchanged')).toBe(true);
  });

  it('accepts a compatible change (a new optional field) as a new version', async () => {
    const registry = new InMemorySchemaRegistry();
    await registerAll({ registry, catalog, topics });
    const evolved = editedCatalog('com.hotel.payment.PaymentCaptured', (fields) => [
      ...fields,
      { name: 'note', doc: 'Free text.', type: ['null', 'string'], default: null },
    ]);
    const outcomes = await registerAll({ registry, catalog: evolved, topics });
    expect(outcomes.filter((outcome) => outcome.change === 'registered').map((o) => o.subject)).toEqual([
      'payment.captured-value',
    ]);
    expect((await registry.getLatest('payment.captured-value')).version).toBe(2);
  });

  it('refuses an incompatible change, naming the subject and the field', async () => {
    const registry = new InMemorySchemaRegistry();
    await registerAll({ registry, catalog, topics });
    const broken = editedCatalog('com.hotel.payment.PaymentCaptured', (fields) => [
      ...fields,
      { name: 'terminalId', doc: 'Required, no default: breaks BACKWARD.', type: 'string' },
    ]);
    const error = await registerAll({ registry, catalog: broken, topics }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaCompatibilityError);
    expect((error as SchemaCompatibilityError).subject).toBe('payment.captured-value');
    expect((error as Error).message).toMatch(/terminalId/);
  });
});
