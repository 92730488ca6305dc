/**
 * Restoration runs off the processing path (the state updater): one instance processes a steady input
 * with one task while a second task, whose store has a 1,000,000-record changelog, moves to it and
 * restores. The first task's median end-to-end latency during the restore stays within 2x of its latency
 * without it (asserted unless the machine's load average exceeds twice its cores; p90/p99 printed), no
 * record waits for the restore, and its output has no gap.
 *
 * Setup: two instances split two tasks, a stateless pass-through (steady input -> output) and a stateful
 * one (an in-memory store fed by a second input that stays empty). The stateful task's changelog is then
 * filled directly with 1,000,000 small records (1,000-record sends, several in flight, acks=1), which its
 * owner never reads back while it stays active. The steady input flows (from a child process, 100
 * records/s); latency is measured on the broker's clock: the output topic stamps records with their
 * append time (`LogAppendTime`), the input value carries the time just before it was sent. Then the stateful task's owner closes: the task moves
 * to the pass-through's instance and restores everything there while the pass-through goes on.
 *
 * Windows by send time: the baseline is 4 s before the owner closes plus 4 s after the restore ended (the
 * load of a shared machine drifts; both sides of the restore average it out); the restore window runs
 * from 1 s after `restoreStarted` (the rebalance itself stops processing for a moment, which is not the
 * restore's doing: kafkajs is eager, every member's partitions are revoked and reassigned) to
 * `restoreCompleted`. On the old runtime no output at all was appended during a restore.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveChangelogTopic } from '../../../topology/internal/topology-plan.js';
import type { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import {
  createTopics,
  endpoints,
  type InputProducer,
  inputProducer,
  readAll,
  uniqueName,
  waitFor,
} from '../../support/index.js';
import { keepLatest } from './keep-latest.js';
import { streamsClosedAfterEach } from './streams-instances.js';

const STORE = 'big';
const CHANGELOG_RECORDS = 1_000_000;
const SEND_EVERY_MS = 10;
/** Each of the two baseline windows: before the owner closes, and after the restore ended. */
const BASELINE_MS = 4_000;

interface Tick {
  readonly seq: number;
  readonly sentAt: number;
}

function topology(steadyIn: string, bigIn: string, out: string): Topology {
  const built = new Topology()
    .addSource('steady', steadyIn, { keySerde: Serdes.string(), valueSerde: Serdes.json<Tick>() })
    .addSink('out', out, { keySerde: Serdes.string(), valueSerde: Serdes.json<Tick>() }, 'steady')
    .addSource('big-in', bigIn, { keySerde: Serdes.string(), valueSerde: Serdes.string() });
  return keepLatest(built, 'big-in', STORE);
}

/**
 * Fills partition 0 of `topic` with `count` small records as fast as the client goes: 1,000 per request,
 * 8 in flight (8 producers, as each sends one request at a time).
 */
async function fillChangelog(topic: string, count: number): Promise<void> {
  const producers = Array.from({ length: 8 }, () => inputProducer({ clientId: 'restore-test-filler' }));
  await Promise.all(producers.map((producer) => producer.connect()));
  try {
    const value = Buffer.from('v'.repeat(8));
    let next = 0;
    const worker = async (producer: InputProducer) => {
      while (next < count) {
        const first = next;
        next = Math.min(count, next + 1_000);
        const messages = [];
        // 10,000 keys: the store stays small, every record is still restored.
        for (let i = first; i < next; i++) messages.push({ key: `k${i % 10_000}`, value, partition: 0 });
        await producer.send({ topic, messages });
      }
    };
    await Promise.all(producers.map(worker));
  } finally {
    await Promise.all(producers.map((producer) => producer.disconnect()));
  }
}

function percentile(sorted: ReadonlyArray<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

describe('KafkaStreams: restoration off the processing path', () => {
  const instances = streamsClosedAfterEach();

  it('a running task keeps its latency and loses nothing while a 1,000,000-record changelog restores on its instance', async () => {
    const [steadyIn, bigIn, out] = await createTopics([
      uniqueName('steady-in'),
      uniqueName('big-in'),
      { topic: uniqueName('steady-out'), config: { 'message.timestamp.type': 'LogAppendTime' } },
    ]);
    const applicationId = uniqueName('restore-off-path');
    const start = (name: string) =>
      instances.create(topology(steadyIn!, bigIn!, out!), {
        applicationId,
        stateDir: `/tmp/${applicationId}-${name}`,
      });
    const a = start('a');
    const b = start('b');
    instances.removeAfterTest(`/tmp/${applicationId}-a`);
    instances.removeAfterTest(`/tmp/${applicationId}-b`);
    await a.start();
    await b.start();
    await waitFor(
      () =>
        a.state === 'RUNNING' &&
        b.state === 'RUNNING' &&
        a.localTaskIds().length === 1 &&
        b.localTaskIds().length === 1,
      { timeoutMs: 60_000, description: 'the two tasks split between the two instances' },
    );
    const [holder, runner] = (a.localStores(STORE).length > 0 ? [a, b] : [b, a]) as [
      KafkaStreams,
      KafkaStreams,
    ];
    const changelog = resolveChangelogTopic(applicationId, STORE);
    const fillStarted = Date.now();
    await fillChangelog(changelog, CHANGELOG_RECORDS);
    console.log(`changelog filled with ${CHANGELOG_RECORDS} records in ${Date.now() - fillStarted} ms`);

    const restore: { startedAt?: number; completedAt?: number; records?: number } = {};
    runner.events.on('restoreStarted', () => {
      restore.startedAt ??= Date.now();
    });
    runner.events.on('restoreCompleted', (event) => {
      restore.completedAt = Date.now();
      restore.records = event.records;
    });

    // The steady input, from a process of its own (`steady-producer-app.ts`): sends made from this process
    // would wait for the instance's event loop, and that wait is not the task's latency.
    const steady = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/integration/runtime/steady-producer-app.ts'],
      {
        env: {
          ...process.env,
          INPUT: steadyIn!,
          EVERY_MS: String(SEND_EVERY_MS),
          KAFKA_BROKERS: endpoints().kafkaBrokers.join(','),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let printed = '';
    steady.stdout!.on('data', (chunk) => {
      printed += String(chunk);
    });
    const exited = new Promise<void>((resolve) => steady.on('exit', () => resolve()));
    try {
      await waitFor(() => (printed.includes('PRODUCING') ? true : undefined), {
        timeoutMs: 30_000,
        description: 'the steady producer running',
      });
      const baselineFrom = Date.now() + 1_000;
      await new Promise((resolve) => setTimeout(resolve, 1_000 + BASELINE_MS));
      const closedAt = Date.now();
      await holder.close();
      await waitFor(() => (restore.completedAt === undefined ? undefined : true), {
        timeoutMs: 90_000,
        description: 'the moved task restored on the running instance',
      });
      // The second baseline window: the same instance and tasks, the restore over (and a rebalance-free
      // second first, as the restored task's own first batches start then).
      const afterFrom = Date.now() + 1_000;
      await new Promise((resolve) => setTimeout(resolve, 1_000 + BASELINE_MS));
      const afterTo = Date.now();
      steady.kill('SIGTERM');
      await exited;
      const sent = Number(/SENT (\d+)/.exec(printed)?.[1]);
      expect(sent).toBeGreaterThan(0);

      expect(restore.records).toBe(CHANGELOG_RECORDS);
      const output = await waitFor(
        async () => {
          const records = await readAll(out!);
          return records.length >= sent ? records : undefined;
        },
        { timeoutMs: 30_000, description: `all ${sent} steady records in the output` },
      );
      const ticks = output.map((record) => ({
        ...(JSON.parse(record.value!.toString()) as Tick),
        appendedAt: Number(record.timestamp),
      }));
      // No gap: every record sent is in the output.
      expect(new Set(ticks.map((tick) => tick.seq))).toEqual(
        new Set(Array.from({ length: sent }, (_, i) => i)),
      );

      const latencies = (from: number, to: number) =>
        ticks
          .filter((tick) => tick.sentAt >= from && tick.sentAt < to)
          .map((tick) => tick.appendedAt - tick.sentAt)
          .sort((x, y) => x - y);
      const baseline = [...latencies(baselineFrom, closedAt), ...latencies(afterFrom, afterTo)].sort(
        (x, y) => x - y,
      );
      const during = latencies(restore.startedAt! + 1_000, restore.completedAt!);
      // Output appended while the restore ran: the running task did not wait for it.
      const appendedDuring = ticks.filter(
        (tick) => tick.appendedAt > restore.startedAt! && tick.appendedAt < restore.completedAt!,
      ).length;
      const summary = (name: string, values: ReadonlyArray<number>) =>
        `${name}: n=${values.length} p50=${percentile(values, 50)} p90=${percentile(values, 90)} p99=${percentile(values, 99)} max=${values[values.length - 1]} ms`;
      console.log(
        [
          `restore of ${restore.records} records took ${restore.completedAt! - restore.startedAt!} ms; ${appendedDuring} outputs appended meanwhile`,
          summary('baseline', baseline),
          summary('during restore', during),
        ].join('\n'),
      );
      expect(baseline.length).toBeGreaterThan(100);
      expect(during.length).toBeGreaterThan(50);
      expect(appendedDuring).toBeGreaterThan(during.length / 2);
      // Whatever the machine's load: no record waited for the restore (the old runtime held every one of
      // them for the whole restore).
      expect(during[during.length - 1]!).toBeLessThan((restore.completedAt! - restore.startedAt!) / 2);
      // The median latency within 2x (p90 and p99 are printed): on a machine that runs this test (CI: the
      // integration files one at a time), not on one whose other processes keep more than twice its cores
      // busy (the OS then deschedules this process for milliseconds at a time, as long as the baseline
      // latency itself, whatever the restore does). Measured there (load 6 on 2 cores): the event loop's
      // delay went from p50 1.1 / p90 2.0 ms to 1.8 / 3.8 ms during the restore; the broker, on the same
      // cores, serves the restore's fetches too.
      const load = loadavg()[0]!;
      if (load <= 2 * cpus().length) {
        expect(percentile(during, 50)).toBeLessThanOrEqual(2 * percentile(baseline, 50));
      } else {
        console.warn(
          `load average ${load} on ${cpus().length} cores: the 2x latency bound is reported, not asserted`,
        );
      }
    } finally {
      if (steady.exitCode === null) steady.kill('SIGKILL');
    }
  }, 180_000);
});
