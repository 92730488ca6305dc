/**
 * Throughput of windowed aggregations, suppression and joins on the Kafka-free task engine: raw records
 * in, raw records out to an in-memory collector, no broker. It shows what each windowing and join
 * operator costs per record relative to a plain count (bench/topology-engine), before kafkajs costs.
 *
 * Run: npx tsx bench/topology-windows/run.ts [records] [storeType: in_memory|rocksdb]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BufferConfig,
  Consumed,
  JoinWindows,
  type KGroupedStream,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
} from '../../topology/index.js';
import { StreamTask } from '../../topology/internal/task/stream-task.js';
import type { RawRecord, RecordCollector } from '../../topology/internal/task/task-io.js';

const records = Number(process.argv[2] ?? 100_000);
const storeType = (process.argv[3] ?? 'in_memory') as 'in_memory' | 'rocksdb';
const KEYS = 1_000;
const str = Serdes.string();
const num = Serdes.number();
const SECOND = 1_000;

/** One record per millisecond, keys round-robin: each key gets a record every second of event time. */
function input(count: number, topics: readonly string[]): RawRecord[] {
  const out: RawRecord[] = [];
  for (let i = 0; i < count; i++) {
    const topic = topics[i % topics.length]!;
    out.push({
      topic,
      partition: 0,
      offset: i,
      timestamp: 1_700_000_000_000 + i,
      key: str.serialize(`key-${i % KEYS}`, { topic, isKey: true }),
      value: num.serialize(i % 1000, { topic, isKey: false }),
      headers: {},
    });
  }
  return out;
}

/** Any table whose changes can be written out (tables are invariant in their type parameters). */
interface Writable {
  toStream(): { to(topic: string): void };
}

function windowed(aggregate: (grouped: KGroupedStream<string, number>) => Writable): Topology {
  const builder = new StreamsBuilder({ defaultStoreType: storeType });
  aggregate(builder.stream('events', Consumed.with(str, num)).groupByKey())
    .toStream()
    .to('out');
  return builder.build();
}

function streamStreamJoin(): Topology {
  const builder = new StreamsBuilder({ defaultStoreType: storeType });
  const left = builder.stream('left', Consumed.with(str, num));
  const right = builder.stream('right', Consumed.with(str, num));
  left
    .leftJoin(right, (a, b) => a + (b ?? 0), JoinWindows.ofTimeDifferenceWithNoGrace(2 * SECOND))
    .to('out', Produced.with(str, num));
  return builder.build();
}

function streamTableJoin(): Topology {
  const builder = new StreamsBuilder({ defaultStoreType: storeType });
  const table = builder.table('right', Consumed.with(str, num));
  builder
    .stream('left', Consumed.with(str, num))
    .join(table, (a, b) => a + b)
    .to('out', Produced.with(str, num));
  return builder.build();
}

async function measure(name: string, topology: Topology, raw: RawRecord[]): Promise<void> {
  let sent = 0;
  const collector: RecordCollector = {
    send() {
      sent++;
    },
  };
  const stateDir = mkdtempSync(join(tmpdir(), 'windows-bench-'));
  const task = StreamTask.create(topology.plan(), 0, 0, { applicationId: 'bench', stateDir, collector });
  await task.initStores();
  task.initProcessors();
  // Warm the JIT on a slice first so the timed run measures steady state.
  const warm = Math.min(10_000, raw.length / 10);
  for (let i = 0; i < warm; i++) task.process(raw[i]!);
  const start = process.hrtime.bigint();
  for (let i = warm; i < raw.length; i++) task.process(raw[i]!);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await task.flush();
  await task.close();
  rmSync(stateDir, { recursive: true, force: true });
  const timed = raw.length - warm;
  console.log(
    `${name.padEnd(44)} ${Math.round(timed / seconds)
      .toLocaleString('en-US')
      .padStart(
        9,
      )} records/s  (${timed} records, ${sent} sends incl. changelog, ${(seconds * 1000).toFixed(0)} ms)`,
  );
}

const events = input(records, ['events']);
const twoSided = input(records, ['left', 'right']);
console.log(
  `node ${process.version}, ${records} records, ${KEYS} keys, one record per ms, ${storeType} stores`,
);
await measure(
  'count (no windows)',
  windowed((g) => g.count()),
  events,
);
await measure(
  'tumbling 60 s count',
  windowed((g) => g.windowedBy(TimeWindows.ofSizeWithNoGrace(60 * SECOND)).count()),
  events,
);
await measure(
  'hopping 60 s / 15 s count (4 windows each)',
  windowed((g) => g.windowedBy(TimeWindows.ofSizeWithNoGrace(60 * SECOND).advanceBy(15 * SECOND)).count()),
  events,
);
await measure(
  'tumbling 60 s count, suppressed to final',
  windowed((g) =>
    g
      .windowedBy(TimeWindows.ofSizeWithNoGrace(60 * SECOND))
      .count()
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())),
  ),
  events,
);
await measure(
  'sliding 10 s count',
  windowed((g) => g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10 * SECOND)).count()),
  events,
);
await measure(
  'session (gap 5 s) count',
  windowed((g) => g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5 * SECOND)).count()),
  events,
);
await measure('stream-table join', streamTableJoin(), twoSided);
await measure('stream-stream left join (2 s window)', streamStreamJoin(), twoSided);
