import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createTopics, readAll, uniqueName, waitFor } from '../../support/index.js';
import { type ChildApp, spawnTestApp } from './child-app.js';
import { makeOrders } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';

describe('KafkaStreams exactly-once: a frozen instance comes back as a zombie', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) {
      child.kill('SIGCONT');
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('is fenced when it wakes up (its open transactions never become visible) and the totals stay exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('zombie-orders'), partitions: 4 },
      { topic: uniqueName('zombie-totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('eos-zombie');
    const start = async (name: string): Promise<ChildApp> => {
      const app = spawnTestApp('exactly-once-app.ts', {
        input: input!,
        output: output!,
        applicationId,
        stateDir: `/tmp/${applicationId}/${name}`,
        // Its log too: the test looks there for how the zombie's tasks were closed.
        captureStderr: true,
      });
      children.push(app.child);
      await waitFor(() => app.output().includes('RUNNING'), {
        timeoutMs: 60_000,
        description: `${name} running`,
      });
      return app;
    };

    const orders = makeOrders(0, 3_000);
    const zombie = await start('zombie');
    await produceOrders(input!, orders.slice(0, 1_000));
    await waitFor(async () => (await readAll(output!, { isolation: 'read_committed' })).length >= 200, {
      description: 'the first instance committing totals',
    });
    // Frozen mid-work (a long GC pause, a stopped VM): it still believes it owns every task.
    zombie.child.kill('SIGSTOP');
    await produceOrders(input!, orders.slice(1_000, 2_000));
    // The successor gets every task once the frozen member's session (6 s) has expired, and fences it.
    const successor = await start('successor');
    await waitFor(async () => (await readAll(output!, { isolation: 'read_committed' })).length >= 2_000, {
      timeoutMs: 90_000,
      description: 'the successor processing what the frozen instance left',
    });
    zombie.child.kill('SIGCONT');
    await produceOrders(input!, orders.slice(2_000));
    await waitFor(
      async () => (await readAll(output!, { isolation: 'read_committed' })).length >= orders.length,
      { timeoutMs: 90_000, description: 'every order counted' },
    );
    await sleep(2_000);
    expectExactTotals(await readAll(output!, { isolation: 'read_committed' }), orders);
    // Both are still alive: a fenced task is a rebalance, not a failure.
    expect(zombie.child.exitCode).toBeNull();
    expect(successor.child.exitCode).toBeNull();
    // Fenced at its next transactional call, or out of the group at its next heartbeat: either way its
    // tasks were closed without committing (both log lines say "migrated").
    expect(zombie.output()).toMatch(/migrated/);
  }, 240_000);
});
