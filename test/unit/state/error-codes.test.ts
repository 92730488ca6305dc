import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('state error codes', () => {
  it('lists every STRM_ERR_STORE_ code of state/errors.ts in state/README.md, and no other', () => {
    const source = readFileSync(new URL('../../../state/errors.ts', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../../state/README.md', import.meta.url), 'utf8');
    const declared = new Set(source.match(/STRM_ERR_STORE_[A-Z_]+/g));
    const documented = new Set(readme.match(/STRM_ERR_STORE_[A-Z_]+/g));
    expect(declared.size).toBeGreaterThan(5);
    expect([...documented].sort()).toEqual([...declared].sort());
  });
});
