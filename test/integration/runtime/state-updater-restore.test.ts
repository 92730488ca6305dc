import { rm } from 'node:fs/promises';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../../state/store.js';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import { StreamTask } from '../../../topology/internal/task/stream-task.js';
import { resolveChangelogTopic } from '../../../topology/internal/topology-plan.js';
import { ActiveTask } from '../../../topology/runtime/active-task.js';
import { resolveConfig } from '../../../topology/runtime/config.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import { StateUpdater } from '../../../topology/runtime/state-updater.js';
import type { TaskCollector } from '../../../topology/runtime/task-collector.js';
import { computeTaskLayout } from '../../../topology/runtime/task-layout.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, endpoints, inputProducer, uniqueName } from '../../support/index.js';
import { keepLatest } from './keep-latest.js';

const STORE = 'latest';

/** input -> a processor keeping the latest value per key in an in-memory, logged store. */
function latestTopology(input: string): Topology {
  const topology = new Topology().addSource('in', input, {
    keySerde: Serdes.string(),
    valueSerde: Serdes.string(),
  });
  return keepLatest(topology, 'in', STORE);
}

/** `count` records `k<i % keys>` -> `v<i>` on one changelog partition, 1,000 per request. */
async function appendChangelog(topic: string, partition: number, count: number, keys: number): Promise<void> {
  const producer = inputProducer({ clientId: 'restore-test-writer' });
  await producer.connect();
  try {
    for (let first = 0; first < count; first += 1_000) {
      const messages = [];
      for (let i = first; i < Math.min(count, first + 1_000); i++)
        messages.push({ key: `k${i % keys}`, value: `v${i}`, partition });
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

describe('StateUpdater: restoring active tasks', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('restores a task to the end read when it was added, with progress events; a task removed while restoring stops where it got', async () => {
    const applicationId = uniqueName('restore');
    const changelog = resolveChangelogTopic(applicationId, STORE);
    const [input] = await createTopics([
      { topic: uniqueName('restore-in'), partitions: 2 },
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
    const client = createKafkaClient({ clientId: applicationId, brokers: endpoints().kafkaBrokers, logger });
    await appendChangelog(changelog, 0, 3_000, 100);
    await appendChangelog(changelog, 1, 200_000, 1_000);

    const events = createStreamsEventEmitter();
    const seen: string[] = [];
    events.on('restoreStarted', (e) => seen.push(`started ${e.taskId} ${e.startOffset}-${e.endOffset}`));
    events.on('restoreCompleted', (e) => seen.push(`completed ${e.taskIds.join()} ${e.records}`));
    let progress = 0;
    events.on('restoreProgress', (e) => {
      progress += e.records;
    });
    const updater = new StateUpdater({ config, plan, layout, kafka: client, logger, events });
    cleanups.push(() => updater.close());
    const open = async (partition: number) => {
      const spec = layout.tasks[partition]!;
      const engine = StreamTask.create(plan, spec.subtopologyId, partition, {
        applicationId,
        stateDir,
        collector: { send: () => undefined },
      });
      await engine.initStores();
      cleanups.push(() => engine.close());
      const directory = { path: `${stateDir}/${spec.id}`, checkpointedStores: [STORE], trusted: new Map() };
      return new ActiveTask(spec, engine, {} as TaskCollector, directory);
    };

    // Task 0_0: restored whole; what is appended after it was added is not its to restore.
    const small = await open(0);
    const restored = updater.restore(small);
    expect(await restored).toBe(true);
    const store = (task: ActiveTask) => task.engine.stores().get(STORE) as KeyValueStore<string, string>;
    expect(store(small).get('k7')).toBe('v2907');
    expect(small.checkpointEntries(() => undefined)).toEqual([
      { store: STORE, topic: changelog, partition: 0, offset: 2_999 },
    ]);
    expect(progress).toBe(3_000);
    expect(seen).toEqual(['started 0_0 0-3000', 'completed 0_0 3000']);

    // Task 0_1: removed after its first batches; it stops there and notes how far it got.
    const big = await open(1);
    const stopped = new Promise<void>((resolve) => {
      const onProgress = () => {
        events.off('restoreProgress', onProgress);
        void updater.remove(big.id).then(() => resolve());
      };
      events.on('restoreProgress', onProgress);
    });
    const bigRestored = updater.restore(big);
    await stopped;
    expect(await bigRestored).toBe(false);
    const [entry] = big.checkpointEntries(() => undefined);
    expect(entry!.offset).toBeGreaterThanOrEqual(0);
    expect(entry!.offset).toBeLessThan(199_999);
    // The store holds exactly what the noted offset vouches for: record `offset` is the last applied.
    const last = entry!.offset;
    expect(store(big).get(`k${last % 1_000}`)).toBe(`v${last}`);
    const appliedBefore = progress;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(progress).toBe(appliedBefore);
    expect(updater.restoringTaskIds()).toEqual([]);
    expect(seen).toContain('started 0_1 0-200000');
    expect(seen.filter((line) => line.startsWith('completed 0_1'))).toEqual([]);
  }, 60_000);
});
