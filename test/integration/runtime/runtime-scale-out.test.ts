import { describe, expect, it } from 'vitest';
import type { ReadOnlyKeyValueStore } from '../../../state/store.js';
import { createTopics, uniqueName, waitFor } from '../../support/index.js';
import { makeOrders, type RegionTotal, STORE } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { regionTotalsMembers } from './region-totals-members.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

describe('KafkaStreams: a second instance joins', () => {
  const instances = streamsClosedAfterEach();

  it('takes over part of the tasks, restores their stores, and the combined output stays exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 4 },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('scale-out');
    const start = regionTotalsMembers(instances, { input: input!, output: output! }, applicationId);
    const readTotals = (count: number) => waitForTotals(output!, count);

    const first = makeOrders(0, 800);
    await produceOrders(input!, first);
    const a = start('a');
    await a.start();
    await readTotals(first.length);
    expect(a.localTaskIds()).toHaveLength(8);

    const b = start('b');
    const restoredOnB: number[] = [];
    b.events.on('restoreCompleted', (event) => restoredOnB.push(event.records));
    await b.start();
    // Both members settle on a split of the 8 tasks (2 sub-topologies x 4 partitions).
    await waitFor(
      () =>
        a.state === 'RUNNING' &&
        b.state === 'RUNNING' &&
        a.localTaskIds().length + b.localTaskIds().length === 8 &&
        b.localTaskIds().length > 0,
      { timeoutMs: 60_000, description: 'the tasks split between the two instances' },
    );
    expect(a.localTaskIds().length).toBe(4);
    expect(new Set([...a.localTaskIds(), ...b.localTaskIds()]).size).toBe(8);
    // The aggregation tasks that moved to b brought their totals along through the changelog.
    if (b.localTaskIds().some((id) => id.startsWith('1_')))
      expect(restoredOnB.reduce((x, y) => x + y, 0)).toBeGreaterThan(0);

    // Input produced after the split runs partly on each instance, on stores that moved with their tasks.
    const second = makeOrders(first.length, 800);
    await produceOrders(input!, second);
    const totals = await readTotals(first.length + second.length);
    expectExactTotals(totals, [...first, ...second]);

    // Interactive-query routing: both instances agree where each region lives, and that instance has it.
    const byServer = new Map([
      ['a.local:8080', a],
      ['b.local:8080', b],
    ]);
    for (const instance of [a, b]) {
      expect(instance.allMetadata().sort((x, y) => x.server.localeCompare(y.server))).toEqual([
        { server: 'a.local:8080', taskIds: a.localTaskIds(), standbyTaskIds: [] },
        { server: 'b.local:8080', taskIds: b.localTaskIds(), standbyTaskIds: [] },
      ]);
    }
    for (const region of new Set([...first, ...second].map((o) => o.order.region))) {
      const where = a.metadataForKey(STORE, Buffer.from(region))!;
      expect(b.metadataForKey(STORE, Buffer.from(region))).toEqual(where);
      const owner = byServer.get(where.server!)!;
      const local = owner.localStores<ReadOnlyKeyValueStore<string, RegionTotal>>(STORE);
      expect(local.find((s) => s.taskId === where.taskId)?.store.get(region)).toBeDefined();
    }
  });
});
