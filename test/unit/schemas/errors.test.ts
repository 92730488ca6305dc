import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../../schemas/errors.js';

const samples: errors.SchemaError[] = [
  new errors.InvalidSchemaError('bad'),
  new errors.SchemaCatalogError('bad'),
  new errors.SchemaCompatibilityError('s-value', 'BACKWARD', ['field x has no default']),
  new errors.SchemaNotFoundError(7),
  new errors.SubjectNotFoundError('s-value'),
  new errors.RegistryUnavailableError('http://registry', 'ECONNREFUSED'),
  new errors.RegistryRequestError('registering', 400, 40001, 'bad request'),
];

describe('schemas errors', () => {
  it('has one error class per listed code, and every listed code is used', () => {
    expect(samples.map((error) => error.code).sort()).toEqual([...errors.SCHEMA_ERROR_CODES].sort());
  });

  it.each(samples.map((error) => [error.name, error]))(
    '%s is coded, named and says whether to retry',
    (name, error) => {
      expect(error).toBeInstanceOf(errors.SchemaError);
      expect(error.name).toBe(name);
      expect(error.code).toMatch(/^STRM_ERR_/);
      expect(error.retriable).toBe(error instanceof errors.RegistryUnavailableError);
    },
  );

  it('names the thing and the fix', () => {
    const compat = new errors.SchemaCompatibilityError('guests-value', 'FULL', [
      'field phone has no default',
    ]);
    expect(compat.message).toContain('"guests-value"');
    expect(compat.message).toContain('FULL');
    expect(compat.message).toContain('field phone has no default');
    expect(new errors.SchemaNotFoundError(42).message).toMatch(/42.*Point the serde at the registry/);
    expect(new errors.RegistryUnavailableError('http://r', 'down').message).toMatch(/SCHEMA_REGISTRY_URL/);
  });
});

describe('schemas/README.md', () => {
  it('lists every error code the module throws', () => {
    const readme = readFileSync(new URL('../../../schemas/README.md', import.meta.url), 'utf8');
    const serdeCodes = [
      'STRM_ERR_SERDE_ENCODE',
      'STRM_ERR_SERDE_DECODE',
      'STRM_ERR_SERDE_WIRE_FORMAT',
      'STRM_ERR_SERDE_UNKNOWN_SCHEMA',
      'STRM_ERR_SERDE_NOT_PREPARED',
    ] satisfies errors.SerdeErrorCode[];
    for (const code of [...errors.SCHEMA_ERROR_CODES, ...serdeCodes])
      expect(readme, code).toContain(`\`${code}\``);
  });
});
