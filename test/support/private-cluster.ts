import { afterAll, beforeAll } from 'vitest';
import {
  type KafkaClusterHandle,
  type PrivateClusterOptions,
  startKafkaCluster,
} from '../../stack/private-cluster.js';

/**
 * A private Kafka cluster for the tests of one `describe` block: started before them and closed after them
 * (also when one fails), so that a fault test may crash its brokers without disturbing the tests on the
 * shared stack. Call it in the block's body; it returns a getter because the cluster only exists once the
 * block's `beforeAll` has run.
 *
 * @example
 * const cluster = privateClusterForSuite({ brokers: 3, name: 'leader-failover' });
 * it('...', async () => { await cluster().stopNode(1); });
 */
export function privateClusterForSuite(
  options: PrivateClusterOptions & { readonly brokers: number; readonly name: string },
): () => KafkaClusterHandle {
  let cluster: KafkaClusterHandle | undefined;
  beforeAll(async () => {
    cluster = await startKafkaCluster(options);
  });
  afterAll(async () => {
    await cluster?.close();
  });
  return () => {
    if (!cluster)
      throw new Error(`The private cluster '${options.name}' is not started (or failed to start)`);
    return cluster;
  };
}
