import { afterEach, describe, expect, it } from 'vitest';
import { Stores } from '../../../state/index.js';
import type { KeyValueStore } from '../../../state/store.js';
import { DLQ_HEADERS } from '../../../topology/dead-letter.js';
import { TaskError, TopologyError } from '../../../topology/errors.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import type { RecordMetadata, StreamRecord } from '../../../topology/record.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { TopologyTestDriver } from '../../../topology/test-driver.js';
import { Topology } from '../../../topology/topology.js';

const str = Serdes.string();
const num = Serdes.number();
const drivers: TopologyTestDriver[] = [];
async function start(topology: Topology, options = {}): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0, ...options });
  drivers.push(driver);
  return driver;
}
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

/** Counts words per key in a store, emits the running count, and flushes totals on punctuation. */
function countingTopology(punctuation: 'STREAM_TIME' | 'WALL_CLOCK_TIME'): Topology {
  return new Topology()
    .addSource('in', 'words', { keySerde: str, valueSerde: str })
    .addProcessor(
      'count',
      () => {
        let ctx: ProcessorContext<string, number>;
        let store: KeyValueStore<string, number>;
        return {
          init(context: ProcessorContext<string, number>) {
            ctx = context;
            store = context.getStateStore<KeyValueStore<string, number>>('counts');
            context.schedule(1_000, punctuation, (ts) => {
              const all = store.all();
              for (const { key, value } of all)
                ctx.forward({ key, value, timestamp: ts, headers: {} }, 'totals');
              all.close();
            });
          },
          process(record: StreamRecord<string, string>) {
            const next = (store.get(record.value) ?? 0) + 1;
            store.put(record.value, next);
            ctx.forward({ ...record, key: record.value, value: next }, 'running');
          },
        };
      },
      'in',
    )
    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), str, num), 'count')
    .addSink('running', 'running-counts', { keySerde: str, valueSerde: num }, 'count')
    .addSink('totals', 'total-counts', { keySerde: str, valueSerde: num }, 'count');
}

describe('Processor API through the TopologyTestDriver', () => {
  it('processes records with a store and forwards to a named child', async () => {
    const driver = await start(countingTopology('WALL_CLOCK_TIME'));
    const input = driver.createInputTopic('words', str, str);
    const running = driver.createOutputTopic('running-counts', str, num);
    input.pipeInput('k', 'a', 10);
    input.pipeInput('k', 'b', 20);
    input.pipeInput('k', 'a', 30);
    expect(running.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a', 1, 10],
      ['b', 1, 20],
      ['a', 2, 30],
    ]);
    expect(driver.createOutputTopic('total-counts', str, num).isEmpty()).toBe(true);
    expect(driver.getKeyValueStore<string, number>('counts').get('a')).toBe(2);
  });

  it('fires stream-time punctuators as records advance stream time, aligned to the interval', async () => {
    const driver = await start(countingTopology('STREAM_TIME'));
    const input = driver.createInputTopic('words', str, str);
    const totals = driver.createOutputTopic('total-counts', str, num);
    input.pipeInput('k', 'a', 500); // first record: fires at 500, next due at 1000
    expect(totals.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 1, 500]]);
    input.pipeInput('k', 'b', 999);
    expect(totals.isEmpty()).toBe(true);
    input.pipeInput('k', 'a', 100); // out of order: stream time stays 999
    expect(totals.isEmpty()).toBe(true);
    input.pipeInput('k', 'c', 3_500); // crosses 1000, 2000 and 3000: fires once, next due at 4000
    expect(totals.readKeyValuesToMap()).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
        ['c', 1],
      ]),
    );
    input.pipeInput('k', 'c', 3_999);
    expect(totals.isEmpty()).toBe(true);
    driver.advanceWallClockTime(10_000); // the wall clock does not drive stream-time punctuators
    expect(totals.isEmpty()).toBe(true);
  });

  it('fires wall-clock punctuators when the driver advances the clock', async () => {
    const driver = await start(countingTopology('WALL_CLOCK_TIME'));
    const input = driver.createInputTopic('words', str, str);
    const totals = driver.createOutputTopic('total-counts', str, num);
    input.pipeInput('k', 'a', 50_000);
    expect(totals.isEmpty()).toBe(true);
    driver.advanceWallClockTime(999);
    expect(totals.isEmpty()).toBe(true);
    driver.advanceWallClockTime(1);
    const fired = totals.readRecordsToList();
    expect(fired.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 1, 1_000]]);
    driver.advanceWallClockTime(5_000); // one firing per advance, not five
    expect(totals.getQueueSize()).toBe(1);
  });

  it('exposes record metadata, task id and application id; none inside punctuators', async () => {
    const seen: Array<{
      meta: RecordMetadata | undefined;
      taskId: string;
      appId: string;
      streamTime: number;
    }> = [];
    const topology = new Topology()
      .addSource('in', 'events', { keySerde: str, valueSerde: str })
      .addProcessor(
        'spy',
        () => {
          let ctx: ProcessorContext;
          return {
            init(c: ProcessorContext) {
              ctx = c;
              c.schedule(10, 'STREAM_TIME', () =>
                seen.push({
                  meta: c.recordMetadata(),
                  taskId: c.taskId,
                  appId: c.applicationId,
                  streamTime: -2,
                }),
              );
            },
            process() {
              seen.push({
                meta: ctx.recordMetadata(),
                taskId: ctx.taskId,
                appId: ctx.applicationId,
                streamTime: ctx.currentStreamTimeMs(),
              });
            },
          };
        },
        'in',
      );
    const driver = await start(topology, { applicationId: 'my-app' });
    const input = driver.createInputTopic('events', str, str);
    input.pipeInput('a', 'x', 5);
    input.pipeInput('b', 'y', 7);
    expect(seen).toEqual([
      { meta: { topic: 'events', partition: 0, offset: 0 }, taskId: '0_0', appId: 'my-app', streamTime: 5 },
      { meta: undefined, taskId: '0_0', appId: 'my-app', streamTime: -2 },
      { meta: { topic: 'events', partition: 0, offset: 1 }, taskId: '0_0', appId: 'my-app', streamTime: 7 },
    ]);
  });

  it('refuses a store that is not connected to the processor, naming both and the fix', async () => {
    const topology = new Topology()
      .addSource('in', 'events', { keySerde: str, valueSerde: str })
      .addProcessor('owner', () => ({ process() {} }), 'in')
      .addProcessor(
        'intruder',
        () => ({
          init(c: ProcessorContext) {
            c.getStateStore('private');
          },
          process() {},
        }),
        'in',
      )
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('private'), str, str), 'owner');
    const failure = TopologyTestDriver.create(topology);
    await expect(failure).rejects.toThrow(/processor "intruder" asked for state store "private"/);
  });

  it('wraps processor exceptions in a TaskError with the node and record coordinates', async () => {
    const topology = new Topology()
      .addSource('in', 'events', { keySerde: str, valueSerde: str })
      .addProcessor(
        'boom',
        () => ({
          process() {
            throw new Error('kaput');
          },
        }),
        'in',
      );
    const driver = await start(topology);
    const input = driver.createInputTopic('events', str, str);
    try {
      input.pipeInput('a', 'x', 1);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TaskError);
      expect((error as TaskError).code).toBe('STRM_ERR_TASK_PROCESSING');
      expect((error as TaskError).node).toBe('boom');
      expect((error as TaskError).coordinates).toEqual({ topic: 'events', partition: 0, offset: 0 });
      expect((error as Error).message).toMatch(/kaput/);
    }
  });

  it('skips or dead-letters records whose processing throws when a processing handler says so', async () => {
    const topology = () =>
      new Topology()
        .addSource('in', 'payments', { keySerde: str, valueSerde: num })
        .addProcessor(
          'validate',
          () => {
            let ctx: ProcessorContext<string, number>;
            return {
              init(c: ProcessorContext<string, number>) {
                ctx = c;
              },
              process(r: StreamRecord<string, number>) {
                if (r.value < 0) throw new Error(`negative amount ${r.value}`);
                ctx.forward(r);
              },
            };
          },
          'in',
        )
        .addSink('out', 'valid-payments', { keySerde: str, valueSerde: num }, 'validate');

    const dlq = await start(topology(), { processingErrors: 'deadLetter' });
    const input = dlq.createInputTopic('payments', str, num);
    input.pipeInput('p1', 10, 1);
    input.pipeInput('p2', -5, 2);
    input.pipeInput('p3', 7, 3);
    expect(dlq.createOutputTopic('valid-payments', str, num).readValuesToList()).toEqual([10, 7]);
    const dead = dlq.createOutputTopic('payments.dlq', str, num).readRecordsToList();
    expect(dead.map((r) => [r.key, r.value, r.timestamp])).toEqual([['p2', -5, 2]]);
    expect(dead[0]!.headers[DLQ_HEADERS.failedNode]).toBe('validate');
    expect(dead[0]!.headers[DLQ_HEADERS.errorMessage]).toBe('negative amount -5');
    expect(dead[0]!.headers[DLQ_HEADERS.sourceOffset]).toBe('1');

    const failing = await start(topology());
    expect(() => failing.createInputTopic('payments', str, num).pipeInput('p2', -5, 2)).toThrow(
      expect.objectContaining({ code: 'STRM_ERR_TASK_PROCESSING', node: 'validate' }),
    );
  });

  it('routes undecodable records by the chosen handler: fail, skip, or dead-letter to <topic>.dlq', async () => {
    const topology = () =>
      new Topology()
        .addSource('in', 'orders', { keySerde: str, valueSerde: Serdes.json<{ n: number }>() })
        .addSink('out', 'copy', { keySerde: str, valueSerde: Serdes.json<{ n: number }>() }, 'in');
    const raw = Serdes.string();

    const failing = await start(topology());
    expect(() => failing.createInputTopic('orders', str, raw).pipeInput('k', '{oops', 1)).toThrow(
      expect.objectContaining({ code: 'STRM_ERR_TASK_DESERIALIZATION' }),
    );

    const dlqDriver = await start(topology(), { deserializationErrors: 'deadLetter' });
    const input = dlqDriver.createInputTopic('orders', str, raw);
    input.pipeInput('k1', '{oops', 11);
    input.pipeInput('k2', '{"n":2}', 12);
    const dlq = dlqDriver.createOutputTopic('orders.dlq', str, raw).readRecordsToList();
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.key).toBe('k1');
    expect(dlq[0]!.value).toBe('{oops');
    expect(dlq[0]!.timestamp).toBe(11);
    expect(dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('STRM_ERR_SERDE_DECODE');
    expect(dlq[0]!.headers[DLQ_HEADERS.sourceTopic]).toBe('orders');
    expect(dlq[0]!.headers[DLQ_HEADERS.sourceOffset]).toBe('0');
    expect(dlqDriver.createOutputTopic('copy', str, Serdes.json<{ n: number }>()).readValuesToList()).toEqual(
      [{ n: 2 }],
    );
  });

  it('logs changelog records of logged stores to <applicationId>-<store>-changelog', async () => {
    const driver = await start(countingTopology('WALL_CLOCK_TIME'), { applicationId: 'wc' });
    driver.createInputTopic('words', str, str).pipeInput('k', 'a', 42);
    expect(driver.changelogTopic('counts')).toBe('wc-counts-changelog');
    const changelog = driver.createOutputTopic(driver.changelogTopic('counts'), str, num).readRecordsToList();
    expect(changelog.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 1, 42]]);
    expect(driver.producedTopicNames()).toEqual(new Set(['running-counts', 'wc-counts-changelog']));
  });

  it('reads pattern subscriptions and global stores', async () => {
    const topology = new Topology()
      .addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('rates'), str, num).withLoggingDisabled(),
        'rates-source',
        'rates',
        { keySerde: str, valueSerde: num },
        'rates-updater',
        () => {
          let store: KeyValueStore<string, number>;
          return {
            init(c: ProcessorContext<void, void>) {
              store = c.getStateStore('rates');
            },
            process(r) {
              store.put(r.key, r.value);
            },
          };
        },
      )
      .addSource('in', /^prices-.*/, { keySerde: str, valueSerde: num })
      .addProcessor(
        'convert',
        () => {
          let ctx: ProcessorContext<string, number>;
          return {
            init(c: ProcessorContext<string, number>) {
              ctx = c;
            },
            process(r: StreamRecord<string, number>) {
              const rate = ctx.getStateStore<KeyValueStore<string, number>>('rates').get(r.key) ?? 1;
              ctx.forward({ ...r, value: r.value * rate });
            },
          };
        },
        'in',
      )
      .addSink('out', 'converted', { keySerde: str, valueSerde: num }, 'convert');
    const driver = await start(topology);
    driver.createInputTopic('rates', str, num).pipeInput('EUR', 2, 1);
    driver.createInputTopic('prices-eu', str, num).pipeInput('EUR', 10, 2);
    driver.createInputTopic('prices-us', str, num).pipeInput('USD', 10, 3);
    expect(driver.createOutputTopic('converted', str, num).readValuesToList()).toEqual([20, 10]);
    expect(() => driver.createInputTopic('nothing', str, num)).toThrow(/reads no topic "nothing"/);
    const text = String(topology.describe());
    expect(text).toContain('for global store (will not generate tasks)');
    expect(text).toContain('Source: in (topic pattern: ^prices-.*)');
  });

  it('rejects invalid wiring at build time with coded errors', () => {
    const opts = { keySerde: str, valueSerde: str };
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(TopologyError);
        return (error as TopologyError).code;
      }
      return 'no error';
    };
    expect(codeOf(() => new Topology().addSource('a', 't', opts).addSource('a', 'u', opts))).toBe(
      'STRM_ERR_TOPOLOGY_DUPLICATE_NAME',
    );
    expect(codeOf(() => new Topology().addProcessor('p', () => ({ process() {} })))).toBe(
      'STRM_ERR_TOPOLOGY_NO_PARENT',
    );
    expect(
      codeOf(() => new Topology().addSource('a', 't', opts).addProcessor('p', () => ({ process() {} }), 'x')),
    ).toBe('STRM_ERR_TOPOLOGY_UNKNOWN_NODE');
    expect(
      codeOf(() =>
        new Topology()
          .addSource('a', 't', opts)
          .addSink('s', 'out', opts, 'a')
          .addProcessor('p', () => ({ process() {} }), 's'),
      ),
    ).toBe('STRM_ERR_TOPOLOGY_INVALID_PARENT');
    expect(codeOf(() => new Topology().addSource('a', 't', opts).addSource('b', ['t'], opts))).toBe(
      'STRM_ERR_TOPOLOGY_TOPIC_ALREADY_SOURCED',
    );
    expect(
      codeOf(() =>
        new Topology()
          .addSource('a', 't', opts)
          .addProcessor('p', () => ({ process() {} }), 'a')
          .connectProcessorAndStateStores('p', 'missing'),
      ),
    ).toBe('STRM_ERR_TOPOLOGY_UNKNOWN_STORE');
    const unused = new Topology()
      .addSource('a', 't', opts)
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('lonely'), str, str));
    expect(codeOf(() => unused.describe())).toBe('STRM_ERR_TOPOLOGY_UNUSED_STORE');
    expect(() => unused.describe()).toThrow(/state store "lonely" is not connected to any processor/);
    expect(codeOf(() => new Topology().describe())).toBe('STRM_ERR_TOPOLOGY_NO_SOURCES');
  });
});
