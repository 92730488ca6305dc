import { describe, expect, it } from 'vitest';
import { uniqueName } from '../../support/names.js';
import { waitFor } from '../../support/wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value of the predicate', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        return calls >= 3 ? { calls } : undefined;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ calls: 3 });
  });

  it('names what it waited for and the last error when the time runs out', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'the output topic' },
      ),
    ).rejects.toThrow(/Timed out after 30 ms waiting for the output topic \(last error: Error: not yet\)/);
  });
});

describe('uniqueName', () => {
  it('keeps the prefix, uses only characters Kafka allows, and differs on every call', () => {
    const names = Array.from({ length: 50 }, () => uniqueName('orders in/€'));
    for (const name of names) expect(name).toMatch(/^orders-in---[a-z0-9]+-[0-9a-f]{6}$/);
    expect(new Set(names).size).toBe(names.length);
  });
});
