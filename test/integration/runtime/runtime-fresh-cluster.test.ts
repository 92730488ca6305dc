import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import {
  type KafkaClusterHandle,
  kafka,
  readAll,
  startKafkaCluster,
  uniqueName,
  waitFor,
} from '../../support/index.js';
import { ensureTopicsOn } from './facade-topics.js';
import { makeOrders, regionTotalsTopology } from './region-totals.js';
import { expectExactTotals } from './region-totals-checks.js';

// A brand-new cluster is where retriable broker errors bunch up: the first group join finds the group
// coordinator still loading __consumer_offsets, and every start creates fresh changelog and repartition
// topics whose partitions may not be served yet. The runtime must ride these out itself (the facade
// retries them), so each round starts one KafkaStreams, once, and must process everything.
describe('KafkaStreams on a brand-new cluster', () => {
  let cluster: KafkaClusterHandle;

  beforeAll(async () => {
    cluster = await startKafkaCluster({ brokers: 1, name: 'runtime-fresh-cluster' });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('starts and processes on the first try, round after round of fresh internal topics', async () => {
    const brokers = cluster.brokers;
    for (let round = 0; round < Number(process.env.FRESH_ROUNDS ?? 4); round++) {
      const [input, output] = await ensureTopicsOn(brokers, [
        { name: uniqueName('fresh-orders'), partitions: 3 },
        { name: uniqueName('fresh-totals'), partitions: 2 },
      ]);
      const orders = makeOrders(round * 1000, 300);
      // Idempotent: a plain producer's retry on the fresh broker can write a partition's records twice.
      const producer = kafka({ brokers, clientId: 'fresh-orders' }).producer({
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      await producer.send({
        topic: input!,
        acks: -1,
        messages: orders.map(({ id, order }) => ({ key: id, value: JSON.stringify(order) })),
      });
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
        const totals = await waitFor(
          async () => {
            const records = await readAll(output!, { brokers });
            return records.length >= orders.length ? records : undefined;
          },
          { timeoutMs: 90_000, description: `round ${round}: ${orders.length} totals` },
        );
        expect(errors, `round ${round}`).toEqual([]);
        expectExactTotals(totals, orders);
        expect(streams.state, `round ${round}`).toBe('RUNNING');
      } finally {
        await streams.close();
      }
    }
  });
});
