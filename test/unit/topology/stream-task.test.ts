import { describe, expect, it } from 'vitest';
import { Stores } from '../../../state/index.js';
import type { KeyValueStore } from '../../../state/store.js';
import type { Headers, ProcessorContext, StreamRecord } from '../../../topology/index.js';
import { Serdes, TaskError, Topology } from '../../../topology/index.js';
import { StreamTask } from '../../../topology/internal/task/stream-task.js';
import type { RawRecord, RecordCollector } from '../../../topology/internal/task/task-io.js';

const str = Serdes.string();
const num = Serdes.number();

interface Sent {
  topic: string;
  key: string | null;
  value: Buffer | null;
  timestamp: number;
  partition: number | undefined;
}

function collector(partitions: number): RecordCollector & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    send(
      topic: string,
      key: Buffer | null,
      value: Buffer | null,
      timestamp: number,
      _h: Headers,
      partition?: number,
    ) {
      sent.push({ topic, key: key?.toString('utf8') ?? null, value, timestamp, partition });
    },
    partitionCount: () => partitions,
  };
}

function raw(topic: string, offset: number, key: string, value: number, timestamp: number): RawRecord {
  return {
    topic,
    partition: 3,
    offset,
    timestamp,
    key: str.serialize(key, { topic, isKey: true }),
    value: num.serialize(value, { topic, isKey: false }),
    headers: {},
  };
}

/** Sums values per key into a logged store and writes the sum to a sink with a custom partitioner. */
function summing(): Topology {
  return new Topology()
    .addInternalTopic({ name: 'sums-repartition', kind: 'repartition' })
    .addSource('in', 'sums-repartition', { keySerde: str, valueSerde: num })
    .addProcessor(
      'sum',
      () => {
        let ctx: ProcessorContext<string, number>;
        let store: KeyValueStore<string, number>;
        return {
          init(c: ProcessorContext<string, number>) {
            ctx = c;
            store = c.getStateStore('sums');
          },
          process(r: StreamRecord<string, number>) {
            const sum = (store.get(r.key) ?? 0) + r.value;
            store.put(r.key, sum);
            ctx.forward({ ...r, value: sum });
          },
        };
      },
      'in',
    )
    .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('sums'), str, num), 'sum')
    .addSink(
      'out',
      'sums',
      { keySerde: str, valueSerde: num, partitioner: (_t, key: string, _v, n) => key.length % n },
      'sum',
    );
}

describe('StreamTask (the Kafka-free task engine)', () => {
  it('reads internal topics by their application-prefixed name and logs store writes to the task partition', async () => {
    const out = collector(4);
    const plan = summing().plan();
    const task = StreamTask.create(plan, 0, 3, {
      applicationId: 'app',
      stateDir: '/nonexistent',
      collector: out,
    });
    expect(task.id).toBe('0_3');
    expect(task.sourceTopics()).toEqual(['app-sums-repartition']);
    expect([...task.changelogTopics()]).toEqual([['sums', 'app-sums-changelog']]);
    await task.initStores();
    expect(task.process(raw('app-sums-repartition', 10, 'abc', 2, 50))).toBe(true);
    expect(task.process(raw('app-sums-repartition', 11, 'abc', 5, 40))).toBe(true);
    expect(task.streamTime).toBe(50);
    expect(out.sent.map((s) => [s.topic, s.key, s.timestamp, s.partition])).toEqual([
      ['app-sums-changelog', 'abc', 50, 3],
      ['sums', 'abc', 50, 3], // custom partitioner: 'abc'.length % 4
      ['app-sums-changelog', 'abc', 40, 3],
      ['sums', 'abc', 40, 3],
    ]);
    expect(num.deserialize(out.sent[3]!.value, { topic: 'sums', isKey: false })).toBe(7);
    expect(task.counters.processed).toBe(2);
    await task.flush();
    await task.close();
    await task.close();
    expect(() => task.process(raw('app-sums-repartition', 12, 'abc', 1, 60))).toThrow(/closed/);
  });

  it('refuses records of topics it does not read, and skips records with an invalid timestamp', async () => {
    const task = StreamTask.create(summing().plan(), 0, 3, {
      applicationId: 'app',
      stateDir: '/nonexistent',
      collector: collector(1),
    });
    await task.initStores();
    expect(() => task.process(raw('sums-repartition', 0, 'a', 1, 1))).toThrow(TaskError);
    expect(task.process(raw('app-sums-repartition', 0, 'a', 1, -5))).toBe(false);
    expect(task.counters.skippedInvalidTimestamp).toBe(1);
    await task.close();
  });

  it('hands undecodable records to the handler with their coordinates', async () => {
    const failures: Array<{ topic: string; partition: number; offset: number; code: unknown }> = [];
    const task = StreamTask.create(summing().plan(), 0, 3, {
      applicationId: 'app',
      stateDir: '/nonexistent',
      collector: collector(1),
      deserializationHandler: (f) => {
        failures.push({
          topic: f.topic,
          partition: f.partition,
          offset: f.offset,
          code: (f.error as { code?: unknown }).code,
        });
        return 'continue';
      },
    });
    await task.initStores();
    const bad = { ...raw('app-sums-repartition', 9, 'a', 1, 1), value: Buffer.from([1, 2, 3]) };
    expect(task.process(bad)).toBe(false);
    expect(failures).toEqual([
      { topic: 'app-sums-repartition', partition: 3, offset: 9, code: 'STRM_ERR_SERDE_DECODE' },
    ]);
    expect(task.counters.skippedDeserialization).toBe(1);
    await task.close();
  });
});
