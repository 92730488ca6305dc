// Which transactional producers exactly-once runs, per client: one per stream thread with
// @platformatic/kafka (KIP-447, Kafka Streams' exactly_once_v2: `<applicationId>-<processId>-<thread>`), one
// per task with kafkajs (`<applicationId>-<taskId>`). The broker's own list of transactional ids
// (ListTransactions) says which; the totals stay exact either way.
import { Connection, listTransactionsV1 } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import type { KafkaClientKind } from '../../../topology/internal/kafka/default-client.js';
import { createTopics, endpoints, readAll, uniqueName, waitFor } from '../../support/index.js';
import { makeOrders, regionTotalsTopology } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { streamsClosedAfterEach } from './streams-instances.js';

/** The transactional ids the broker knows that start with `prefix`. */
async function transactionalIds(prefix: string): Promise<string[]> {
  const [host, port] = endpoints().kafkaBrokers[0]!.split(':');
  const connection = new Connection('eos-producers-test');
  await connection.connect(host!, Number(port));
  try {
    const response = await listTransactionsV1.api.async(connection, [], [], -1n, null);
    return response.transactionStates
      .map((state) => state.transactionalId)
      .filter((id) => id.startsWith(prefix))
      .sort();
  } finally {
    await connection.close();
  }
}

describe.each<KafkaClientKind>(['platformatic', 'kafkajs'])('exactly-once producers (%s)', (client) => {
  const instances = streamsClosedAfterEach();

  it('runs one transactional producer per thread with KIP-447, else one per task; the totals are exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('eos-producers-in'), partitions: 4 },
      { topic: uniqueName('eos-producers-out'), partitions: 2 },
    ]);
    const applicationId = uniqueName('eos-producers');
    const streams = instances.create(regionTotalsTopology(input!, output!), {
      applicationId,
      processingGuarantee: 'exactly_once',
      client,
    });
    await streams.start();
    const orders = makeOrders(0, 500);
    await produceOrders(input!, orders);
    await waitFor(
      async () => (await readAll(output!, { isolation: 'read_committed' })).length >= orders.length,
      { timeoutMs: 60_000, description: 'every order counted' },
    );
    expectExactTotals(await readAll(output!, { isolation: 'read_committed' }), orders);
    const ids = await transactionalIds(`${applicationId}-`);
    if (client === 'platformatic') {
      expect(ids).toHaveLength(1);
      expect(ids[0]).toMatch(new RegExp(`^${applicationId}-[0-9a-f-]{36}-1$`));
    } else {
      // Two sub-topologies (orders, then the repartitioned totals) of 4 partitions each.
      expect(ids).toEqual(
        ['0_0', '0_1', '0_2', '0_3', '1_0', '1_1', '1_2', '1_3'].map((id) => `${applicationId}-${id}`),
      );
    }
  }, 120_000);
});
