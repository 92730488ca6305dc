import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { createTopics, endpoints, readAll, uniqueName, waitFor } from '../../support/index.js';
import { spawnTestApp } from './child-app.js';
import { makeOrders, type RegionTotal, regionTotalsTopology } from './region-totals.js';
import { produceOrders } from './region-totals-checks.js';

describe('KafkaStreams: an instance is killed (SIGKILL)', () => {
  let child: ChildProcess | undefined;
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  it('loses nothing: the survivor takes its tasks, restores them and replays from the last commit', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 4 },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('kill');
    const brokers = endpoints().kafkaBrokers;
    const app = spawnTestApp('region-totals-app.ts', {
      input: input!,
      output: output!,
      applicationId,
      stateDir: `/tmp/${applicationId}/child`,
    });
    child = app.child;
    await waitFor(() => app.output().includes('RUNNING'), {
      timeoutMs: 60_000,
      description: 'the child running',
    });

    const survivor = new KafkaStreams(regionTotalsTopology(input!, output!), {
      applicationId,
      bootstrapServers: brokers,
      stateDir: `/tmp/${applicationId}/survivor`,
      commitIntervalMs: 300,
      consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
      logger: pino({ level: 'silent' }),
    });
    running.push(survivor);
    await survivor.start();
    await waitFor(() => survivor.state === 'RUNNING' && survivor.localTaskIds().length === 4, {
      timeoutMs: 60_000,
      description: 'the tasks split between the child and the survivor',
    });

    const orders = makeOrders(0, 3000);
    await produceOrders(input!, orders.slice(0, 1500));
    // Kill the child while it works: no commit, no leave-group; the broker notices after the session timeout.
    await waitFor(async () => (await readAll(output!)).length >= 500, { description: 'some totals written' });
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    await produceOrders(input!, orders.slice(1500));

    await waitFor(() => survivor.localTaskIds().length === 8, {
      timeoutMs: 60_000,
      description: 'the survivor owning every task',
    });
    // At-least-once: every order is counted, some of those the child processed after its last commit twice.
    const expected = new Map<string, number>();
    for (const { order } of orders) expected.set(order.region, (expected.get(order.region) ?? 0) + 1);
    const last = await waitFor(
      async () => {
        const latest = new Map<string, RegionTotal>();
        for (const record of await readAll(output!)) {
          const total = JSON.parse(record.value!.toString()) as RegionTotal;
          const region = record.key!.toString();
          if ((latest.get(region)?.count ?? -1) < total.count) latest.set(region, total);
        }
        return [...expected].every(([region, count]) => (latest.get(region)?.count ?? 0) >= count)
          ? latest
          : undefined;
      },
      { timeoutMs: 60_000, description: 'every order counted' },
    );
    expect([...last.keys()].sort()).toEqual([...expected.keys()].sort());

    // And the survivor committed the whole input.
    const admin = createKafkaClient({
      clientId: 'test-admin',
      brokers,
      logger: pino({ level: 'silent' }),
    }).admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const ends = await admin.watermarks(input!);
          const committed = await admin.committedOffsets(applicationId, [input!]);
          return ends.every((e) => committed.some((c) => c.partition === e.partition && c.offset === e.high));
        },
        { description: 'the input committed to its end' },
      );
    } finally {
      await admin.disconnect();
    }
  });
});
