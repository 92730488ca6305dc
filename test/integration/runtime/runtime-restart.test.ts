import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import { createTopics, endpoints, uniqueName } from '../../support/index.js';
import { makeOrders, regionTotalsTopology } from './region-totals.js';
import { expectExactTotals, produceOrders } from './region-totals-checks.js';
import { runtimeLogger, streamsClosedAfterEach } from './streams-instances.js';
import { waitForTotals } from './wait-for-totals.js';

describe('KafkaStreams: graceful shutdown and restart', () => {
  const instances = streamsClosedAfterEach();

  it('commits everything on close and a new instance goes on from the committed offsets and restored state', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 3 },
      { topic: uniqueName('totals'), partitions: 3 },
    ]);
    const applicationId = uniqueName('restart');
    const logger = runtimeLogger();
    const start = async (instance: string) => {
      const streams = instances.create(regionTotalsTopology(input!, output!), {
        applicationId,
        stateDir: `/tmp/${applicationId}/${instance}`,
        // Long enough that only the shutdown commit can have committed the last records.
        commitIntervalMs: 60_000,
        logger,
      });
      await streams.start();
      return streams;
    };
    const readTotals = (count: number) => waitForTotals(output!, count);

    const first = makeOrders(0, 900);
    await produceOrders(input!, first);
    const a = await start('a');
    await readTotals(first.length);
    await a.close();
    expect(a.state).toBe('NOT_RUNNING');

    // Nothing in flight was lost: the group's committed offsets are the ends of the input partitions.
    const admin = createKafkaClient({
      clientId: 'test-admin',
      brokers: endpoints().kafkaBrokers,
      logger,
    }).admin();
    await admin.connect();
    try {
      const ends = await admin.watermarks(input!);
      const committed = await admin.committedOffsets(applicationId, [input!]);
      expect(committed.map((c) => [c.partition, c.offset]).sort()).toEqual(
        ends.map((e) => [e.partition, e.high]).sort(),
      );
    } finally {
      await admin.disconnect();
    }

    // A fresh instance (new state directory) restores the totals and continues without reprocessing.
    const second = makeOrders(first.length, 600);
    await produceOrders(input!, second);
    await start('b');
    const totals = await readTotals(first.length + second.length);
    expectExactTotals(totals, [...first, ...second]);
  });

  it('a persistent store reopens from its checkpoint, restores only the changelog after it, and the totals go on exactly', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('orders'), partitions: 2 },
      { topic: uniqueName('totals'), partitions: 2 },
    ]);
    const applicationId = uniqueName('checkpoint');
    const stateDir = `/tmp/${applicationId}`;
    const restored: number[] = [];
    const start = async () => {
      const streams = instances.create(regionTotalsTopology(input!, output!, { persistent: true }), {
        applicationId,
        stateDir,
      });
      streams.events.on('restoreCompleted', (event) => restored.push(event.records));
      await streams.start();
      return streams;
    };
    const readTotals = (count: number) => waitForTotals(output!, count);

    const first = makeOrders(0, 500);
    await produceOrders(input!, first);
    const a = await start();
    await readTotals(first.length);
    await a.close();
    // A fresh store had an empty changelog to restore; at close the checkpoints vouch for the RocksDB files.
    expect(restored.reduce((x, y) => x + y, 0)).toBe(0);
    const checkpointFile = `${stateDir}/${applicationId}/1_0/.checkpoint`;
    const checkpoint = JSON.parse(await readFile(checkpointFile, 'utf8')) as {
      entries: Array<{ store: string; offset: number }>;
    };
    expect(checkpoint.entries).toHaveLength(1);
    // Every region update went to the changelog: the checkpoint is at its last record (7 regions, 2 partitions).
    expect(checkpoint.entries[0]!.offset).toBeGreaterThanOrEqual(5);
    // Pretend the last checkpoint was older: task 1_0 then restores exactly the 5 records after it.
    checkpoint.entries[0]!.offset -= 5;
    await writeFile(checkpointFile, JSON.stringify(checkpoint));

    const second = makeOrders(first.length, 300);
    await produceOrders(input!, second);
    restored.length = 0;
    await start();
    const totals = await readTotals(first.length + second.length);
    expectExactTotals(totals, [...first, ...second]);
    // Same state directory: the stores trusted their checkpoints and read back only the 5 records after them.
    expect(restored.reduce((x, y) => x + y, 0)).toBe(5);
  });
});
