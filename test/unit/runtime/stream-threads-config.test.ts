import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { KeyValue } from '../../../state/store.js';
import { Stores } from '../../../state/stores.js';
import { resolveConfig } from '../../../topology/runtime/config.js';
import { RuntimeError } from '../../../topology/runtime/errors.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { streamThreadWorkerData } from '../../../topology/runtime/stream-thread-config.js';
import { computeTaskLayout } from '../../../topology/runtime/task-layout.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';

const base = { applicationId: 'threads-app', bootstrapServers: 'localhost:9092' };
const topology = () =>
  new Topology()
    .addSource('in', 'input', { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .addSink('out', 'output', { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'in');

/** `input` -> a processor with a logged store (a changelog topic) -> `output`. */
const statefulTopology = () =>
  new Topology()
    .addSource('in', 'input', { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .addProcessor('count', () => ({ process: () => undefined }), 'in')
    .addStateStore(
      Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.string()),
      'count',
    )
    .addSink('out', 'output', { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'count');

describe('numStreamThreads', () => {
  it('defaults to 1, with no topology module needed', () => {
    const config = resolveConfig(base);
    expect(config.numStreamThreads).toBe(1);
    expect(config.topologyModule).toBeUndefined();
    expect(() => new KafkaStreams(topology(), base)).not.toThrow();
  });

  it('refuses more than 1 without topologyModule, with a coded error that names the fix', () => {
    let error: unknown;
    try {
      new KafkaStreams(topology(), { ...base, numStreamThreads: 2 });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe('STRM_ERR_RUNTIME_TOPOLOGY_MODULE_REQUIRED');
    expect((error as RuntimeError).message).toMatch(/set topologyModule .* buildTopology/);
  });

  it('refuses a count that is not a positive integer', () => {
    for (const numStreamThreads of [0, -1, 1.5])
      expect(() => resolveConfig({ ...base, numStreamThreads, topologyModule: 'x.js' })).toThrowError(
        /numStreamThreads must be an integer >= 1/,
      );
  });

  it('takes the module as a path (relative to the working directory) or a URL, as a file: URL', () => {
    const fromPath = resolveConfig({ ...base, numStreamThreads: 2, topologyModule: 'app/topology.js' });
    expect(fromPath.topologyModule).toBe(pathToFileURL(join(process.cwd(), 'app/topology.js')).href);
    const url = new URL('file:///srv/app/topology.js');
    expect(resolveConfig({ ...base, numStreamThreads: 2, topologyModule: url }).topologyModule).toBe(
      url.href,
    );
  });

  it("gives each thread's worker a cloneable config of its own: client id, cache share, state directory", () => {
    const user = {
      ...base,
      stateDir: '/var/state',
      cacheMaxBytes: 1_000,
      numStreamThreads: 3,
      topologyModule: 'file:///srv/app/topology.js',
      topologyModuleArgs: { input: 'orders' },
      applicationServer: 'host-a:8080',
      processingExceptionHandler: () => 'continue' as const,
      consumer: { sessionTimeoutMs: 30_000 },
    };
    const plan = statefulTopology().plan();
    const layout = computeTaskLayout(
      plan,
      'threads-app',
      new Map([
        ['input', 4],
        ['output', 2],
      ]),
    );
    const data = streamThreadWorkerData(user, resolveConfig(user), 2, layout);
    expect(data).toMatchObject({
      threadIndex: 2,
      topologyModule: 'file:///srv/app/topology.js',
      topologyModuleArgs: { input: 'orders' },
      droppedOptions: ['processingExceptionHandler'],
    });
    expect(data.config).toEqual({
      applicationId: 'threads-app',
      bootstrapServers: 'localhost:9092',
      stateDir: '/var/state/threads-app/StreamThread-2',
      cacheMaxBytes: 333,
      clientId: 'threads-app-StreamThread-2',
      applicationServer: 'host-a:8080',
      consumer: { sessionTimeoutMs: 30_000 },
    });
    expect(() => structuredClone(data)).not.toThrow();
    // The worker computes the main thread's layout from the user topics' counts (the changelog left out).
    expect([...data.userTopicCounts]).toEqual([
      ['input', 4],
      ['output', 2],
    ]);
    const again = computeTaskLayout(plan, 'threads-app', structuredClone(data.userTopicCounts));
    expect(again.tasks).toEqual(layout.tasks);
    expect(again.internalTopics).toEqual(layout.internalTopics);
  });
});

describe('query() result types', () => {
  it('follow the query: a value for get, entries for range and all, a number for the count', () => {
    const streams = new KafkaStreams(topology(), base);
    // Not called: only their types are checked.
    const get = () =>
      streams.query<{ type: 'get'; key: string }, string, number>('s', 0, { type: 'get', key: 'k' });
    const all = () => streams.query<{ type: 'all' }, string, number>('s', 0, { type: 'all' });
    const count = () => streams.query('s', 0, { type: 'approximateNumEntries' } as const);
    expectTypeOf(get).returns.resolves.toEqualTypeOf<number | undefined>();
    expectTypeOf(all).returns.resolves.toEqualTypeOf<Array<KeyValue<string, number>>>();
    expectTypeOf(count).returns.resolves.toEqualTypeOf<number>();
  });

  it('reads a local store on one thread, and refuses before start as store() does', async () => {
    const streams = new KafkaStreams(topology(), base);
    await expect(streams.query('s', 0, { type: 'get', key: 'k' })).rejects.toMatchObject({
      code: 'STRM_ERR_RUNTIME_STORE_UNAVAILABLE',
    });
  });
});
