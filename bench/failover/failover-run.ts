/**
 * One failover measurement. Two instances (child processes) split the tasks of a fresh application while
 * its input is still empty, so that each instance's stores hold only its own tasks' state (a survivor that
 * once ran a task would keep its RocksDB files and restore only a tail, standby or not). Then:
 *
 * 1. `records` payments go in; both instances process them to the end (committed offsets at the input's
 *    end), then a short settle lets standby replicas catch up with the changelogs.
 * 2. The joiner (instance b) is SIGKILLed; right after, one marker payment goes to the input partition of
 *    one of its tasks.
 * 3. Failover time: from the kill until the marker's balance is on the output topic (its readable end
 *    offset moves: nothing else is produced after the kill). The survivor's reports give when it noticed
 *    (its rebalance started: the dead member's session expired), when it got the tasks, and what it
 *    restored and for how long.
 */
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaAdmin } from '../../topology/internal/kafka/admin.js';
import type { KafkaClient } from '../../topology/internal/kafka/kafka-client.js';
import type { RecordProducer } from '../../topology/internal/kafka/producer.js';
import type { OutgoingRecord } from '../../topology/internal/kafka/types.js';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
import { BALANCES_STORE } from './balances-topology.js';
import { InstanceProcess } from './instance-process.js';
import type { InstanceReport } from './instance-report.js';
import { waitUntil } from './wait-until.js';

export interface FailoverSettings {
  readonly brokers: string[];
  readonly partitions: number;
  /** Payments produced before the kill: one changelog record each. */
  readonly records: number;
  readonly keys: number;
  readonly guarantee: ProcessingGuarantee;
  readonly sessionTimeoutMs: number;
  /** Pause after the input is processed, so that standby replicas reach the changelogs' ends. */
  readonly settleMs: number;
}

export interface FailoverRunResult {
  readonly standbys: number;
  readonly run: number;
  /** SIGKILL to the marker's output readable. */
  readonly failoverMs: number;
  /** SIGKILL to the survivor's rebalance starting (the dead member's session expiring). */
  readonly detectionMs: number;
  /** SIGKILL to the survivor's new assignment. */
  readonly assignedMs: number;
  /** Time the survivor spent restoring after the kill (sum of its restore events). */
  readonly restoreMs: number;
  readonly restoredRecords: number;
  readonly movedTasks: string[];
  /** Changelog records of the moved tasks (end minus start offsets of their partitions). */
  readonly movedChangelogRecords: number;
  /** Time to process the input on both instances (not part of the failover). */
  readonly buildMs: number;
  readonly loadAverage: number;
  /** The survivor's reports after the kill, `+<ms since the kill> <what>`: where the time went. */
  readonly survivorTimeline: string[];
}

const CHUNK = 1_000;

export async function runFailover(
  kafka: KafkaClient,
  settings: FailoverSettings,
  standbys: number,
  run: number,
  log: (line: string) => void,
): Promise<FailoverRunResult> {
  const applicationId = `failover-bench-${Date.now().toString(36)}-s${standbys}-r${run}`;
  const input = `${applicationId}-payments`;
  const output = `${applicationId}-balances`;
  const changelog = `${applicationId}-${BALANCES_STORE}-changelog`;
  const stateRoot = join(tmpdir(), 'failover-bench', applicationId);
  const admin = kafka.admin();
  await admin.connect();
  const instances: InstanceProcess[] = [];
  const start = (name: string) => {
    const instance = new InstanceProcess(name, {
      APPLICATION_ID: applicationId,
      INPUT: input,
      OUTPUT: output,
      KAFKA_BROKERS: settings.brokers.join(','),
      STATE_DIR: join(stateRoot, name),
      GUARANTEE: settings.guarantee,
      STANDBYS: String(standbys),
      SESSION_TIMEOUT_MS: String(settings.sessionTimeoutMs),
    });
    instances.push(instance);
    return instance;
  };
  try {
    // Waits until a leader serves every partition (a busy broker is slow to report a new topic).
    await admin.ensureTopics([
      { name: input, partitions: settings.partitions },
      { name: output, partitions: 1 },
    ]);
    const all = settings.partitions;
    // One after the other: members joining at the same instant can exhaust kafkajs' join retries.
    const a = start('a');
    await waitUntil(() => a.state() === 'RUNNING' && a.tasks().length === all, 120_000, 'a running');
    const b = start('b');
    await waitUntil(
      () => {
        const owned = [...a.tasks(), ...b.tasks()];
        return (
          a.state() === 'RUNNING' &&
          b.state() === 'RUNNING' &&
          b.tasks().length > 0 &&
          owned.length === all &&
          new Set(owned).size === all
        );
      },
      120_000,
      'a and b splitting the tasks',
    );
    log(`  split: a [${a.tasks().join(' ')}]  b [${b.tasks().join(' ')}]`);

    const building = Date.now();
    await producePayments(kafka, input, settings.records, settings.keys);
    await waitUntil(() => inputCommitted(admin, applicationId, input), 600_000, 'the input processed');
    const buildMs = Date.now() - building;
    log(`  ${settings.records} payments processed in ${buildMs} ms; settling ${settings.settleMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, settings.settleMs));

    const movedTasks = b.tasks();
    const movedPartitions = movedTasks.map((task) => Number(task.split('_')[1]));
    const changelogOffsets = await admin.watermarks(changelog);
    const movedChangelogRecords = changelogOffsets
      .filter((o) => movedPartitions.includes(o.partition))
      .reduce((sum, o) => sum + o.high - o.low, 0);
    const outputBefore = await readableEnd(admin, output);
    const loadAverage = Number(loadavg()[0]!.toFixed(1));

    const killedAt = await b.kill();
    const producer = kafka.producer();
    await producer.connect();
    await sendAll(producer, [
      {
        topic: input,
        key: Buffer.from(`marker-${run}`),
        value: Buffer.from(JSON.stringify({ amount: 1 })),
        partition: movedPartitions[0]!,
        timestamp: Date.now(),
      },
    ]);
    await producer.disconnect();
    const markerAt = await waitUntil(
      async () => ((await readableEnd(admin, output)) > outputBefore ? Date.now() : undefined),
      settings.sessionTimeoutMs + 300_000,
      "the marker's balance on the output",
    );

    const after = a.reports.filter((report) => report.at >= killedAt);
    const started = after.find((report) => report.event === 'rebalanceStarted');
    const assigned = after.find((report) => report.event === 'tasks' && report.tasks.length === all);
    const restores = after.flatMap((report) => (report.event === 'restore' ? [report] : []));
    return {
      standbys,
      run,
      failoverMs: markerAt - killedAt,
      detectionMs: started ? started.at - killedAt : -1,
      assignedMs: assigned ? assigned.at - killedAt : -1,
      restoreMs: Math.round(restores.reduce((sum, r) => sum + r.durationMs, 0)),
      restoredRecords: restores.reduce((sum, r) => sum + r.records, 0),
      movedTasks,
      movedChangelogRecords,
      buildMs,
      loadAverage,
      survivorTimeline: after.map((report) => `+${report.at - killedAt} ${describe(report)}`),
    };
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await admin.deleteTopics([input, output, changelog]).catch(() => undefined);
    await admin.deleteGroups([applicationId]).catch(() => undefined);
    await admin.disconnect();
    await rm(stateRoot, { recursive: true, force: true });
  }
}

function describe(report: InstanceReport): string {
  switch (report.event) {
    case 'state':
      return `state ${report.state}`;
    case 'rebalanceStarted':
      return 'rebalance started';
    case 'tasks':
      return `tasks [${report.tasks.join(' ')}]`;
    case 'restore':
      return `restored ${report.records} records of [${report.taskIds.join(' ')}] in ${Math.round(report.durationMs)} ms`;
  }
}

/** Sends `records`; rejects with the first one the broker refused. */
async function sendAll(producer: RecordProducer, records: OutgoingRecord[]): Promise<void> {
  const failures = await producer.send(records);
  if (failures.length > 0) throw failures[0]!.error;
}

/**
 * Payments over `keys` accounts, keyed by account (so spread over the partitions), four chunks in flight:
 * four producers, as each sends one request at a time.
 */
async function producePayments(
  kafka: KafkaClient,
  topic: string,
  records: number,
  keys: number,
): Promise<void> {
  const producers = Array.from({ length: 4 }, () => kafka.producer());
  await Promise.all(producers.map((producer) => producer.connect()));
  try {
    const chunks: number[] = [];
    for (let first = 0; first < records; first += CHUNK) chunks.push(first);
    for (let i = 0; i < chunks.length; i += 4) {
      const now = Date.now();
      await Promise.all(
        chunks.slice(i, i + 4).map((first, k) =>
          sendAll(
            producers[k]!,
            Array.from({ length: Math.min(CHUNK, records - first) }, (_, j) => {
              const n = first + j;
              return {
                topic,
                key: Buffer.from(`account-${n % keys}`),
                value: Buffer.from(JSON.stringify({ amount: (n % 97) + 1 })),
                timestamp: now,
              };
            }),
          ),
        ),
      );
    }
  } finally {
    await Promise.all(producers.map((producer) => producer.disconnect()));
  }
}

/** True once the group's committed offsets reached the input's end on every partition. */
async function inputCommitted(admin: KafkaAdmin, groupId: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([
    admin.watermarks(topic),
    admin.committedOffsets(groupId, [topic]),
  ]);
  return ends.every((end) => committed.some((c) => c.partition === end.partition && c.offset === end.high));
}

/** The output's readable end (last stable offset: committed transactions only), over its partitions. */
async function readableEnd(admin: KafkaAdmin, topic: string): Promise<number> {
  const offsets = await admin.watermarks(topic);
  return offsets.reduce((sum, o) => sum + o.high, 0);
}
