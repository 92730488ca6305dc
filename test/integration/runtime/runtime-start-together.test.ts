/**
 * Members of one application started at the same instant (a deployment rolling out several pods at once)
 * all join, split the tasks and count exactly, with no thread failing on the way. Each first join meets a
 * group that rebalances again and again while the others arrive; kafkajs' own join retries alone gave up
 * on that once (see the consumer facade's first-join restarts).
 */
import { describe, expect, it } from 'vitest';
import { createTopics, uniqueName, waitFor } from '../../support/index.js';
import { makeOrders } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { regionTotalsMembers } from './region-totals-members.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

const PARTITIONS = 6;
const TASKS = 2 * PARTITIONS;

describe('KafkaStreams: members started together', () => {
  const instances = streamsClosedAfterEach();

  it('three members started at the same instant share the tasks and count exactly', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: PARTITIONS },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('start-together');
    instances.removeAfterTest(`/tmp/${applicationId}`);
    const start = regionTotalsMembers(instances, { input: input!, output: output! }, applicationId);
    const members = ['a', 'b', 'c'].map((name) => start(name));
    const trouble: string[] = [];
    for (const member of members) {
      member.events.on('error', (error) => trouble.push(`error: ${error.message}`));
      member.events.on('threadRecovered', ({ error }) => trouble.push(`recovered: ${error.message}`));
    }
    await Promise.all(members.map((member) => member.start()));
    await waitFor(
      () => {
        const owned = members.flatMap((member) => member.localTaskIds());
        return (
          members.every((member) => member.state === 'RUNNING' && member.localTaskIds().length > 0) &&
          owned.length === TASKS &&
          new Set(owned).size === TASKS
        );
      },
      { timeoutMs: 90_000, description: 'the three members running every task once between them' },
    );
    const orders = makeOrders(0, 600);
    await produceOrders(input!, orders);
    expectExactTotals(await waitForTotals(output!, orders.length), orders);
    expect(trouble).toEqual([]);
  }, 200_000);
});
