/**
 * Throughput of the Kafka-free task engine alone: raw records in, raw records out to an in-memory
 * collector, no broker. It bounds what the runtime can reach per core, before kafkajs costs.
 *
 * Run: npx tsx bench/topology-engine/run.ts [records]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Consumed,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  type Topology,
} from '../../topology/index.js';
import { StreamTask } from '../../topology/internal/task/stream-task.js';
import type { RawRecord, RecordCollector } from '../../topology/internal/task/task-io.js';

interface Event {
  readonly userId: string;
  readonly amountCents: number;
  readonly kind: 'view' | 'buy';
}

const records = Number(process.argv[2] ?? 200_000);
const str = Serdes.string();
const events = Serdes.json<Event>();

function input(count: number, keys: number): RawRecord[] {
  const out: RawRecord[] = [];
  for (let i = 0; i < count; i++) {
    const userId = `user-${i % keys}`;
    const value: Event = { userId, amountCents: i % 1000, kind: i % 3 === 0 ? 'buy' : 'view' };
    out.push({
      topic: 'events',
      partition: 0,
      offset: i,
      timestamp: 1_700_000_000_000 + i,
      key: str.serialize(userId, { topic: 'events', isKey: true }),
      value: events.serialize(value, { topic: 'events', isKey: false }),
      headers: {},
    });
  }
  return out;
}

function stateless(): Topology {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(str, events))
    .filter((_, e) => e.kind === 'buy')
    .mapValues((e) => e.amountCents)
    .to('buys', Produced.with(str, Serdes.number()));
  return b.build();
}

function counting(storeType: 'in_memory' | 'rocksdb'): Topology {
  const b = new StreamsBuilder();
  b.stream('events', Consumed.with(str, events))
    .groupByKey()
    .count(Materialized.as('counts').withStoreType(storeType))
    .toStream()
    .to('counts', Produced.with(str, Serdes.number()));
  return b.build();
}

async function measure(name: string, topology: Topology, raw: RawRecord[]): Promise<void> {
  let sent = 0;
  const collector: RecordCollector = {
    send() {
      sent++;
    },
  };
  const stateDir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  const task = StreamTask.create(topology.plan(), 0, 0, { applicationId: 'bench', stateDir, collector });
  await task.initStores();
  task.initProcessors();
  // Warm the JIT on a slice first so the timed run measures steady state.
  const warm = Math.min(20_000, raw.length / 10);
  for (let i = 0; i < warm; i++) task.process(raw[i]!);
  const start = process.hrtime.bigint();
  for (let i = warm; i < raw.length; i++) task.process(raw[i]!);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await task.flush();
  await task.close();
  rmSync(stateDir, { recursive: true, force: true });
  const timed = raw.length - warm;
  console.log(
    `${name.padEnd(28)} ${Math.round(timed / seconds)
      .toLocaleString('en-US')
      .padStart(10)} records/s  (${timed} records, ${sent} sends, ${(seconds * 1000).toFixed(0)} ms)`,
  );
}

const raw = input(records, 10_000);
console.log(`node ${process.version}, ${records} records of ~${raw[0]!.value!.length} bytes, 10,000 keys`);
await measure('filter+mapValues+to', stateless(), raw);
await measure('count (in-memory, logged)', counting('in_memory'), raw);
await measure('count (RocksDB, logged)', counting('rocksdb'), raw);
