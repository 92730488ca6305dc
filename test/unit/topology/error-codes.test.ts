import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The error codes of the topology library are documented in the guide; this keeps the list true.
describe('documented error codes', () => {
  it('lists every STRM_ERR_TOPOLOGY_ code of topology/errors.ts in docs/topology-guide.md', () => {
    const source = readFileSync(new URL('../../../topology/errors.ts', import.meta.url), 'utf8');
    const guide = readFileSync(new URL('../../../docs/topology-guide.md', import.meta.url), 'utf8');
    const codes = [...new Set(source.match(/STRM_ERR_TOPOLOGY_[A-Z_]+/g))];
    expect(codes.length).toBeGreaterThan(10);
    const missing = codes.filter((code) => !guide.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });
});
