/**
 * Issue #7 (c): a third instance joins two running ones and only the tasks it needs move. The assignor is
 * sticky: each old member keeps a subset of what it had, the newcomer gets exactly what the others gave up,
 * and no more tasks move than balance requires. Input keeps flowing across the join and the totals stay
 * exact. With warm-up replicas the newcomer may first get nothing and its tasks after a probing rebalance,
 * so the test waits for the balanced final state and records every intermediate assignment on the way.
 */
import { describe, expect, it } from 'vitest';
import type { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { createTopics, uniqueName, waitFor } from '../../support/index.js';
import { makeOrders } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { regionTotalsMembers } from './region-totals-members.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

const PARTITIONS = 6;
// Two sub-topologies (re-key, totals), each with one task per partition of the 6-partition input.
const TASKS = 2 * PARTITIONS;

/** The fewest tasks that must move from `before` (old members) to one new member for counts within one. */
function minimumMoves(before: ReadonlyArray<number>, members: number): number {
  const ceiling = Math.ceil(TASKS / members);
  const shedByOld = before.reduce((sum, n) => sum + Math.max(0, n - ceiling), 0);
  return Math.max(Math.floor(TASKS / members), shedByOld);
}

describe('KafkaStreams: a third instance joins', () => {
  const instances = streamsClosedAfterEach();

  it('moves only the tasks the newcomer needs for balance, and the totals stay exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: PARTITIONS },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('third-instance');
    instances.removeAfterTest(`/tmp/${applicationId}`);
    const start = regionTotalsMembers(instances, { input: input!, output: output! }, applicationId);
    const settled = (members: ReadonlyArray<KafkaStreams>) => {
      if (!members.every((m) => m.state === 'RUNNING')) return false;
      const owned = members.flatMap((m) => m.localTaskIds());
      const counts = members.map((m) => m.localTaskIds().length);
      // Every task exactly once, and balanced (a warm-up phase may first leave the newcomer empty).
      return (
        owned.length === TASKS &&
        new Set(owned).size === TASKS &&
        Math.max(...counts) - Math.min(...counts) <= 1
      );
    };

    const orders = makeOrders(0, 6000, 13);
    await produceOrders(input!, orders.slice(0, 1500));
    // One after the other, so that the assignment before the newcomer is known (members started together:
    // runtime-start-together.test.ts).
    const a = start('a');
    await a.start();
    await waitFor(() => settled([a]), { timeoutMs: 60_000, description: 'a running every task' });
    const b = start('b');
    await b.start();
    await waitFor(() => settled([a, b]), { timeoutMs: 60_000, description: 'a and b splitting the tasks' });
    const before = new Map([
      ['a', a.localTaskIds()],
      ['b', b.localTaskIds()],
    ]);
    const metadataBefore = a.allMetadata();

    // Input keeps flowing while the third member joins: produced in slices around its start.
    const flowing = (async () => {
      for (let first = 1500; first < 4500; first += 500) {
        await produceOrders(input!, orders.slice(first, first + 500));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    })();
    const c = start('c');
    const seen: string[] = [];
    for (const [name, member] of [
      ['a', a],
      ['b', b],
      ['c', c],
    ] as const) {
      member.events.on('rebalanceCompleted', ({ tasks }) => seen.push(`${name}: [${tasks.join(' ')}]`));
    }
    await c.start();
    await waitFor(() => settled([a, b, c]) && c.localTaskIds().length > 0, {
      timeoutMs: 90_000,
      description: 'a, b and c RUNNING on a balanced assignment covering every task once',
    });
    // Stable: the same assignment a little later (no rebalance still under way).
    const snapshot = () => [a, b, c].map((m) => m.localTaskIds().join(' ')).join(' | ');
    await waitFor(
      async () => {
        const first = snapshot();
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        return settled([a, b, c]) && snapshot() === first;
      },
      { timeoutMs: 90_000, description: 'the assignment stable for 2 s' },
    );
    await flowing;
    const after = new Map([
      ['a', a.localTaskIds()],
      ['b', b.localTaskIds()],
      ['c', c.localTaskIds()],
    ]);

    const lost = [...before].flatMap(([name, tasks]) => tasks.filter((t) => !after.get(name)!.includes(t)));
    console.log(
      [
        `third instance joins: ${TASKS} tasks, ${lost.length} moved`,
        ...['a', 'b', 'c'].map(
          (name) =>
            `  ${name}  before [${(before.get(name) ?? []).join(' ')}]  after [${after.get(name)!.join(' ')}]`,
        ),
        `  metadata before ${JSON.stringify(metadataBefore)}`,
        `  metadata after  ${JSON.stringify(a.allMetadata())}`,
        '  assignments seen after c started:',
        ...seen.map((line) => `    ${line}`),
      ].join('\n'),
    );

    // Old members only give tasks up; the newcomer gets exactly those; no more move than balance needs.
    for (const name of ['a', 'b']) {
      for (const task of after.get(name)!) expect(before.get(name), `${name} kept ${task}`).toContain(task);
    }
    expect([...after.get('c')!].sort()).toEqual([...lost].sort());
    expect(lost).toHaveLength(
      minimumMoves(
        [...before.values()].map((t) => t.length),
        3,
      ),
    );
    // Every instance reports the same final map, with each member's own tasks.
    for (const member of [a, b, c]) {
      expect(member.allMetadata().sort((x, y) => x.server.localeCompare(y.server))).toEqual(
        ['a', 'b', 'c'].map((name) => ({
          server: `${name}.local:8080`,
          taskIds: after.get(name),
          standbyTaskIds: [],
        })),
      );
    }

    // Input after the join runs on all three; every order counted exactly once.
    await produceOrders(input!, orders.slice(4500));
    const totals = await waitForTotals(output!, orders.length);
    expectExactTotals(totals, orders);
  }, 240_000);
});
