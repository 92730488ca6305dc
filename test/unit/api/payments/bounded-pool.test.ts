import { describe, expect, it } from 'vitest';
import { BoundedPool } from '../../../../api/payments/bounded-pool.js';

/** A task that finishes when the test says so, recording when it started. */
function gate(started: string[], name: string) {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    task: async () => {
      started.push(name);
      await opened;
      return name;
    },
    open: () => open(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BoundedPool', () => {
  it('runs at most `limit` tasks at once and starts the waiting ones in arrival order', async () => {
    const pool = new BoundedPool(2);
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const results = gates.map((g) => pool.run(g.task));
    await settle();
    expect(started).toEqual(['a', 'b']);
    expect(pool.active).toBe(2);

    gates[1]!.open();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    expect(pool.active).toBe(2);

    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(pool.active).toBe(0);
  });

  it('frees the slot of a task that rejects and passes the rejection on', async () => {
    const pool = new BoundedPool(1);
    await expect(pool.run(async () => Promise.reject(new Error('gateway down')))).rejects.toThrow(
      'gateway down',
    );
    expect(pool.active).toBe(0);
    expect(await pool.run(async () => 'next')).toBe('next');
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s slots with a config error', (limit) => {
    expect(() => new BoundedPool(limit)).toThrow(expect.objectContaining({ code: 'API_ERR_CONFIG' }));
  });
});
