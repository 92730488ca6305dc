/**
 * Writes the "Pipeline benchmark" section of bench/RESULTS.md from result files (default: the newest of
 * each scenario) and, if given, the CPU profile of a seed run, between its own markers; the other
 * sections of the file are left as they are.
 *
 *   npx tsx bench/runner/results-section.ts [--profile <folder or .cpuprofile>] [result.json ...]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mainProfileIn, summariseProfile } from './profile-summary.js';
import { RESULTS_DIR } from './results.js';

const START = '<!-- pipeline-benchmark:start -->';
const END = '<!-- pipeline-benchmark:end -->';
const FILE = 'bench/RESULTS.md';

// biome-ignore lint/suspicious/noExplicitAny: result files are read back as plain JSON
type Json = any;

function load(file: string): { file: string; json: Json } {
  return { file, json: JSON.parse(readFileSync(file, 'utf8')) };
}

function newest(scenario: string): { file: string; json: Json } | undefined {
  const files = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith(`-${scenario}.json`))
    .sort();
  const file = files[files.length - 1];
  if (file === undefined) return undefined;
  return { file: join(RESULTS_DIR, file), json: JSON.parse(readFileSync(join(RESULTS_DIR, file), 'utf8')) };
}

const n = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value)
    ? 'n/a'
    : Math.round(value).toLocaleString('en');

function machineLine(json: Json): string {
  const m = json.machine;
  return `${m.cpus}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.java || 'Java version not recorded (runner before the fix)'}; Kafka ${json.settings.kafka} (${json.settings.broker} single broker); 1-minute load average ${m.loadAverageBefore[0]} before, ${m.loadAverageAfter?.[0]} after`;
}

function pipelineTable(json: Json): string[] {
  const lines = [
    '| setting | runs | decided/min | p50 ms | p95 ms | p99 ms | max ms | committed lag max | position lag max (mean) | instance CPU (cores) | instance RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const m of json.medians) {
    lines.push(
      `| ${m.setting} | ${m.runs} | ${n(m.sustainedPerMinute)} | ${n(m.p50Ms)} | ${n(m.p95Ms)} | ${n(m.p99Ms)} | ${n(m.maxMs)} | ${n(m.committedLagMax)} | ${n(m.positionLagMax)} (${n(m.positionLagMean)}) | ${Number(m.instanceCpuMean).toFixed(2)} | ${n(m.instanceRssMaxMiB)} |`,
    );
  }
  return lines;
}

function runsLine(json: Json): string {
  return json.runs
    .map(
      (r: Json) =>
        `${r.label}: ${n(r.reservationsSent)} sent, ${n(r.confirmed)} confirmed, ${n(r.rejected)} rejected, ${n(r.undecided)} undecided, payments lag max ${n(r.lag.paymentsMax)}, ${r.deadLetters} dead letters`,
    )
    .join('; ');
}

function unavailableLines(json: Json): string[] {
  return Object.entries(json.unavailable ?? {}).map(([g, message]) => `- \`${g}\`: not measured, ${message}`);
}

function render(profileTarget: string | undefined, files: readonly string[]): string {
  const chosen = (scenario: string) => {
    const given = files.map(load).filter((r) => r.json.scenario === scenario);
    const fallback = files.length === 0 ? newest(scenario) : undefined;
    return given.length > 0 ? given : fallback === undefined ? [] : [fallback];
  };
  const out: string[] = [START, '## Pipeline benchmark', ''];
  out.push(
    'Measured with `bench/runner` (see `bench/runner/README.md`): the reservation topology plus payment worker per instance, load straight onto the input topics, end-to-end latency from acceptance to the first `reservation.confirmed|rejected`. Medians of the runs listed. The 1-minute load average before and after is given with every table: the broker, instances and runner of the benchmark share the cores of the machine, and other work may have too.',
    '',
  );
  for (const seed of chosen('seed')) {
    const s = seed.json.settings;
    out.push(`### seed: ${n(Number(s.rate))} reservations/min for ${s.duration} s (\`${seed.file}\`)`, '');
    out.push(`- ${machineLine(seed.json)}`);
    out.push(
      `- Settings: ${s.partitions} partitions, ${s.properties} properties, commit interval ${s.commitInterval} ms, seed ${s.seed}+run`,
    );
    out.push(...unavailableLines(seed.json), '');
    out.push(...pipelineTable(seed.json), '');
    out.push(`Design targets: p95 < 100 ms, lag < 100. Runs: ${runsLine(seed.json)}.`, '');
    const first = seed.json.runs[0];
    if (first) {
      out.push('Records written per reservation sent (first run):', '');
      out.push('| topic | records/reservation |', '|---|---:|');
      for (const [topic, v] of Object.entries(first.recordsPerReservation)) {
        out.push(`| ${topic.replace(/^bench-[^-]+-[^-]+-[^-]+-\d+-[a-z0-9]+-/, '<app>-')} | ${v} |`);
      }
      out.push('');
    }
  }
  for (const max of chosen('max')) {
    const s = max.json.settings;
    out.push(
      `### max: rates ${s.rates} reservations/min, ${s.step} s each, in one run (\`${max.file}\`)`,
      '',
    );
    out.push(`- ${machineLine(max.json)}`, ...unavailableLines(max.json), '');
    out.push(
      '| run | step target/min | decided/min | p95 ms | committed lag start → end | bounded |',
      '|---|---:|---:|---:|---:|---|',
    );
    for (const run of max.json.runs) {
      for (const p of run.phases) {
        out.push(
          `| ${run.label} | ${n(p.targetPerMinute)} | ${n(p.decidedPerMinute)} | ${n(p.latencyMs.p95)} | ${n(p.lagStart)} → ${n(p.lagEnd)} | ${p.bounded ? 'yes' : 'no'} |`,
        );
      }
    }
    out.push(
      '',
      `Highest bounded step (the pipeline decided at least 90 % of the offered rate and lag did not keep growing), median of runs: ${max.json.medians.map((m: Json) => `**${m.setting}: ${n(m.maxBoundedPerMinute)} decided reservations/min**`).join(', ')}.`,
      '',
    );
  }
  for (const scale of chosen('scale')) {
    const s = scale.json.settings;
    out.push(
      `### scale: ${s.instances} instances, ${s.partitions} partitions, ${n(Number(s.rate))} reservations/min offered for ${s.duration} s (\`${scale.file}\`)`,
      '',
    );
    out.push(`- ${machineLine(scale.json)}`, '');
    out.push(...pipelineTable(scale.json), '');
  }
  for (const peers of chosen('peers')) {
    const p = peers.json.peers;
    out.push(
      `### peers: one backlog of ${n(p.backlog)} reservations, ${p.guarantee}, ${p.commitIntervalMs} ms commits (\`${peers.file}\`)`,
      '',
    );
    out.push(`- ${machineLine(peers.json)}`, '');
    out.push(
      '| contender | run | records/s | seconds | CPU s per 1,000 records | RSS MiB |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const d of p.drains) {
      out.push(
        `| ${d.contender} | ${d.run} | ${n(d.recordsPerSecond)} | ${d.seconds} | ${d.cpuSecondsPer1000} | ${n(d.rssMiB)} |`,
      );
    }
    out.push('', '| ratio (ours ÷ peer), measured in the same run | per run | median |', '|---|---|---:|');
    out.push(
      `| ours ÷ Kafka Streams | ${p.ratios.perRun.map((r: Json) => r.oursToKafkaStreams).join(', ')} | ${p.ratios.medianOursToKafkaStreams} |`,
    );
    out.push(
      `| ours ÷ raw kafkajs | ${p.ratios.perRun.map((r: Json) => r.oursToRawKafkajs).join(', ')} | ${p.ratios.medianOursToRawKafkajs} |`,
      '',
    );
  }
  if (profileTarget !== undefined) {
    const file = statSync(profileTarget).isDirectory() ? mainProfileIn(profileTarget) : profileTarget;
    const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')));
    out.push(
      `### CPU profile of one instance (seed run 1, \`node --cpu-prof\`, ${n(summary.totalMs)} ms sampled)`,
      '',
    );
    out.push('| area | share | | function (self time) | share |', '|---|---:|---|---|---:|');
    const areas = summary.areas.slice(0, 12);
    const functions = summary.functions.slice(0, 20);
    for (let i = 0; i < Math.max(areas.length, functions.length); i++) {
      const a = areas[i];
      const f = functions[i];
      out.push(
        `| ${a?.area ?? ''} | ${a ? `${a.share} %` : ''} | | ${f ? `\`${f.name}\`` : ''} | ${f ? `${f.share} %` : ''} |`,
      );
    }
    out.push('');
  }
  out.push(END);
  return out.join('\n');
}

const args = process.argv.slice(2);
const profileAt = args.indexOf('--profile');
const profile = profileAt >= 0 ? args[profileAt + 1] : undefined;
// Without --profile (index -1) every argument is a result file; `profileAt + 1` would drop the first.
const files = profileAt < 0 ? args : args.filter((_, i) => i !== profileAt && i !== profileAt + 1);
const section = render(profile, files);
const current = readFileSync(FILE, 'utf8');
const start = current.indexOf(START);
const end = current.indexOf(END);
const next =
  start >= 0 && end > start
    ? `${current.slice(0, start)}${section}${current.slice(end + END.length)}`
    : `${current.trimEnd()}\n\n${section}\n`;
writeFileSync(FILE, next);
// The file is linted as markdown: format it the way biome does, or `npm run lint` turns red.
execFileSync('npx', ['biome', 'check', '--write', FILE], { stdio: 'inherit' });
console.log(section);
