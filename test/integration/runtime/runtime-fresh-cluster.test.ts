import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { uniqueName } from '../../support/index.js';
import { privateClusterForSuite } from '../../support/private-cluster.js';
import { ensureTopicsOn } from './facade-topics.js';
import { connectOrdersProducer } from './orders-producer.js';
import { makeOrders, regionTotalsTopology } from './region-totals.js';
import { expectExactTotals } from './region-totals-checks.js';
import { waitForTotals } from './wait-for-totals.js';

// A brand-new cluster is where retriable broker errors bunch up: the first group join finds the group
// coordinator still loading __consumer_offsets, and every start creates fresh changelog and repartition
// topics whose partitions may not be served yet. The runtime must ride these out itself (the facade
// retries them), so each round starts one KafkaStreams, once, and must process everything.
describe('KafkaStreams on a brand-new cluster', () => {
  const cluster = privateClusterForSuite({ brokers: 1, name: 'runtime-fresh-cluster' });

  it('starts and processes on the first try, round after round of fresh internal topics', async () => {
    const brokers = cluster().brokers;
    for (let round = 0; round < Number(process.env.FRESH_ROUNDS ?? 4); round++) {
      const [input, output] = await ensureTopicsOn(brokers, [
        { name: uniqueName('fresh-orders'), partitions: 3 },
        { name: uniqueName('fresh-totals'), partitions: 2 },
      ]);
      const orders = makeOrders(round * 1000, 300);
      // Idempotent: a plain producer's retry on the fresh broker can write a partition's records twice.
      const producer = await connectOrdersProducer(brokers, 'fresh-orders');
      await producer.send(input!, orders);
      await producer.disconnect();

      const applicationId = uniqueName('fresh-cluster');
      const streams = new KafkaStreams(regionTotalsTopology(input!, output!), {
        applicationId,
        bootstrapServers: brokers,
        stateDir: `/tmp/${applicationId}`,
        commitIntervalMs: 200,
        logger: pino({ level: process.env.RT_LOG ?? 'silent' }),
      });
      const errors: unknown[] = [];
      streams.events.on('error', (event) => errors.push(event));
      try {
        await streams.start();
        const totals = await waitForTotals(output!, orders.length, {
          brokers,
          timeoutMs: 90_000,
          description: `round ${round}: ${orders.length} totals`,
        });
        expect(errors, `round ${round}`).toEqual([]);
        expectExactTotals(totals, orders);
        expect(streams.state, `round ${round}`).toBe('RUNNING');
      } finally {
        await streams.close();
      }
    }
  });
});
