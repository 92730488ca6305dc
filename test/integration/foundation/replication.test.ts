import { beforeAll, describe, expect, it } from 'vitest';
import { createTopics, inputProducer, kafka, readAll, uniqueName, waitFor } from '../../support/index.js';
import { privateClusterForSuite } from '../../support/private-cluster.js';

// Proves the three-broker mode is a real replicated cluster: a crashed partition leader loses no
// acknowledged record, the topic stays writable, and the broker rejoins. It runs on a private cluster so
// that crashing a broker does not disturb the other tests on the shared stack.
describe('Three-broker Kafka cluster', () => {
  const privateCluster = privateClusterForSuite({ brokers: 3, name: 'foundation-replication' });
  beforeAll(() => {
    console.log(`Private 3-broker cluster at ${privateCluster().brokers.join(',')}`);
  });

  it('keeps acknowledged records and stays writable when the partition leader crashes, then takes it back', async () => {
    const cluster = privateCluster();
    const brokers = cluster.brokers;
    const [topic] = await createTopics(
      [
        {
          topic: uniqueName('foundation-replicated'),
          replicationFactor: 3,
          config: { 'min.insync.replicas': '2' },
        },
      ],
      { brokers },
    );
    const admin = kafka({ brokers }).admin();
    const producer = inputProducer({ brokers });
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      const leaderOf = async () => {
        const replicas = await admin.partitionReplicas([topic!]);
        return replicas[0]!;
      };
      const before = await leaderOf();
      expect(before.replicas).toHaveLength(3);
      await producer.send({
        topic: topic!,
        acks: -1,
        messages: [1, 2, 3].map((n) => ({ value: `before-${n}` })),
      });

      await cluster.stopNode(before.leader, 'SIGKILL');
      const after = await waitFor(
        async () => {
          const partition = await leaderOf();
          return partition.leader !== before.leader && partition.leader >= 0 ? partition : undefined;
        },
        { timeoutMs: 60_000, description: 'a new partition leader' },
      );
      // Two replicas are still in sync, so acks=all writes succeed with min.insync.replicas=2.
      await producer.send({
        topic: topic!,
        acks: -1,
        messages: [1, 2, 3].map((n) => ({ value: `after-${n}` })),
      });
      const values = (await readAll(topic!, { brokers })).map((record) => record.value!.toString());
      expect(values).toEqual(['before-1', 'before-2', 'before-3', 'after-1', 'after-2', 'after-3']);
      expect(after.leader).not.toBe(before.leader);

      await cluster.startNode(before.leader);
      // One metadata answer for both the wait and the check: two calls may reach two brokers, and a
      // broker that has not heard of the new ISR yet answered [1, 2] right after another said [1, 2, 3].
      const rejoined = await waitFor(
        async () => {
          const partition = await leaderOf();
          return partition.isr.length === 3 ? partition : undefined;
        },
        { timeoutMs: 90_000, description: 'the restarted broker back in sync' },
      );
      expect(rejoined.isr).toContain(before.leader);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
    // Leader election after a crash waits for the broker session timeout; on a busy 2-core machine the
    // restart and catch-up take minutes at worst.
  }, 300_000);
});
