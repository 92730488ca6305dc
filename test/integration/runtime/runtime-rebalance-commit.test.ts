/**
 * A rebalance while input flows commits every task before the member rejoins, however the member notices
 * it: in its batch handler's heartbeat, or in a heartbeat kafkajs sends on its own between batches (after
 * an empty fetch, for a partition without new records in a fetch), where the rejoin hook
 * (topology/internal/kafka/kafkajs/rejoin-hook.ts) commits before kafkajs rejoins (`RT_LOG=debug` shows
 * "committing before the rejoin" when it did). The commit interval here is a minute, so that nothing but
 * the rebalances commits, and the input never pauses long enough for the idle commit: every order must
 * still be counted exactly once.
 */
import { describe, it } from 'vitest';
import { createTopics, uniqueName, waitFor } from '../../support/index.js';
import { makeOrders, regionTotalsTopology } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

const ORDERS = 1_200;
const SLICE = 20;
const SLICE_PAUSE_MS = 40;

describe('KafkaStreams: rebalances while input flows', () => {
  const instances = streamsClosedAfterEach();

  it('commits before every rejoin, so members joining and leaving leave the totals exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 4 },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('rebalance-commit');
    instances.removeAfterTest(`/tmp/${applicationId}`);
    const start = (name: string) =>
      instances.create(regionTotalsTopology(input!, output!), {
        applicationId,
        stateDir: `/tmp/${applicationId}/${name}`,
        commitIntervalMs: 60_000,
      });
    const orders = makeOrders(0, ORDERS, 7);
    let produced = 0;
    const flowing = (async () => {
      for (; produced < orders.length; produced += SLICE) {
        await produceOrders(input!, orders.slice(produced, produced + SLICE));
        await new Promise((resolve) => setTimeout(resolve, SLICE_PAUSE_MS));
      }
    })();

    const a = start('a');
    await a.start();
    await waitFor(() => produced >= ORDERS / 4, { timeoutMs: 60_000, description: 'a quarter produced' });
    // A second member joins, then leaves again, while orders keep coming: two rebalances.
    const b = start('b');
    await b.start();
    await waitFor(() => a.state === 'RUNNING' && b.state === 'RUNNING' && b.localTaskIds().length > 0, {
      timeoutMs: 60_000,
      description: 'b running part of the tasks',
    });
    await waitFor(() => produced >= (ORDERS * 3) / 4, {
      timeoutMs: 60_000,
      description: 'three quarters produced',
    });
    await b.close();
    await flowing;
    const totals = await waitForTotals(output!, orders.length, { timeoutMs: 90_000 });
    // A little longer: a duplicate would come after the expected count was reached.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expectExactTotals(await waitForTotals(output!, totals.length), orders);
  }, 240_000);
});
