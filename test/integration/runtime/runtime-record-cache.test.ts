/**
 * The record cache on the real broker under exactly-once: a DSL count and a hopping-window sum (both
 * cached by default) end with the exact values read read_committed, which is only possible if the cache
 * is flushed inside each task's transaction, while writing far fewer output and changelog records than
 * there were inputs.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Consumed,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  WindowedSerdes,
} from '../../../topology/index.js';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

const str = Serdes.string();
const num = Serdes.number();
const windowKey = WindowedSerdes.timeWindowed(str, 1_000);
const REGIONS = ['north', 'south', 'east', 'west'];

function topology(input: string, counts: string, windows: string) {
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
  const grouped = builder.stream(input, Consumed.with(str, num)).groupByKey();
  grouped
    .count(Materialized.as<string, number>('region-counts'))
    .toStream()
    .to(counts, Produced.with(str, num));
  grouped
    .windowedBy(TimeWindows.ofSizeAndGrace(1_000, 60_000).advanceBy(250))
    .aggregate(
      () => 0,
      (_k, amount, sum) => sum + amount,
      Materialized.as<string, number>('region-window-sums').withRetention(600_000),
    )
    .toStream()
    .to(windows, Produced.with(windowKey, num));
  return builder.build();
}

describe('KafkaStreams with the record cache (exactly-once)', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  it('ends with the exact counts and window sums read_committed, writing fewer records than it read', async () => {
    const [input, counts, windows] = await createTopics([
      { topic: uniqueName('cache-orders'), partitions: 2 },
      { topic: uniqueName('cache-counts'), partitions: 2 },
      { topic: uniqueName('cache-windows'), partitions: 2 },
    ]);
    const start = Date.now() - 60_000;
    const records = Array.from({ length: 2_000 }, (_, i) => ({
      key: REGIONS[i % REGIONS.length]!,
      amount: (i % 7) + 1,
      timestamp: start + i * 10,
    }));
    const producer = inputProducer({ clientId: 'test-cache-orders' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: records.map((r) => ({
        key: r.key,
        value: num.serialize(r.amount, { topic: input!, isKey: false, headers: {} }),
        timestamp: String(r.timestamp),
      })),
    });
    await producer.disconnect();

    const expectedCounts = new Map<string, number>();
    const expectedWindows = new Map<string, number>();
    for (const r of records) {
      expectedCounts.set(r.key, (expectedCounts.get(r.key) ?? 0) + 1);
      for (let s = Math.floor(r.timestamp / 250) * 250; s > r.timestamp - 1_000; s -= 250) {
        if (s < 0) continue;
        const id = `${r.key}@${s}`;
        expectedWindows.set(id, (expectedWindows.get(id) ?? 0) + r.amount);
      }
    }

    const applicationId = uniqueName('record-cache');
    const streams = new KafkaStreams(topology(input!, counts!, windows!), {
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: `/tmp/${applicationId}`,
      processingGuarantee: 'exactly_once',
      commitIntervalMs: 500,
      logger: pino({ level: process.env.RT_LOG ?? 'warn' }),
    });
    running.push(streams);
    await streams.start();

    const decode = (value: Buffer | null, topic: string) =>
      num.deserialize(value, { topic, isKey: false, headers: {} }) as number;
    const lastCounts = await waitFor(
      async () => {
        const last = new Map<string, number>();
        for (const r of await readAll(counts!, { isolation: 'read_committed' }))
          last.set(r.key!.toString(), decode(r.value, counts!));
        return [...last.values()].reduce((a, b) => a + b, 0) === records.length ? last : undefined;
      },
      { timeoutMs: 60_000, description: 'every record counted in the committed counts' },
    );
    expect(lastCounts).toEqual(expectedCounts);
    const committedWindows = await waitFor(
      async () => {
        const out = await readAll(windows!, { isolation: 'read_committed' });
        const last = new Map<string, number>();
        for (const r of out) {
          const key = windowKey.deserialize(r.key, { topic: windows!, isKey: true, headers: {} })!;
          last.set(`${key.key}@${key.window.start}`, decode(r.value, windows!));
        }
        const done = [...expectedWindows].every(([id, sum]) => last.get(id) === sum);
        return done ? { last, records: out.length } : undefined;
      },
      { timeoutMs: 60_000, description: 'every window at its final sum in the committed output' },
    );
    expect(committedWindows.last).toEqual(expectedWindows);

    // One record per key per commit (or eviction), not per update: far fewer than the 2,000 counts and
    // the ~8,000 window updates without a cache.
    const countRecords = (await readAll(counts!, { isolation: 'read_committed' })).length;
    expect(countRecords).toBeLessThan(records.length / 4);
    expect(committedWindows.records).toBeLessThan(expectedWindows.size * 4);
    const changelog = await readAll(`${applicationId}-region-counts-changelog`, {
      isolation: 'read_committed',
    });
    expect(changelog.length).toBeLessThan(records.length / 4);
    const stats = streams.recordCacheStatistics();
    expect(stats?.tasks).toBe(2);
    expect(stats?.maxBytes).toBe(10 * 1024 * 1024);
    expect(stats?.hits).toBeGreaterThan(0);
  });
});
