/**
 * Failover time: one of two instances is SIGKILLed; how long until the survivor processes a record sent
 * to one of the dead instance's tasks, how much of that is waiting for the dead member's session to
 * expire and how much is restoring its stores, with and without standby replicas.
 *
 *   npm run bench:failover -- [--runs 3] [--records 200000] [--standbys 0,1] [--session-timeout-ms 6000]
 *                             [--partitions 6] [--guarantee at_least_once] [--private-broker]
 *
 * Writes bench/results/<timestamp>-failover.json (settings, machine, every run, medians) and prints
 * progress and the summary. See failover-run.ts for what one run does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
import { benchKafka } from '../runner/bench-client.js';
import { type BenchCluster, openBenchCluster } from '../runner/cluster.js';
import { machineInfo, RESULTS_DIR } from '../runner/results.js';
import { median } from '../runner/stats.js';
import { type FailoverRunResult, type FailoverSettings, runFailover } from './failover-run.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

const log = (line: string) => process.stderr.write(`${line}\n`);

const options = new Command()
  .option('--runs <n>', 'runs per standby setting (the summary reports medians)', '3')
  .option('--records <n>', 'payments before the kill: changelog records over all tasks', '200000')
  .option('--keys <n>', 'distinct accounts', '20000')
  .option('--partitions <n>', 'input partitions (= stateful tasks)', '6')
  .option('--standbys <list>', 'numStandbyReplicas settings to compare, comma-separated', '0,1')
  .option('--session-timeout-ms <ms>', 'consumer session timeout of both instances', '6000')
  .option('--settle-ms <ms>', 'pause after the input is processed, before the kill', '3000')
  .option('--guarantee <g>', 'at_least_once or exactly_once', 'at_least_once')
  .option('--private-broker', "a private Kafka broker instead of the shared stack's", false)
  .parse()
  .opts<Record<string, string> & { privateBroker: boolean }>();

const settingsWithoutBrokers = {
  partitions: Number(options.partitions),
  records: Number(options.records),
  keys: Number(options.keys),
  guarantee: options.guarantee as ProcessingGuarantee,
  sessionTimeoutMs: Number(options.sessionTimeoutMs),
  settleMs: Number(options.settleMs),
};
const standbySettings = options.standbys!.split(',').map(Number);
const runs = Number(options.runs);

function summarise(results: ReadonlyArray<FailoverRunResult>) {
  return standbySettings.map((standbys) => {
    const mine = results.filter((r) => r.standbys === standbys);
    const m = (pick: (r: FailoverRunResult) => number) => Math.round(median(mine.map(pick)));
    return {
      standbys,
      runs: mine.length,
      medianFailoverMs: m((r) => r.failoverMs),
      medianDetectionMs: m((r) => r.detectionMs),
      medianAssignedMs: m((r) => r.assignedMs),
      medianRestoreMs: m((r) => r.restoreMs),
      medianRestoredRecords: m((r) => r.restoredRecords),
      medianMovedChangelogRecords: m((r) => r.movedChangelogRecords),
      // What part of the failover the survivor spent restoring the moved stores.
      medianRestoreShareOfFailover: Number(median(mine.map((r) => r.restoreMs / r.failoverMs)).toFixed(3)),
    };
  });
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const cluster = await openBenchCluster({ sharedBroker: !options.privateBroker, log });
  const kafka = benchKafka('failover-bench', cluster.brokers, 'silent');
  const settings: FailoverSettings = { ...settingsWithoutBrokers, brokers: cluster.brokers };
  const results: FailoverRunResult[] = [];
  const file = join(
    RESULTS_DIR,
    `${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}-failover.json`,
  );
  try {
    for (let run = 0; run < runs; run++) {
      // Interleaved, so that a change in the machine's load hits every setting alike.
      for (const standbys of standbySettings) {
        log(`run ${run + 1}/${runs}, numStandbyReplicas ${standbys} (${cluster.kind} broker):`);
        let result: FailoverRunResult;
        try {
          result = await runFailover(kafka, settings, standbys, run, log);
        } catch (error) {
          // One retry: a busy shared broker occasionally refuses a setup step; the run starts afresh.
          log(`  run failed (${(error as Error).message}); once more`);
          result = await runFailover(kafka, settings, standbys, run, log);
        }
        log(
          `  failover ${result.failoverMs} ms: detected ${result.detectionMs} ms, assigned ${result.assignedMs} ms, ` +
            `restored ${result.restoredRecords} of ${result.movedChangelogRecords} changelog records in ${result.restoreMs} ms ` +
            `(load ${result.loadAverage})`,
        );
        log(`  survivor after the kill: ${result.survivorTimeline.join(', ')}`);
        results.push(result);
        // After every run, so that a failure later keeps what was measured.
        await writeResults(file, machine, cluster, results);
      }
    }
  } finally {
    await cluster.close();
  }
  console.log(JSON.stringify(summarise(results), null, 2));
  log(`wrote ${file}`);
}

async function writeResults(
  file: string,
  machine: ReturnType<typeof machineInfo>,
  cluster: BenchCluster,
  results: ReadonlyArray<FailoverRunResult>,
): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const content = {
    measuredAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAfter: loadavg().map((l) => Math.round(l * 10) / 10) },
    broker: { kind: cluster.kind, kafkaVersion: cluster.kafkaVersion },
    settings: settingsWithoutBrokers,
    summary: summarise(results),
    runs: results,
  };
  await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
}

await main();
process.exit(0);
