import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { KafkaStreams, StoreQuery, StoreQueryResult } from '../../../topology/runtime/kafka-streams.js';
import { registerStreamsMetrics } from '../../../topology/runtime/metrics.js';
import { createTopics, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { buildTopology as buildHotelNames } from './hotel-names-module.js';
import { makeOrders, type RegionTotal, regionTotalsTopology, STORE } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

const PARTITIONS = 6;
const ORDERS = makeOrders(0, 1_200, 24);

/**
 * `query()`, asked again while it refuses with a retriable error (the instance rebalancing for a moment),
 * as a client of the instance would; any other error fails at once.
 */
async function queryWhenReady<Q extends StoreQuery>(
  streams: KafkaStreams,
  partition: number,
  query: Q,
): Promise<StoreQueryResult<Q, string, RegionTotal>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await streams.query<Q, string, RegionTotal>(STORE, partition, query);
    } catch (error) {
      if ((error as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** The whole store, partition by partition, through `query()` (which crosses to the owning thread). */
async function storeContents(streams: KafkaStreams): Promise<Map<string, RegionTotal>> {
  const contents = new Map<string, RegionTotal>();
  for (let partition = 0; partition < PARTITIONS; partition++) {
    const entries = await queryWhenReady(streams, partition, { type: 'all' as const });
    for (const { key, value } of entries) contents.set(key, value);
  }
  return contents;
}

describe('KafkaStreams: numStreamThreads 2', () => {
  const instances = streamsClosedAfterEach();

  it('runs two group members on worker threads that split the tasks and end with the same stores as one thread', async () => {
    const [input, oneThreadOutput, twoThreadsOutput] = await createTopics([
      { topic: uniqueName('orders'), partitions: PARTITIONS },
      { topic: uniqueName('totals-1'), partitions: 2 },
      { topic: uniqueName('totals-2'), partitions: 2 },
    ]);
    await produceOrders(input!, ORDERS);

    // The reference: the same topology on the main thread, as before numStreamThreads existed.
    const one = instances.create(regionTotalsTopology(input!, oneThreadOutput!, { persistent: true }), {
      applicationId: uniqueName('threads-1'),
    });
    await one.start();
    expectExactTotals(await waitForTotals(oneThreadOutput!, ORDERS.length), ORDERS);
    await waitFor(() => one.state === 'RUNNING', { description: 'the one-thread instance RUNNING' });
    const expected = await storeContents(one);
    expect(one.metadataForLocalThreads()).toHaveLength(1);
    await one.close();

    const args = { input: input!, output: twoThreadsOutput! };
    const two = instances.create(regionTotalsTopology(args.input, args.output, { persistent: true }), {
      applicationId: uniqueName('threads-2'),
      applicationServer: 'threads.local:8080',
      numStreamThreads: 2,
      topologyModule: new URL('./region-totals-module.ts', import.meta.url),
      topologyModuleArgs: args,
    });
    const registry = new Registry();
    registerStreamsMetrics(two, { registry });
    const states: string[] = [];
    two.setStateListener((next) => states.push(next));
    await two.start();
    expectExactTotals(await waitForTotals(twoThreadsOutput!, ORDERS.length), ORDERS);
    await waitFor(
      () =>
        two.state === 'RUNNING' &&
        two.metadataForLocalThreads().every((thread) => thread.activeTasks.length > 0),
      { timeoutMs: 60_000, description: 'both threads RUNNING with tasks' },
    );

    // Both threads are members with tasks of their own; together they run every task once.
    const threads = two.metadataForLocalThreads();
    expect(threads.map((thread) => thread.threadName).sort()).toEqual(['StreamThread-1', 'StreamThread-2']);
    const tasks = threads.flatMap((thread) => thread.activeTasks);
    expect(new Set(tasks).size).toBe(tasks.length);
    expect(tasks).toHaveLength(2 * PARTITIONS);
    expect(two.localTaskIds().sort()).toEqual([...tasks].sort());
    // One process, one host: the instance's metadata lists its server once, with every task.
    expect(two.allMetadata()).toEqual([
      { server: 'threads.local:8080', taskIds: expect.arrayContaining(tasks), standbyTaskIds: [] },
    ]);

    // Interactive queries reach the store on whichever thread holds the key's partition.
    expect(await storeContents(two)).toEqual(expected);
    const ownerOf = (taskId: string) => threads.find((thread) => thread.activeTasks.includes(taskId))!;
    const owners = new Set<string>();
    for (const [region, total] of expected) {
      const where = two.metadataForKey(STORE, Buffer.from(region))!;
      owners.add(ownerOf(where.taskId).threadName);
      expect(await queryWhenReady(two, where.partition, { type: 'get' as const, key: region })).toEqual(
        total,
      );
    }
    expect(owners.size).toBe(2);
    expect(() => two.store(STORE, 0)).toThrowError(
      expect.objectContaining({ code: 'STRM_ERR_RUNTIME_STORE_IN_STREAM_THREAD' }),
    );

    // Metrics: one registry on the main thread, fed by both threads.
    const perThread = await registry.getSingleMetric('tstreams_stream_thread_active_tasks')!.get();
    expect(perThread.values.map((v) => [v.labels.thread, v.value > 0]).sort()).toEqual([
      ['StreamThread-1', true],
      ['StreamThread-2', true],
    ]);
    const processed = await registry.getSingleMetric('tstreams_records_processed_total')!.get();
    const processedTasks = new Set(processed.values.map((v) => v.labels.task_id));
    expect([...processedTasks].sort()).toEqual([...tasks].sort());
    const total = processed.values.reduce((sum, v) => sum + v.value, 0);
    expect(total).toBe(2 * ORDERS.length); // each order once through each sub-topology
    expect(two.recordCacheStatistics()).toBeDefined();
    // What the workers registered in their own registries, summed with the main one's: one build each.
    const aggregated = await two.aggregatedMetrics(registry);
    const builds = await aggregated.getSingleMetric('test_topologies_built_total')!.get();
    expect(builds.values.map((v) => v.value)).toEqual([2]);
    expect(aggregated.getSingleMetric('tstreams_stream_thread_active_tasks')).toBeDefined();

    await two.close();
    expect(two.state).toBe('NOT_RUNNING');
    expect(two.metadataForLocalThreads().every((thread) => thread.threadState === 'NOT_RUNNING')).toBe(true);
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
  });

  it('runs exactly-once on two threads: each task its own transactional producer, the totals exact', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders-eos'), partitions: PARTITIONS },
      { topic: uniqueName('totals-eos'), partitions: 2 },
    ]);
    const orders = ORDERS.slice(0, 600);
    await produceOrders(input!, orders);
    const args = { input: input!, output: output! };
    const streams = instances.create(regionTotalsTopology(args.input, args.output, { persistent: true }), {
      applicationId: uniqueName('threads-eos'),
      processingGuarantee: 'exactly_once',
      numStreamThreads: 2,
      topologyModule: new URL('./region-totals-module.ts', import.meta.url),
      topologyModuleArgs: args,
    });
    await streams.start();
    const totals = await waitFor(
      async () => {
        const records = await readAll(output!, { isolation: 'read_committed' });
        return records.length >= orders.length ? records : undefined;
      },
      { timeoutMs: 90_000, description: `${orders.length} committed totals` },
    );
    expectExactTotals(totals, orders);
    expect(streams.metadataForLocalThreads().every((thread) => thread.activeTasks.length > 0)).toBe(true);
    await streams.close();
    expect(streams.state).toBe('NOT_RUNNING');
  });

  it('reads a global table in every thread (each keeps its own copy) and answers queries on it', async () => {
    const [hotels, bookings, output] = await createTopics([
      { topic: uniqueName('hotels'), partitions: 1 },
      { topic: uniqueName('bookings'), partitions: 4 },
      { topic: uniqueName('joined'), partitions: 1 },
    ]);
    const producer = inputProducer({ clientId: 'test-threads-global' });
    await producer.connect();
    const send = (topic: string, messages: Array<{ key: string; value: string }>) =>
      producer.send({ topic, acks: -1, messages });
    await send(
      hotels!,
      Array.from({ length: 20 }, (_, i) => ({ key: `h${i}`, value: `Hotel ${i}` })),
    );
    const args = { hotels: hotels!, bookings: bookings!, output: output! };
    const streams = instances.create(buildHotelNames(args), {
      applicationId: uniqueName('threads-global'),
      numStreamThreads: 2,
      topologyModule: new URL('./hotel-names-module.ts', import.meta.url),
      topologyModuleArgs: args,
    });
    await streams.start();
    await waitFor(() => streams.state === 'RUNNING', { timeoutMs: 60_000, description: 'RUNNING' });
    await send(
      bookings!,
      Array.from({ length: 20 }, (_, i) => ({
        key: `b${i}`,
        value: JSON.stringify({ hotel: `h${i}`, guest: `g${i}` }),
      })),
    );
    await producer.disconnect();
    const joined = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= 20 ? records : undefined;
      },
      { timeoutMs: 60_000, description: '20 joined bookings' },
    );
    // Bookings of every partition, so on both threads, found their hotel in that thread's copy.
    const byKey = new Map(joined.map((r) => [r.key!.toString(), r.value!.toString()]));
    for (let i = 0; i < 20; i++) expect(byKey.get(`b${i}`)).toBe(`g${i}@Hotel ${i}`);
    expect(streams.metadataForLocalThreads().every((thread) => thread.activeTasks.length > 0)).toBe(true);
    expect(await streams.query('hotel-names', 0, { type: 'get', key: 'h3' })).toBe('Hotel 3');
  });
});
