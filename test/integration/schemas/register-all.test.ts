import { describe, expect, it } from 'vitest';
import { type CatalogEntry, SchemaCatalog } from '../../../schemas/catalog.js';
import { SchemaCompatibilityError } from '../../../schemas/errors.js';
import { registerAll } from '../../../schemas/register-all.js';
import { HttpSchemaRegistryClient } from '../../../schemas/registry/http-schema-registry.js';
import { endpoints, uniqueName } from '../../support/index.js';

describe('registerAll against Apicurio', () => {
  it('registers the whole catalog at BACKWARD, is idempotent, and refuses a breaking edit', async () => {
    const registry = new HttpSchemaRegistryClient({ url: endpoints().schemaRegistryUrl });
    const catalog = SchemaCatalog.load();
    // A few topics keep the run short on a shared 2-core machine; the unit test covers the whole map.
    const topics = {
      'reservation.created': 'com.hotel.reservation.ReservationCreated',
      'payment.failed': 'com.hotel.payment.PaymentFailed',
    };
    const subjectPrefix = `${uniqueName('catalog')}.`;

    const first = await registerAll({ registry, catalog, topics, subjectPrefix });
    expect(first.map((outcome) => outcome.change)).toEqual([
      'registered',
      'registered',
      'registered',
      'registered',
    ]);
    for (const outcome of first) expect(await registry.getCompatibility(outcome.subject)).toBe('BACKWARD');

    const second = await registerAll({ registry, catalog, topics, subjectPrefix });
    expect(second.every((outcome) => outcome.change === 'unchanged')).toBe(true);
    expect(second.map((outcome) => outcome.id)).toEqual(first.map((outcome) => outcome.id));

    const broken = new SchemaCatalog(
      catalog.list().map((entry): CatalogEntry => {
        if (entry.fullName !== 'com.hotel.payment.PaymentFailed') return entry;
        const fields = [
          ...(entry.schema.fields as object[]),
          { name: 'acquirer', doc: 'No default.', type: 'string' },
        ];
        return { ...entry, schema: { ...entry.schema, fields: fields as never } };
      }),
    );
    const error = await registerAll({ registry, catalog: broken, topics, subjectPrefix }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SchemaCompatibilityError);
    expect((error as SchemaCompatibilityError).subject).toBe(`${subjectPrefix}payment.failed-value`);
    expect((error as Error).message).toMatch(/acquirer/);
  });
});
