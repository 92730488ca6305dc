/**
 * Restoration from the broker: how fast a task rebuilds a store from its changelog through the runtime's
 * own restore path. A changelog of RECORDS records (KEYS distinct keys, VALUE_BYTES-byte values) is
 * produced once to `<applicationId>-<store>-changelog` (compacted config; the broker has not compacted the
 * active segment, so every record is read). Each run starts a `KafkaStreams` on a fresh state directory
 * (no checkpoint, no local files) and reports its `restoreCompleted` event, plus the time from `start()`
 * to RUNNING. RocksDB and in-memory runs are interleaved so that load changes hit both alike.
 *
 * Run with `npm run bench:restore` (needs the stack's broker); writes `bench/results/restore.json`.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import pino from 'pino';
import { Stores } from '../../state/stores.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { OutgoingRecord } from '../../topology/internal/kafka/types.js';
import { KafkaStreams } from '../../topology/runtime/kafka-streams.js';
import { Serdes } from '../../topology/serdes/index.js';
import { Topology } from '../../topology/topology.js';
import { machineDescription } from '../rocksdb-bindings/machine.js';
import { benchKafka } from '../runner/bench-client.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const RECORDS = Number(process.env.RESTORE_RECORDS ?? 1_000_000);
const KEYS = Number(process.env.RESTORE_KEYS ?? 100_000);
const VALUE_BYTES = 100;
const RUNS = Number(process.env.RESTORE_RUNS ?? 3);
const STORE = 'restore-bench-store';
const BATCH = 5_000;
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

type StoreKind = 'rocksdb' | 'in_memory';

interface RunResult {
  readonly store: StoreKind;
  readonly restoredRecords: number;
  readonly restoreMs: number;
  readonly startToRunningMs: number;
  readonly recordsPerSecond: number;
  readonly loadAverage: number;
}

/** A topology whose only state is the store under test; its input topic stays empty. */
function topology(input: string, kind: StoreKind): Topology {
  const supplier =
    kind === 'rocksdb' ? Stores.persistentKeyValueStore(STORE) : Stores.inMemoryKeyValueStore(STORE);
  return new Topology()
    .addSource('in', input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .addProcessor<string, string, string, string>('noop', () => ({ process: () => undefined }), 'in')
    .addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.string(), Serdes.string()), 'noop');
}

/**
 * Produces the changelog in sends of 5,000 records (the port's producer cuts them into requests under the
 * broker's 1 MB message limit) with acks=all; values are a fixed 100-byte pattern plus the sequence number.
 */
async function produceChangelog(kafka: KafkaClient, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const filler = 'x'.repeat(VALUE_BYTES);
  try {
    for (let first = 0; first < RECORDS; first += BATCH) {
      const records: OutgoingRecord[] = [];
      const now = Date.now();
      for (let n = first; n < Math.min(first + BATCH, RECORDS); n++) {
        const value = `${n}:${filler}`.slice(0, VALUE_BYTES);
        const key = `key-${String(n % KEYS).padStart(6, '0')}`;
        records.push({
          topic,
          key: Buffer.from(key),
          value: Buffer.from(value),
          partition: 0,
          timestamp: now,
        });
      }
      const failures = await producer.send(records);
      if (failures.length > 0) throw failures[0]!.error;
    }
  } finally {
    await producer.disconnect();
  }
}

async function runOnce(
  applicationId: string,
  input: string,
  kind: StoreKind,
  run: number,
): Promise<RunResult> {
  const stateDir = `/tmp/${applicationId}/${kind}-${run}`;
  const streams = new KafkaStreams(topology(input, kind), {
    applicationId,
    bootstrapServers: BROKERS,
    stateDir,
    logger: pino({ level: process.env.RT_LOG ?? 'warn' }),
  });
  let restore: { records: number; durationMs: number } | undefined;
  streams.events.on('restoreCompleted', (event) => {
    restore = { records: event.records, durationMs: event.durationMs };
  });
  const started = performance.now();
  const running = new Promise<void>((resolve) => {
    streams.setStateListener((state) => {
      if (state === 'RUNNING') resolve();
    });
  });
  await streams.start();
  await running;
  const startToRunningMs = performance.now() - started;
  await streams.close();
  await rm(stateDir, { recursive: true, force: true });
  if (restore === undefined) throw new Error(`run ${run} (${kind}): no restoreCompleted event`);
  return {
    store: kind,
    restoredRecords: restore.records,
    restoreMs: Math.round(restore.durationMs),
    startToRunningMs: Math.round(startToRunningMs),
    recordsPerSecond: Math.round(restore.records / (restore.durationMs / 1000)),
    loadAverage: Number(loadavg()[0]!.toFixed(1)),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const kafka = benchKafka('restore-bench', BROKERS, 'silent');
  const applicationId = `restore-bench-${Date.now()}`;
  const input = `${applicationId}-input`;
  const changelog = `${applicationId}-${STORE}-changelog`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.ensureTopics([
    { name: input, partitions: 1 },
    { name: changelog, partitions: 1, configs: { 'cleanup.policy': 'compact' } },
  ]);
  const results: RunResult[] = [];
  try {
    const producing = performance.now();
    await produceChangelog(kafka, changelog);
    console.log(`produced ${RECORDS} records in ${Math.round(performance.now() - producing)} ms`);
    for (let run = 0; run < RUNS; run++) {
      for (const kind of ['rocksdb', 'in_memory'] as const) {
        const result = await runOnce(applicationId, input, kind, run);
        console.log(JSON.stringify(result));
        results.push(result);
      }
    }
  } finally {
    await admin.deleteTopics([input, changelog]).catch(() => undefined);
    await admin.deleteGroups([applicationId]).catch(() => undefined);
    await admin.disconnect();
    await rm(`/tmp/${applicationId}`, { recursive: true, force: true });
  }

  const summary = (['rocksdb', 'in_memory'] as const).map((kind) => {
    const mine = results.filter((r) => r.store === kind);
    return {
      store: kind,
      medianRecordsPerSecond: median(mine.map((r) => r.recordsPerSecond)),
      medianRestoreMs: median(mine.map((r) => r.restoreMs)),
      medianStartToRunningMs: median(mine.map((r) => r.startToRunningMs)),
    };
  });
  const file = {
    measuredAt: new Date().toISOString(),
    machine: machineDescription(),
    workload: { records: RECORDS, keys: KEYS, valueBytes: VALUE_BYTES, partitions: 1, runs: RUNS },
    summary,
    runs: results,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/restore.json', `${JSON.stringify(file, null, 2)}\n`);
  console.log(JSON.stringify(summary, null, 2));
}

await main();
