import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KAFKA_FACADE_ERROR_CODES } from '../../../topology/internal/kafka/errors.js';
import { RUNTIME_ERROR_CODES } from '../../../topology/runtime/errors.js';

describe('runtime error codes', () => {
  it('are listed in the runtime README, no more and no fewer', () => {
    const readme = readFileSync(new URL('../../../topology/runtime/README.md', import.meta.url), 'utf8');
    const documented = new Set(readme.match(/STRM_ERR_(?:RUNTIME|KAFKA)_[A-Z_]+/g));
    expect([...documented].sort()).toEqual([...RUNTIME_ERROR_CODES, ...KAFKA_FACADE_ERROR_CODES].sort());
  });
});
