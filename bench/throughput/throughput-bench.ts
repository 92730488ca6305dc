/**
 * Runtime throughput: records per second through a stateless and a stateful topology on KafkaStreams,
 * beside a raw kafkajs consume-produce loop, on the same broker and the same input (median of 3 runs
 * each). Writes `bench/results/throughput.json` and appends a dated section to `bench/RESULTS.md`.
 *
 *   npm run bench:throughput                 # on the local stack (started if needed)
 *   KAFKA_BROKERS=host:9092 npm run bench:throughput
 *   BENCH_RECORDS=50000 npm run bench:throughput
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import pino from 'pino';
import { acquireStack } from '../../stack/stack.js';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';
import { runRawLoop } from './raw-loop.js';
import { runStreams } from './streams-run.js';
import { statefulTopology, statelessTopology } from './topologies.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const VALUE_BYTES = 200;
const KEYS = 1_000;
const RUNS = 3;

interface Measurement {
  readonly records: number;
  readonly seconds: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rate = (m: Measurement) => m.records / m.seconds;

async function main(): Promise<void> {
  const { result, release } = await acquireStack({ log: (line) => console.error(`[stack] ${line}`) });
  const brokers = result.endpoints.kafkaBrokers;
  const logger = pino({ level: 'warn' });
  const kafka = createKafkaClient({ clientId: 'bench-throughput', brokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  const stamp = Date.now().toString(36);
  const input = `bench-throughput-in-${stamp}`;
  const created: string[] = [input];
  const loadBefore = loadavg()[0]!;
  try {
    await admin.ensureTopics([{ name: input, partitions: PARTITIONS }]);
    await fillInput(kafka, input);
    const results: Record<string, Measurement[]> = { raw: [], stateless: [], stateful: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const scenario of ['raw', 'stateless', 'stateful'] as const) {
        const output = `bench-throughput-out-${stamp}-${scenario}-${run}`;
        const applicationId = `bench-throughput-${stamp}-${scenario}-${run}`;
        created.push(output, `${applicationId}-bench-counts-changelog`);
        await admin.ensureTopics([{ name: output, partitions: PARTITIONS }]);
        const measurement =
          scenario === 'raw'
            ? await runRawLoop({ brokers, input, output, groupId: applicationId, expected: RECORDS })
            : await runStreams({
                brokers,
                applicationId,
                topology:
                  scenario === 'stateless'
                    ? statelessTopology(input, output)
                    : statefulTopology(input, output),
                inputRecords: RECORDS,
                expectedOutputs: scenario === 'stateless' ? RECORDS : 2 * RECORDS,
              });
        results[scenario]!.push(measurement);
        console.error(
          `run ${run + 1} ${scenario}: ${Math.round(rate(measurement))} records/s (${measurement.seconds.toFixed(2)} s)`,
        );
      }
    }
    await report(results, result.endpoints.kafkaVersion, [loadBefore, loadavg()[0]!]);
  } finally {
    await admin.deleteTopics(created).catch(() => undefined);
    await admin.disconnect();
    await release();
  }
}

/** Writes RECORDS records of VALUE_BYTES bytes over KEYS keys, once, shared by every run. */
async function fillInput(kafka: ReturnType<typeof createKafkaClient>, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(VALUE_BYTES, 'x');
  const now = Date.now();
  for (let start = 0; start < RECORDS; start += 20_000) {
    const records = [];
    for (let i = start; i < Math.min(RECORDS, start + 20_000); i++) {
      records.push({ topic, key: Buffer.from(`key-${i % KEYS}`), value, timestamp: now + i });
    }
    const failures = await producer.send(records);
    if (failures.length > 0) throw failures[0]!.error;
  }
  await producer.disconnect();
}

async function report(
  results: Record<string, Measurement[]>,
  kafkaVersion: string,
  load: [before: number, after: number],
): Promise<void> {
  const rows = Object.entries(results).map(([scenario, runs]) => ({
    scenario,
    medianRecordsPerSecond: Math.round(median(runs.map(rate))),
    runs: runs.map((m) => Math.round(rate(m))),
  }));
  const machine = `${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const json = {
    date: new Date().toISOString(),
    machine,
    kafkaVersion,
    loadAverage: load,
    records: RECORDS,
    partitions: PARTITIONS,
    valueBytes: VALUE_BYTES,
    keys: KEYS,
    rows,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/throughput.json', `${JSON.stringify(json, null, 2)}\n`);
  const label: Record<string, string> = {
    raw: 'raw kafkajs loop (eachBatch, awaited sendBatch per batch)',
    stateless: 'KafkaStreams, stateless (decode, upper-case, encode)',
    stateful: 'KafkaStreams, stateful (count per key, logged in-memory store)',
  };
  const lines = [
    '',
    `## Runtime throughput (${json.date.slice(0, 10)})`,
    '',
    `${RECORDS.toLocaleString('en')} input records of ${VALUE_BYTES} bytes over ${KEYS} keys, ${PARTITIONS} partitions, one local Kafka ${kafkaVersion} broker on the same machine (${machine}); one instance, default runtime settings (64 KiB per partition fetches, 1,000-record produce chunks, at-least-once, 1 s commit interval). Time from the first fetched batch to the last acknowledged output; the stateful topology also writes one changelog record per input. Median of ${RUNS} runs (\`npm run bench:throughput\`). The machine was shared: 1-minute load average ${load[0].toFixed(1)} at the start and ${load[1].toFixed(1)} at the end, on ${cpus().length} cores, so absolute figures are low and noisy; the three rows ran interleaved under the same conditions.`,
    '',
    '| scenario | median records/s | runs |',
    '|---|---:|---|',
    ...rows.map(
      (row) =>
        `| ${label[row.scenario]} | ${row.medianRecordsPerSecond.toLocaleString('en')} | ${row.runs.join(', ')} |`,
    ),
    '',
  ];
  await appendFile('bench/RESULTS.md', lines.join('\n'));
  console.log(lines.join('\n'));
}

await main();
