/**
 * Issue #7 (b): two instances, one killed (SIGKILL), with and without a standby replica. Both run the
 * region-totals topology as child processes with RocksDB stores under exactly-once. They split the tasks
 * before any input exists, so the survivor never held the killed instance's state itself; then thousands
 * of changelog records build up per stateful task. After the kill the survivor must run every task and
 * the totals must be exact; what it restores for the moved tasks shows what a standby buys: without one
 * the whole changelog, with one (numStandbyReplicas 1, its warm copy promoted) only a short tail.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createTopics, readAll, uniqueName, waitFor } from '../../support/index.js';
import { type ChildApp, spawnTestApp } from './child-app.js';
import { makeOrders, STORE } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';

const PARTITIONS = 4;
const TASKS = 2 * PARTITIONS;
// 60 regions over 4 totals tasks: 5,600 to 6,600 changelog records per stateful task (by murmur2 of the names).
const ORDERS = 24_000;
const REGIONS = 60;
const AFTER_KILL = 2_000;

/** A region-totals child process, named for the log, and what it printed. */
interface App extends ChildApp {
  readonly name: string;
}

const lastTasks = (app: App): string[] => {
  const line = app.lines.findLast((l) => l.startsWith('TASKS'));
  return line ? line.slice('TASKS '.length).split(',').filter(Boolean) : [];
};
const lastState = (app: App) => app.lines.findLast((l) => l.startsWith('STATE '))?.slice('STATE '.length);
const restoredSince = (app: App, from: number) =>
  app.lines
    .slice(from)
    .filter((l) => l.startsWith('RESTORED '))
    .map((l) => JSON.parse(l.slice('RESTORED '.length)) as { taskIds: string[]; records: number });

describe('KafkaStreams: one of two instances killed, with and without a standby replica', () => {
  const children: ChildProcess[] = [];
  const stateDirs: string[] = [];
  afterEach(async () => {
    await Promise.all(
      children.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
    // RocksDB directories of two instances per application: hundreds of MB each run.
    await Promise.all(stateDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  /** One application: split, build state, kill the instance with more stateful tasks, check the survivor. */
  async function killOne(standbys: number) {
    const [input, output] = await createTopics([
      { topic: uniqueName('sb-orders'), partitions: PARTITIONS },
      { topic: uniqueName('sb-totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName(`standby-${standbys}`);
    stateDirs.push(`/tmp/${applicationId}`);
    const spawnApp = (name: string): App => {
      const app = spawnTestApp('region-totals-app.ts', {
        input: input!,
        output: output!,
        applicationId,
        stateDir: `/tmp/${applicationId}/${name}`,
        env: { PERSISTENT: '1', GUARANTEE: 'exactly_once', STANDBYS: String(standbys) },
      });
      children.push(app.child);
      return { ...app, name };
    };
    const split = (apps: App[]) => {
      const owned = apps.flatMap(lastTasks);
      return (
        apps.every((app) => lastState(app) === 'RUNNING' && lastTasks(app).length > 0) &&
        owned.length === TASKS &&
        new Set(owned).size === TASKS
      );
    };

    // One after the other, and before any input, so that neither holds state of tasks it later gives up
    // (members started together: runtime-start-together.test.ts).
    const x = spawnApp('x');
    await waitFor(() => split([x]), { timeoutMs: 60_000, description: 'x running every task' });
    const y = spawnApp('y');
    await waitFor(() => split([x, y]), { timeoutMs: 90_000, description: 'x and y splitting the tasks' });

    const orders = makeOrders(0, ORDERS + AFTER_KILL, REGIONS);
    for (let first = 0; first < ORDERS; first += 4_000) {
      await produceOrders(input!, orders.slice(first, Math.min(first + 4_000, ORDERS)));
    }
    // Every order's total committed (the repartition topic's committed offsets never reach its end under
    // exactly-once: transaction markers take the last offsets, so the totals themselves are counted).
    const readTotals = (count: number, timeoutMs: number) =>
      waitFor(
        async () => {
          const records = await readAll(output!, { isolation: 'read_committed', timeoutMs: 60_000 });
          return records.length >= count ? records : undefined;
        },
        { timeoutMs, intervalMs: 3_000, description: `${count} totals on ${output}` },
      );
    const building = Date.now();
    await readTotals(ORDERS, 420_000);
    const buildMs = Date.now() - building;
    // Standby replicas follow the changelogs a moment behind the active tasks.
    await sleep(3_000);

    // The victim: whoever runs more of the stateful (totals) tasks, so that state has to move.
    const stateful = (app: App) => lastTasks(app).filter((task) => task.startsWith('1_'));
    const [victim, survivor] = stateful(x).length >= stateful(y).length ? [x, y] : [y, x];
    const moved = stateful(victim);
    expect(moved.length, 'the victim runs stateful tasks').toBeGreaterThan(0);
    const changelog = await readAll(`${applicationId}-${STORE}-changelog`, {
      isolation: 'read_committed',
      timeoutMs: 60_000,
    });
    const movedPartitions = moved.map((task) => Number(task.split('_')[1]));
    const changelogOfMoved = changelog.filter((r) => movedPartitions.includes(r.partition)).length;

    const mark = survivor.lines.length;
    const exited = once(victim.child, 'exit');
    victim.child.kill('SIGKILL');
    await exited;
    await produceOrders(input!, orders.slice(ORDERS));

    await waitFor(() => lastState(survivor) === 'RUNNING' && lastTasks(survivor).length === TASKS, {
      timeoutMs: 90_000,
      description: `the survivor ${survivor.name} running all ${TASKS} tasks`,
    });
    const totals = await readTotals(orders.length, 120_000);
    expectExactTotals(totals, orders);

    const restores = restoredSince(survivor, mark);
    const restored = restores.reduce((sum, r) => sum + r.records, 0);
    return { standbys, moved, changelogOfMoved, restored, restores, buildMs };
  }

  it('the survivor runs every task with exact totals, and a standby cuts its restore to a short tail', async () => {
    const without = await killOne(0);
    const withStandby = await killOne(1);
    console.log(
      [
        'standby failover: records the survivor restored for the moved tasks after the kill',
        ...[without, withStandby].map(
          (r) =>
            `  numStandbyReplicas ${r.standbys}: moved [${r.moved.join(' ')}], changelog ${r.changelogOfMoved} records, ` +
            `restored ${r.restored} (${((100 * r.restored) / r.changelogOfMoved).toFixed(1)} %) ${JSON.stringify(r.restores)}; ` +
            `${ORDERS} orders took ${r.buildMs} ms`,
        ),
      ].join('\n'),
    );
    // Without a standby the moved stores come back from the whole changelog (thousands of records each).
    expect(without.changelogOfMoved).toBeGreaterThan(5_000 * without.moved.length);
    expect(without.restored).toBe(without.changelogOfMoved);
    // With one, the survivor's warm copies are promoted: only a tail is left to read.
    expect(withStandby.changelogOfMoved).toBeGreaterThan(5_000 * withStandby.moved.length);
    expect(withStandby.restored).toBeLessThan(0.1 * withStandby.changelogOfMoved);
  }, 900_000);
});
