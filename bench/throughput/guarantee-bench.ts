/**
 * Exactly-once against at-least-once on the same stateful topology (count per key, logged store), same
 * broker and input, median of 3 interleaved runs. The clock stops when the commit after the last output is
 * done: under exactly-once that is when the outputs become visible to read_committed readers. A third row
 * runs exactly-once with kafkajs' default first retry delay (300 ms) instead of the runtime's 10 ms, to
 * show what the CONCURRENT_TRANSACTIONS backoff after each commit costs (kafkajs issue 304).
 * Writes `bench/results/throughput-guarantees.json` and prints a Markdown section for bench/RESULTS.md.
 *
 *   npx tsx bench/throughput/guarantee-bench.ts          # BENCH_RECORDS=50000 by default
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import pino from 'pino';
import { acquireStack } from '../../stack/stack.js';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';
import { runStreams } from './streams-run.js';
import { statefulTopology } from './topologies.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 50_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);
const VALUE_BYTES = 200;
const KEYS = 1_000;
const RUNS = 3;

const SCENARIOS = {
  'at-least-once': { processingGuarantee: 'at_least_once' },
  'exactly-once': { processingGuarantee: 'exactly_once', transactionRetryMs: 10 },
  'exactly-once, 300 ms retry': { processingGuarantee: 'exactly_once', transactionRetryMs: 300 },
} as const;
type Scenario = keyof typeof SCENARIOS;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) =>
  values.length === 0
    ? 0
    : [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function main(): Promise<void> {
  const { result, release } = await acquireStack({ log: (line) => console.error(`[stack] ${line}`) });
  const brokers = result.endpoints.kafkaBrokers;
  const kafka = createKafkaClient({ clientId: 'bench-guarantees', brokers, logger: pino({ level: 'warn' }) });
  const admin = kafka.admin();
  await admin.connect();
  const stamp = Date.now().toString(36);
  const input = `bench-guarantees-in-${stamp}`;
  const created: string[] = [input];
  const loadBefore = loadavg()[0]!;
  const rates = new Map<Scenario, number[]>();
  const commits = new Map<Scenario, number[]>();
  try {
    await admin.ensureTopics([{ name: input, partitions: PARTITIONS }]);
    await fillInput(kafka, input);
    for (let run = 0; run < RUNS; run++) {
      for (const [scenario, settings] of Object.entries(SCENARIOS) as Array<
        [Scenario, (typeof SCENARIOS)[Scenario]]
      >) {
        const slug = scenario.replace(/[^a-z0-9]+/g, '-');
        const output = `bench-guarantees-out-${stamp}-${slug}-${run}`;
        const applicationId = `bench-guarantees-${stamp}-${slug}-${run}`;
        created.push(output, `${applicationId}-bench-counts-changelog`);
        await admin.ensureTopics([{ name: output, partitions: PARTITIONS }]);
        const measured = await runStreams({
          brokers,
          applicationId,
          topology: statefulTopology(input, output),
          inputRecords: RECORDS,
          expectedOutputs: 2 * RECORDS,
          until: 'committed',
          ...settings,
        });
        const perSecond = measured.records / measured.seconds;
        rates.set(scenario, [...(rates.get(scenario) ?? []), perSecond]);
        commits.set(scenario, [...(commits.get(scenario) ?? []), ...measured.commitMs]);
        console.error(
          `run ${run + 1} ${scenario}: ${Math.round(perSecond)} records/s, ${measured.commitMs.length} commits, median commit ${median(measured.commitMs).toFixed(1)} ms`,
        );
      }
    }
  } finally {
    await admin.deleteTopics(created).catch(() => undefined);
    await admin.disconnect();
    await release();
  }
  const rows = [...rates].map(([scenario, runs]) => ({
    scenario,
    medianRecordsPerSecond: Math.round(median(runs)),
    runs: runs.map(Math.round),
    commitMedianMs: Number(median(commits.get(scenario)!).toFixed(1)),
    commitP95Ms: Number(percentile(commits.get(scenario)!, 0.95).toFixed(1)),
    commits: commits.get(scenario)!.length,
  }));
  const machine = `${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const json = {
    date: new Date().toISOString(),
    machine,
    kafkaVersion: result.endpoints.kafkaVersion,
    loadAverage: [loadBefore, loadavg()[0]!],
    records: RECORDS,
    partitions: PARTITIONS,
    rows,
  };
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/throughput-guarantees.json', `${JSON.stringify(json, null, 2)}\n`);
  console.log(
    [
      '| guarantee | median records/s | runs | commit median / p95 (ms) | commits |',
      '|---|---:|---|---|---:|',
      ...rows.map(
        (row) =>
          `| ${row.scenario} | ${row.medianRecordsPerSecond.toLocaleString('en')} | ${row.runs.join(', ')} | ${row.commitMedianMs} / ${row.commitP95Ms} | ${row.commits} |`,
      ),
      '',
      `load average ${json.loadAverage.map((l) => l.toFixed(1)).join(' -> ')}, ${machine}, Kafka ${json.kafkaVersion}`,
    ].join('\n'),
  );
}

/** Writes RECORDS records of VALUE_BYTES bytes over KEYS keys, once, shared by every run. */
async function fillInput(kafka: ReturnType<typeof createKafkaClient>, topic: string): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  const value = Buffer.alloc(VALUE_BYTES, 'x');
  const now = Date.now();
  for (let start = 0; start < RECORDS; start += 20_000) {
    const records = [];
    for (let i = start; i < Math.min(RECORDS, start + 20_000); i++)
      records.push({ topic, key: Buffer.from(`key-${i % KEYS}`), value, timestamp: now + i });
    const failures = await producer.send(records);
    if (failures.length > 0) throw failures[0]!.error;
  }
  await producer.disconnect();
}

await main();
