import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ReadOnlyKeyValueStore } from '../../../state/store.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import type { StreamsState } from '../../../topology/runtime/streams-state.js';
import { createTopics, endpoints, readAll, uniqueName } from '../../support/index.js';
import {
  makeOrders,
  REPARTITION_TOPIC,
  type RegionTotal,
  regionTotalsTopology,
  STORE,
} from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

describe('KafkaStreams on the real broker: repartition and aggregation', () => {
  const instances = streamsClosedAfterEach();

  it('re-keys through a repartition topic, aggregates per key and emits exactly one total per input', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 3 },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('region-totals');
    const orders = makeOrders(0, 1500);
    await produceOrders(input!, orders);

    const streams = instances.create(regionTotalsTopology(input!, output!), {
      applicationId,
      commitIntervalMs: 200,
    });
    const states: StreamsState[] = [];
    streams.setStateListener((next) => states.push(next));
    await streams.start();

    const totals = await waitForTotals(output!, orders.length);
    expectExactTotals(totals, orders);
    // Two sub-topologies over 3 partitions: 3 tasks each, all on this single instance.
    expect(streams.localTaskIds().sort()).toEqual(['0_0', '0_1', '0_2', '1_0', '1_1', '1_2']);
    // The internal topics exist with the application id prefix, and the changelog holds the totals.
    const changelog = await readAll(`${applicationId}-${STORE}-changelog`);
    expect(new Set(changelog.map((r) => r.key!.toString()))).toEqual(
      new Set(orders.map((o) => o.order.region)),
    );
    expect((await readAll(`${applicationId}-${REPARTITION_TOPIC}`)).length).toBe(orders.length);

    // Interactive query of the local stores: each region's total lives in exactly one task's store.
    const stores = streams.localStores<ReadOnlyKeyValueStore<string, RegionTotal>>(STORE);
    expect(stores.map((s) => s.taskId).sort()).toEqual(['1_0', '1_1', '1_2']);
    for (const region of new Set(orders.map((o) => o.order.region))) {
      const found = stores.map(({ store }) => store.get(region)).filter((total) => total !== undefined);
      expect(found).toHaveLength(1);
      expect(found[0]!.count).toBe(orders.filter((o) => o.order.region === region).length);
    }

    await streams.close();
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
  });

  it('refuses to start on a missing input topic with a coded error, and close() right after start() is clean', async () => {
    const [output] = await createTopics([uniqueName('totals')]);
    const missing = new KafkaStreams(regionTotalsTopology(uniqueName('absent'), output!), {
      applicationId: uniqueName('missing-input'),
      bootstrapServers: endpoints().kafkaBrokers,
      logger: pino({ level: 'silent' }),
    });
    await expect(missing.start()).rejects.toMatchObject({ code: 'STRM_ERR_RUNTIME_SOURCE_TOPIC_MISSING' });
    expect(missing.state).toBe('ERROR');
    await missing.close();
    expect(missing.state).toBe('NOT_RUNNING');

    const [input] = await createTopics([uniqueName('orders')]);
    const quick = new KafkaStreams(regionTotalsTopology(input!, output!), {
      applicationId: uniqueName('quick-close'),
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: '/tmp/tstreams-quick-close',
      logger: pino({ level: 'silent' }),
    });
    const starting = quick.start();
    await quick.close();
    await starting;
    expect(quick.state).toBe('NOT_RUNNING');
    expect(quick.localTaskIds()).toEqual([]);
  });
});
