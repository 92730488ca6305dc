import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createTopics, readAll, uniqueName, waitFor } from '../../support/index.js';
import { spawnTestApp } from './child-app.js';
import { makeOrders } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';

const KILLS = 4;
const ORDERS = 6_000;
const CHUNK = 200;

describe('KafkaStreams exactly-once: the only instance is killed (SIGKILL) again and again', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('ends with the exact totals, and the output read read_committed has no duplicate and no gap', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('eos-orders'), partitions: 4 },
      { topic: uniqueName('eos-totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('eos-kill');
    const start = async (): Promise<ChildProcess> => {
      const spawned = spawnTestApp('exactly-once-app.ts', {
        input: input!,
        output: output!,
        applicationId,
        // The same directory every time: a restart finds the killed process' store files (no checkpoint).
        stateDir: `/tmp/${applicationId}`,
      });
      await waitFor(() => spawned.output().includes('RUNNING'), {
        timeoutMs: 60_000,
        description: 'the child running',
      });
      return spawned.child;
    };

    const orders = makeOrders(0, ORDERS);
    // Input flows the whole time, while the child runs, dies and restarts.
    let produced = 0;
    const producing = (async () => {
      for (let from = 0; from < orders.length; from += CHUNK) {
        await produceOrders(input!, orders.slice(from, from + CHUNK));
        produced = from + CHUNK;
        await sleep(700);
      }
    })();

    const delays: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      child = await start();
      // Somewhere in a commit interval, a send, a restore: a random point after it runs.
      const delay = 300 + Math.floor(Math.random() * 2_500);
      delays.push(delay);
      await sleep(delay);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    child = await start();
    await producing;
    expect(produced).toBe(ORDERS);

    const totals = await waitFor(
      async () => {
        const committed = await readAll(output!, { isolation: 'read_committed' });
        return committed.length >= ORDERS ? committed : undefined;
      },
      {
        timeoutMs: 90_000,
        description: `all ${ORDERS} totals committed (kills after ${delays.join(', ')} ms)`,
      },
    );
    // Give a late duplicate (there must be none) a moment to show up before checking exactly.
    await sleep(1_000);
    expectExactTotals(await readAll(output!, { isolation: 'read_committed' }), orders);
    expect(totals.length).toBe(ORDERS);
  }, 240_000);
});
