import { describe, it } from 'vitest';
import { createTopics, uniqueName } from '../../support/index.js';
import { makeOrders, regionTotalsTopology } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

describe('KafkaStreams: members join and leave while input flows', () => {
  const instances = streamsClosedAfterEach();

  it('commits before every rebalance, so four membership changes leave the totals exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 6 },
      { topic: uniqueName('totals'), partitions: 3 },
    ]);
    const applicationId = uniqueName('churn');
    const start = async (instance: string) => {
      const streams = instances.create(regionTotalsTopology(input!, output!), {
        applicationId,
        stateDir: `/tmp/${applicationId}/${instance}`,
        commitIntervalMs: 300,
        // Two producer lanes: outputs of different partitions in flight at once, each partition in order.
        producer: { lanes: 2 },
      });
      await streams.start();
      return streams;
    };
    const orders = makeOrders(0, 4000);
    const started = Date.now();
    const at = (ms: number) =>
      new Promise((resolve) => setTimeout(resolve, Math.max(0, started + ms - Date.now())));

    await start('a');
    // Input keeps arriving (about 1,500 orders per second) while the group changes under it.
    const producing = (async () => {
      for (let i = 0; i < orders.length; i += 60) {
        await produceOrders(input!, orders.slice(i, i + 60));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    await at(1_000);
    const b = await start('b');
    await at(2_000);
    const c = await start('c');
    await at(3_000);
    await b.close();
    await at(4_000);
    await start('d');
    await at(5_000);
    await c.close();
    await producing;

    const totals = await waitForTotals(output!, orders.length);
    expectExactTotals(totals, orders);
  });
});
