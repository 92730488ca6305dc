import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareTaskDirectory } from '../../../state/index.js';
import type { KeyValueStore } from '../../../state/store.js';
import { Stores } from '../../../state/stores.js';
import { createKafkaClient, defaultClientKind } from '../../../topology/internal/kafka/default-client.js';
import { StreamTask } from '../../../topology/internal/task/stream-task.js';
import { resolveChangelogTopic } from '../../../topology/internal/topology-plan.js';
import { resolveConfig } from '../../../topology/runtime/config.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import { StateUpdater } from '../../../topology/runtime/state-updater.js';
import { computeTaskLayout } from '../../../topology/runtime/task-layout.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import {
  createTopics,
  endpoints,
  inputProducer,
  kafka,
  outgoingRecords,
  uniqueName,
  waitFor,
} from '../../support/index.js';

const STORE = 'latest';

interface Value {
  readonly n: number;
}

/** input -> a processor keeping the latest value per key in a persistent, logged store. */
function latestTopology(input: string): Topology {
  return new Topology()
    .addSource('in', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<Value>() })
    .addProcessor<string, Value, string, Value>(
      'keep',
      () => {
        let store: KeyValueStore<string, Value>;
        return {
          init: (context) => {
            store = context.getStateStore<KeyValueStore<string, Value>>(STORE);
          },
          process: (record) => store.put(record.key, record.value),
        };
      },
      'in',
    )
    .addStateStore(
      Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE),
        Serdes.string(),
        Serdes.json<Value>(),
      ),
      'keep',
    );
}

/** Writes changelog records as the store's change-logging layer does: UTF-8 key, JSON value, to one partition. */
async function appendChangelog(
  topic: string,
  partition: number,
  entries: ReadonlyArray<[string, Value]>,
  options: { transaction?: 'commit' | 'abort' } = {},
): Promise<void> {
  const messages = entries.map(([key, value]) => ({
    key: Buffer.from(key),
    value: Buffer.from(JSON.stringify(value)),
    partition,
  }));
  if (options.transaction === undefined) {
    const producer = inputProducer({ clientId: 'standby-test-writer' });
    await producer.connect();
    try {
      await producer.send({ topic, messages });
    } finally {
      await producer.disconnect();
    }
    return;
  }
  const producer = kafka({ clientId: 'standby-test-tx' }).transactionalProducer({
    transactionalId: uniqueName('standby-tx'),
  });
  await producer.connect();
  try {
    await producer.send(outgoingRecords(topic, messages));
    if (options.transaction === 'commit') await producer.commit([], 'unused-no-offsets');
    else await producer.abort();
  } finally {
    await producer.disconnect();
  }
}

async function listGroups(): Promise<string[]> {
  const admin = kafka({ clientId: 'standby-test-admin' }).admin();
  await admin.connect();
  try {
    return await admin.listGroupIds();
  } finally {
    await admin.disconnect();
  }
}

describe('StateUpdater: standby replicas that follow changelogs', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('follows a RocksDB store changelog, skips aborted records, checkpoints, hands the directory over warm and deletes its groups', async () => {
    const applicationId = uniqueName('standby');
    const changelog = resolveChangelogTopic(applicationId, STORE);
    const [input] = await createTopics([
      { topic: uniqueName('standby-in'), partitions: 2 },
      { topic: changelog, partitions: 2, config: { 'cleanup.policy': 'compact' } },
    ]);
    const stateDir = `/tmp/${applicationId}`;
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    const logger = pino({ level: process.env.RT_LOG ?? 'warn' });
    const config = resolveConfig({
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir,
      logger,
    });
    const plan = latestTopology(input!).plan();
    const layout = computeTaskLayout(plan, applicationId, new Map([[input!, 2]]));
    expect(layout.tasks.map((task) => task.id)).toEqual(['0_0', '0_1']);
    const client = createKafkaClient({ clientId: applicationId, brokers: endpoints().kafkaBrokers, logger });

    // Partition 1 holds 40 writes over 8 keys before the standby starts; partition 0 stays empty.
    const first = Array.from({ length: 40 }, (_, i): [string, Value] => [`k${i % 8}`, { n: i }]);
    await appendChangelog(changelog, 1, first);

    const updater = new StateUpdater({
      config,
      plan,
      layout,
      kafka: client,
      logger,
      events: createStreamsEventEmitter(),
      checkpointIntervalMs: 300,
      lagCheckIntervalMs: 200,
    });
    cleanups.push(() => updater.close());
    const standbys = updater.standbys;
    await standbys.update(layout.tasks);
    expect(standbys.taskIds().sort()).toEqual(['0_0', '0_1']);

    const caughtUp = (expected: number) =>
      waitFor(
        () => {
          const lags = standbys.lags();
          return lags.get('0_0') === 0 && lags.get('0_1') === 0 && standbys.appliedRecords('0_1') === expected
            ? true
            : undefined;
        },
        { timeoutMs: 20_000, description: `standbys caught up with ${expected} records applied` },
      );
    await caughtUp(40);
    const store = () => standbys.store('0_1', STORE) as KeyValueStore<string, Value>;
    for (let k = 0; k < 8; k++) expect(store().get(`k${k}`)).toEqual({ n: 32 + k });
    expect(standbys.appliedRecords('0_0')).toBe(0);
    expect(standbys.offsetSums()).toEqual(
      new Map([
        ['0_0', 0],
        ['0_1', 40],
      ]),
    );

    // More writes are applied as they come; an aborted transaction's records never reach the store.
    await appendChangelog(
      changelog,
      1,
      [
        ['k0', { n: 100 }],
        ['aborted', { n: -1 }],
      ],
      { transaction: 'abort' },
    );
    await appendChangelog(changelog, 1, [
      ['k1', { n: 101 }],
      ['k9', { n: 109 }],
    ]);
    await appendChangelog(changelog, 1, [['k2', { n: 102 }]], { transaction: 'commit' });
    await caughtUp(43);
    expect(store().get('k0')).toEqual({ n: 32 });
    expect(store().get('aborted')).toBeUndefined();
    expect(store().get('k1')).toEqual({ n: 101 });
    expect(store().get('k2')).toEqual({ n: 102 });
    expect(store().get('k9')).toEqual({ n: 109 });
    // 40 + 2 aborted + abort marker + 2 + 1 committed + commit marker: the follower is past the markers.
    const end = 47;
    expect(standbys.offsetSums().get('0_1')).toBe(end);

    // The periodic checkpoint vouches for everything applied, so a crash here would keep the warmth.
    const taskDirectory = join(stateDir, applicationId, '0_1');
    const checkpointOffset = () =>
      readFile(join(taskDirectory, '.checkpoint'), 'utf8').then(
        (text) => (JSON.parse(text) as { entries: Array<{ store: string; offset: number }> }).entries,
        () => [],
      );
    await waitFor(async () => ((await checkpointOffset())[0]?.offset === end - 1 ? true : undefined), {
      timeoutMs: 5_000,
      description: 'periodic standby checkpoint',
    });

    // The same standbys again (a rebalance that changed nothing here): the follower keeps its group.
    await standbys.update(layout.tasks);

    // Release: the task's directory is closed and checkpointed; an active opens it and trusts the checkpoint.
    const groupsBefore = (await listGroups()).filter((group) =>
      group.startsWith(`${applicationId}-state-updater-`),
    );
    // kafkajs has no assign(): its follower reads through a throw-away group; @platformatic/kafka's reads
    // with manual assignment and has none.
    expect(groupsBefore).toHaveLength(defaultClientKind() === 'kafkajs' ? 1 : 0);
    await standbys.release('0_1');
    expect(standbys.taskIds()).toEqual(['0_0']);
    expect(await checkpointOffset()).toEqual([
      { store: STORE, topic: changelog, partition: 1, offset: end - 1 },
    ]);
    const prepared = await prepareTaskDirectory(taskDirectory, [STORE]);
    expect(prepared.restoreFromScratch).toEqual([]);
    expect(prepared.trusted.get(STORE)?.offset).toBe(end - 1);
    const active = StreamTask.create(plan, 0, 1, {
      applicationId,
      stateDir,
      collector: { send: () => undefined },
    });
    await active.initStores();
    try {
      const reopened = active.stores().get(STORE) as KeyValueStore<string, Value>;
      expect(reopened.get('k9')).toEqual({ n: 109 });
      expect(reopened.get('k3')).toEqual({ n: 35 });
      expect(reopened.get('aborted')).toBeUndefined();
    } finally {
      await active.close();
    }

    // The follower went on for 0_0 with a new group; update([]) stops it and no standby group is left.
    await appendChangelog(changelog, 0, [['p0', { n: 1 }]]);
    await waitFor(() => (standbys.appliedRecords('0_0') === 1 ? true : undefined), {
      timeoutMs: 20_000,
      description: 'record on partition 0 applied after the release',
    });

    // 0_1 becomes a standby here again: it reopens from its checkpoint and applies only what follows it.
    await standbys.update(layout.tasks);
    expect(standbys.offsetSums().get('0_1')).toBe(end);
    await appendChangelog(changelog, 1, [['k4', { n: 104 }]]);
    await caughtUp(44);
    expect(store().get('k4')).toEqual({ n: 104 });
    expect(store().get('k5')).toEqual({ n: 37 });

    await standbys.update([]);
    expect(standbys.taskIds()).toEqual([]);
    expect(
      (await listGroups()).filter((group) => group.startsWith(`${applicationId}-state-updater-`)),
    ).toEqual([]);
  }, 60_000);

  it('a follower whose handler throws starts again from its position with a new group, skipping nothing and repeating nothing', async () => {
    const [topic] = await createTopics([{ topic: uniqueName('follow'), partitions: 2 }]);
    const logger = pino({ level: process.env.RT_LOG ?? 'silent' });
    const client = createKafkaClient({
      clientId: 'follower-test',
      brokers: endpoints().kafkaBrokers,
      logger,
    });
    await appendChangelog(topic!, 0, [
      ['a', { n: 0 }],
      ['b', { n: 1 }],
      ['c', { n: 2 }],
    ]);
    const seen: number[] = [];
    let failures = 0;
    const groupPrefix = uniqueName('follower');
    const follower = client.changelogFollower({
      groupId: groupPrefix,
      logger,
      onBatch: (batch) => {
        // The second record fails once: the restart must resume at it, not at the start nor after it.
        if (failures === 0 && batch.records.some((record) => record.offset === 4)) {
          failures++;
          throw new Error('store unavailable for a moment');
        }
        for (const record of batch.records) seen.push(record.offset);
      },
    });
    cleanups.push(() => follower.stop());
    // Start past the first record (a checkpoint at offset 0); partition 1 has no records at all.
    await follower.start([
      { topic: topic!, partition: 0, startOffset: 1 },
      { topic: topic!, partition: 1, startOffset: 0 },
    ]);
    const firstGroup = follower.groupId;
    await waitFor(() => (follower.position(topic!, 0) === 3 ? true : undefined), {
      timeoutMs: 10_000,
      description: 'records 1 and 2 read',
    });
    expect(seen).toEqual([1, 2]);
    await appendChangelog(topic!, 0, [
      ['d', { n: 3 }],
      ['e', { n: 4 }],
    ]);
    await waitFor(() => (follower.position(topic!, 0) === 5 ? true : undefined), {
      timeoutMs: 20_000,
      description: 'records 3 and 4 read after the handler failed once',
    });
    expect(failures).toBe(1);
    expect(seen).toEqual([1, 2, 3, 4]);
    // Every join sought to the position: nothing before it was fetched (offset 0, records 1-2 again).
    expect(follower.droppedRecords).toBe(0);
    expect(follower.position(topic!, 1)).toBe(0);
    const groups = await listGroups();
    expect(groups.filter((group) => group.startsWith(groupPrefix)).length).toBeLessThanOrEqual(1);
    if (follower.groupId !== firstGroup) expect(groups).not.toContain(firstGroup);
    await follower.stop();
    expect(follower.groupId).toBeUndefined();
    expect((await listGroups()).filter((group) => group.startsWith(groupPrefix))).toEqual([]);
  }, 60_000);
});
