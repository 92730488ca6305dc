/**
 * Encode and decode throughput of the Avro serde on a `reservation.created` event (wire format, writer id
 * cached, logical types on), in records per second, median of 3 interleaved runs after a warm-up. JSON
 * (`JSON.stringify` / `JSON.parse` of the same event) and plain avsc (same schema, no logical types, no
 * wire header) are measured beside it for scale.
 *
 * The registry is the in-memory one: after `prepare`/`prepareBatch` the serde makes no registry call per
 * record (a unit test proves it), so a real registry would not change these numbers.
 *
 * Run: `npm run bench:serdes` (options: `--records 200000 --runs 3`). Prints a Markdown table, writes
 * `bench/results/serdes.json` and replaces the "Serdes" section of `bench/RESULTS.md` (between its
 * `serdes:start`/`serdes:end` markers, appended if absent; other sections are left alone).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import avro from 'avsc';
import { avroSerde } from '../../schemas/avro-serde.js';
import { ReservationCreatedSchema } from '../../schemas/generated/index.js';
import { InMemorySchemaRegistry } from '../../schemas/registry/in-memory-schema-registry.js';
import type { SerdeContext } from '../../schemas/serde.js';
import { sampleReservationCreated } from './sample-reservation.js';

interface Measurement {
  readonly name: string;
  readonly recordsPerSecond: number[];
  readonly medianRecordsPerSecond: number;
  readonly bytesPerRecord: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Records per second of one run of `work(i)` for i in [0, records). */
function timeOnce(records: number, work: (i: number) => void): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < records; i += 1) work(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(records / seconds);
}

const START = '<!-- serdes:start -->';
const END = '<!-- serdes:end -->';

/** The Markdown section of bench/RESULTS.md for this run. */
function resultsSection(
  table: readonly Measurement[],
  records: number,
  runs: number,
  machine: string,
): string {
  const row = (name: string) => table.find((measurement) => measurement.name.startsWith(name))!;
  const ratio = (a: string, b: string) =>
    (row(a).medianRecordsPerSecond / row(b).medianRecordsPerSecond).toFixed(2);
  const lines = [
    START,
    '## Serdes',
    '',
    `Measured ${new Date().toISOString()} with \`npm run bench:serdes\` (\`bench/serdes/serdes-bench.ts\`).`,
    '',
    `- Machine: ${machine} (1-minute load average at the end; other work shared the machine, so absolute`,
    '  numbers are low and noisy; compare rows of one run).',
    `- Workload: a \`reservation.created\` event (3 nights, 2 rooms, 13 decimal amounts, 5 dates) from`,
    `  \`bench/serdes/sample-reservation.ts\`, 1,000 distinct events cycled, ${records.toLocaleString('en-US')} records per run,`,
    `  median of ${runs} runs interleaved across codecs, after a warm-up; one thread; the registry is in memory and`,
    '  never called on the hot path.',
    '',
    '| codec | records/s (median) | runs | bytes/record |',
    '| --- | ---: | --- | ---: |',
    ...table.map(
      (m) =>
        `| ${m.name} | ${m.medianRecordsPerSecond.toLocaleString('en-US')} | ${m.recordsPerSecond
          .map((value) => value.toLocaleString('en-US'))
          .join(' / ')} | ${m.bytesPerRecord} |`,
    ),
    '',
    `- Against plain avsc on the same schema (amounts left as raw Buffers, dates as ints), the serde runs at ` +
      `${ratio('avro encode', 'plain avsc encode')}x (encode) and ${ratio('avro decode', 'plain avsc decode')}x`,
    '  (decode) the speed: that is the price (or saving) of exact, validated dates and decimal strings, read',
    '  and written in place, plus the wire header.',
    `- Avro records are ${row('avro encode').bytesPerRecord} bytes against ${row('json encode').bytesPerRecord} for JSON.`,
    END,
  ];
  return `${lines.join('\n')}\n`;
}

function writeResultsSection(section: string): void {
  const path = fileURLToPath(new URL('../RESULTS.md', import.meta.url));
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${section}${current.slice(end + END.length).replace(/^\n/, '')}`
      : `${current.trimEnd()}\n\n${section}`;
  writeFileSync(path, next);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '200000' }, runs: { type: 'string', default: '3' } },
  });
  const records = Number(values.records);
  const runs = Number(values.runs);
  const context: SerdeContext = { topic: 'reservation.created', isKey: false };
  const serde = avroSerde(ReservationCreatedSchema, { registry: new InMemorySchemaRegistry() });
  await serde.prepare(context);

  // 1,000 distinct events, cycled, so that caches of one value do not flatter the numbers.
  const events = Array.from({ length: 1_000 }, (_, i) => sampleReservationCreated(i + 1));
  const encoded = events.map((event) => serde.serialize(event, context)!);
  const json = events.map((event) => JSON.stringify(event));
  await serde.prepareBatch(encoded, context);

  let sink = 0; // keeps the results alive so the work is not optimised away
  const cases: Array<{ name: string; bytes: number; work: (i: number) => void }> = [];
  const add = (name: string, bytes: number, work: (i: number) => void) => {
    cases.push({ name, bytes, work });
  };
  const avroBytes = Math.round(encoded.reduce((sum, buffer) => sum + buffer.length, 0) / encoded.length);
  const jsonBytes = Math.round(json.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / json.length);
  add('avro encode (serialize)', avroBytes, (i) => {
    sink += serde.serialize(events[i % 1_000]!, context)!.length;
  });
  add('avro decode (deserialize)', avroBytes, (i) => {
    sink += serde.deserialize(encoded[i % 1_000]!, context).stayDetails.nights;
  });
  // Plain avsc on the same schema without our logical types (dates as ints, amounts as raw bytes) and
  // without the wire header: what the exact logical types and the serde cost on top of avsc.
  const plain = avro.Type.forSchema(ReservationCreatedSchema.schema as avro.Schema);
  const plainValues = encoded.map((bytes) => plain.fromBuffer(bytes.subarray(5)));
  const plainBytes = plainValues.map((value) => plain.toBuffer(value));
  add('plain avsc encode (no logical types, no header)', avroBytes - 5, (i) => {
    sink += plain.toBuffer(plainValues[i % 1_000]).length;
  });
  add('plain avsc decode (no logical types, no header)', avroBytes - 5, (i) => {
    sink += (plain.fromBuffer(plainBytes[i % 1_000]!) as { stayDetails: { nights: number } }).stayDetails
      .nights;
  });
  add('json encode (JSON.stringify + Buffer.from)', jsonBytes, (i) => {
    sink += Buffer.from(JSON.stringify(events[i % 1_000]!)).length;
  });
  add('json decode (JSON.parse)', jsonBytes, (i) => {
    sink += (JSON.parse(json[i % 1_000]!) as { stayDetails: { nights: number } }).stayDetails.nights;
  });

  // Runs are interleaved (run 1 of every codec, then run 2, ...) so that a change in the machine's load
  // during the benchmark affects every codec alike and the rows stay comparable.
  for (const { work } of cases) for (let i = 0; i < Math.min(records, 50_000); i += 1) work(i);
  const perRun = cases.map(() => [] as number[]);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, { work }] of cases.entries()) perRun[index]!.push(timeOnce(records, work));
  }
  const table: Measurement[] = cases.map(({ name, bytes }, index) => ({
    name,
    recordsPerSecond: perRun[index]!,
    medianRecordsPerSecond: median(perRun[index]!),
    bytesPerRecord: bytes,
  }));

  const load = loadavg()[0]!.toFixed(1);
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load ${load}`;
  console.log(`Serdes benchmark: reservation.created, ${records} records per run, median of ${runs} runs`);
  console.log(`Machine: ${machine}\n`);
  console.log('| codec | records/s (median) | runs | bytes/record |');
  console.log('|---|---:|---|---:|');
  for (const row of table) {
    const perRun = row.recordsPerSecond.map((value) => value.toLocaleString('en-US')).join(' / ');
    console.log(
      `| ${row.name} | ${row.medianRecordsPerSecond.toLocaleString('en-US')} | ${perRun} | ${row.bytesPerRecord} |`,
    );
  }
  const outDir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    `${outDir}serdes.json`,
    `${JSON.stringify({ date: new Date().toISOString(), machine, records, runs, results: table }, null, 2)}\n`,
  );
  writeResultsSection(resultsSection(table, records, runs, machine));
  if (sink === 0) console.log('(no work was done)');
}

await main();
