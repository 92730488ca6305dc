import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { defaultPartition } from '../../../topology/internal/murmur2.js';
import type { UncaughtExceptionResponse } from '../../../topology/runtime/config.js';
import { createTopics, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { buildTopology, type PoisonArgs } from './poison-once-module.js';
import { streamsClosedAfterEach } from './streams-instances.js';

const PARTITIONS = 4;

async function produce(topic: string, values: ReadonlyArray<[string, string]>): Promise<void> {
  const producer = inputProducer({ clientId: 'test-poison' });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map(([key, value]) => ({ key, value })) });
  } finally {
    await producer.disconnect();
  }
}

describe('KafkaStreams: numStreamThreads 2, failures', () => {
  const instances = streamsClosedAfterEach();

  async function start(decision: UncaughtExceptionResponse, marker?: string) {
    const [input, output] = await createTopics([
      { topic: uniqueName('poison-in'), partitions: PARTITIONS },
      { topic: uniqueName('poison-out'), partitions: 1 },
    ]);
    const args: PoisonArgs = { input: input!, output: output!, ...(marker === undefined ? {} : { marker }) };
    const errors: Error[] = [];
    const states: string[] = [];
    const streams = instances.create(buildTopology(args), {
      applicationId: uniqueName('threads-fail'),
      numStreamThreads: 2,
      topologyModule: new URL('./poison-once-module.ts', import.meta.url),
      topologyModuleArgs: args,
      uncaughtExceptionHandler: (error) => {
        errors.push(error);
        return decision;
      },
    });
    streams.setStateListener((next) => states.push(next));
    await streams.start();
    await waitFor(() => streams.state === 'RUNNING', { timeoutMs: 60_000, description: 'RUNNING' });
    return { streams, input: input!, output: output!, errors, states };
  }

  it("REPLACE_THREAD: the handler decides on the main thread, a new worker takes the failed one's place", async () => {
    const marker = `/tmp/${uniqueName('poison-marker')}`;
    instances.removeAfterTest(marker);
    const { streams, input, output, errors, states } = await start('REPLACE_THREAD', marker);
    const values: Array<[string, string]> = Array.from({ length: 40 }, (_, i) => [`k${i}`, `v${i}`]);
    await produce(input, [...values, ['k-poison', 'poison']]);
    // The replacement gets past the poison (the marker exists now) and the instance runs on two threads again.
    const out = await waitFor(
      async () => {
        const records = await readAll(output);
        return records.some((r) => r.value?.toString() === 'poison') ? records : undefined;
      },
      { timeoutMs: 90_000, description: 'the poison record through after the replacement' },
    );
    expect(new Set(out.map((r) => r.key?.toString()))).toEqual(
      new Set([...values.map(([k]) => k), 'k-poison']),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/poison record k-poison/);
    // The error crossed from the worker with what the handler may branch on.
    expect(errors[0]).toMatchObject({ code: 'STRM_ERR_TASK_PROCESSING', retriable: false, node: 'check' });
    await waitFor(
      () =>
        streams.state === 'RUNNING' &&
        streams
          .metadataForLocalThreads()
          .every((t) => t.threadState === 'RUNNING' && t.activeTasks.length > 0),
      { timeoutMs: 60_000, description: 'two running threads again' },
    );
    expect(streams.metadataForLocalThreads()).toHaveLength(2);
    expect(states.slice(0, 3)).toEqual(['REBALANCING', 'RUNNING', 'REBALANCING']);
    await streams.close();
    expect(streams.state).toBe('NOT_RUNNING');
    await rm(marker, { force: true });
  });

  it('SHUTDOWN_CLIENT: every thread is closed and the instance ends in ERROR', async () => {
    const { streams, input, errors } = await start('SHUTDOWN_CLIENT');
    await produce(input, [['k-poison', 'poison']]);
    await waitFor(() => streams.state === 'ERROR', { timeoutMs: 60_000, description: 'ERROR' });
    expect(errors).toHaveLength(1);
    expect(streams.metadataForLocalThreads().map((t) => t.threadState)).toEqual([
      'NOT_RUNNING',
      'NOT_RUNNING',
    ]);
    await streams.close();
    expect(streams.state).toBe('NOT_RUNNING');
  });

  it('SHUTDOWN_APPLICATION: the instance asks the group, and every member (its threads, other instances) stops', async () => {
    const { streams, input, output, errors } = await start('SHUTDOWN_APPLICATION');
    // Another instance of the application, on the main thread.
    const other = instances.create(buildTopology({ input, output }), {
      applicationId: streams.applicationId,
      uncaughtExceptionHandler: () => 'SHUTDOWN_APPLICATION',
    });
    await other.start();
    await waitFor(
      () => streams.state === 'RUNNING' && other.state === 'RUNNING' && other.localTaskIds().length > 0,
      {
        timeoutMs: 60_000,
        description: 'both instances RUNNING with tasks',
      },
    );
    const onThreads = streams.localTaskIds().map((task) => Number(task.split('_')[1]));
    // A poison record in a partition one of the threads runs.
    await produce(input, [[keyFor(onThreads[0]!, PARTITIONS), 'poison']]);
    await waitFor(() => streams.state === 'ERROR' && other.state === 'ERROR', {
      timeoutMs: 90_000,
      description: 'both instances in ERROR',
    });
    expect(errors).toHaveLength(1);
    expect(streams.metadataForLocalThreads().map((t) => t.threadState)).toEqual([
      'NOT_RUNNING',
      'NOT_RUNNING',
    ]);
  });

  it('refuses to start with a coded error when the module has no buildTopology, or lacks an option a worker needs', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('module-in'), partitions: 2 },
      { topic: uniqueName('module-out'), partitions: 1 },
    ]);
    const args: PoisonArgs = { input: input!, output: output! };
    const noBuilder = instances.create(buildTopology(args), {
      applicationId: uniqueName('threads-module'),
      numStreamThreads: 2,
      // A module of this folder that exports no buildTopology.
      topologyModule: new URL('./region-totals.ts', import.meta.url),
    });
    await expect(noBuilder.start()).rejects.toMatchObject({
      code: 'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      message: expect.stringMatching(/has no export buildTopology/),
    });
    expect(noBuilder.state).toBe('ERROR');

    const functionOption = instances.create(buildTopology(args), {
      applicationId: uniqueName('threads-module'),
      numStreamThreads: 2,
      topologyModule: new URL('./poison-once-module.ts', import.meta.url),
      topologyModuleArgs: args,
      // A function cannot be sent to a worker, and this module does not export it as streamsConfig.
      processingExceptionHandler: () => 'continue',
    });
    await expect(functionOption.start()).rejects.toMatchObject({
      code: 'STRM_ERR_RUNTIME_TOPOLOGY_MODULE_INVALID',
      message: expect.stringMatching(/processingExceptionHandler .*streamsConfig/),
    });
  });
});

/** A key the default partitioner puts in `partition` (of `count`). */
function keyFor(partition: number, count: number): string {
  for (let i = 0; ; i++) if (defaultPartition(Buffer.from(`k${i}`), count) === partition) return `k${i}`;
}
