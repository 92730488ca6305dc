/**
 * Records written per reservation, counted deterministically: the reservation topology in the
 * TopologyTestDriver over the benchmark's seeded workload, the payment worker on the deterministic
 * simulator, the record cache flushed at commit intervals of event time (as the runtime flushes it every
 * `commitIntervalMs`). Every topic counts, as `recordsPerReservation` counts a bench run: the inputs, the
 * payment worker's topics, the outputs and the changelogs, divided by the reservations created.
 *
 * What it does not model: partitions (one task holds every property; the cache merges per key, so the
 * count is the same unless the cache's budget overflows) and speed (an instance behind its input fetches
 * more per commit, so it merges more; this counter models one that keeps up: each record is processed at
 * its own timestamp). Counts only: timing numbers from it mean nothing.
 *
 * Run: npx tsx bench/records/count-records.ts [--rate 10000] [--duration 60] [--commit-ms 1000]
 *   [--payment-latency-ms 30] [--properties 48] [--seed 43]
 */
import { parseArgs } from 'node:util';
import { SimulatedPaymentGateway } from '../../processors/domain/payment/simulated-gateway.js';
import { parsePropertyCatalog } from '../../processors/domain/reference-data-loader.js';
import { buildReservationTopology } from '../../processors/topology/build-reservation-topology.js';
import { PAYMENT_REQUESTS_TOPIC, type PaymentRequest } from '../../processors/topology/payment-request.js';
import { PaymentWorker } from '../../processors/topology/payment-worker.js';
import { jsonReservationSerdes } from '../../processors/topology/serdes.js';
import type { Serde } from '../../schemas/serde.js';
import { TopologyTestDriver } from '../../topology/test-driver.js';
import type { TestOutputTopic } from '../../topology/test-driver-topics.js';
import { BookingWorkload } from '../workload/booking-workload.js';
import { expandProperties, sampleProperties } from '../workload/catalog.js';
import { toWorkloadRecord } from '../workload/workload-events.js';

/** What one count was run with, and what it counted per topic. */
export interface RecordCount {
  readonly reservations: number;
  readonly operations: number;
  readonly byTopic: Readonly<Record<string, number>>;
}

/** Options of {@link countRecords}. */
export interface CountOptions {
  readonly ratePerMinute: number;
  readonly durationS: number;
  readonly commitMs: number;
  readonly paymentLatencyMs: number;
  readonly properties: number;
  readonly seed: number;
}

const bytes: Serde<Buffer | null> = {
  name: 'bytes',
  serialize: (value) => value,
  deserialize: (data) => data,
};

/** Runs the workload through the topology and counts the records written to every topic. */
export async function countRecords(options: CountOptions): Promise<RecordCount> {
  const catalog = parsePropertyCatalog({
    properties: expandProperties(sampleProperties(), options.properties),
  });
  const serdes = jsonReservationSerdes();
  const topology = buildReservationTopology({ catalog, serdes, persistentStores: false });
  const driver = await TopologyTestDriver.create(topology, { commit: 'manual', initialWallClockTimeMs: 0 });
  const workload = new BookingWorkload({ seed: options.seed, catalog });
  const worker = new PaymentWorker(new SimulatedPaymentGateway({ latencyMs: 0, jitterMs: 0 }), {
    now: () => 0,
  });
  const counts = new Map<string, number>();
  const add = (topic: string, n = 1) => counts.set(topic, (counts.get(topic) ?? 0) + n);
  const outputs = new Map<string, TestOutputTopic<Buffer | null, Buffer | null>>();
  const requests = driver.createOutputTopic(PAYMENT_REQUESTS_TOPIC, serdes.key, serdes.paymentRequest);
  const pending: Array<{ due: number; request: PaymentRequest }> = [];
  const pipe = (topic: string, key: string, value: unknown, timestamp: number) => {
    add(topic);
    driver
      .createInputTopic(topic, serdes.key, serdes.value(topic as never) as Serde<unknown>)
      .pipeInput(key, value, timestamp);
  };
  // Takes what the topology wrote since the last call: counts it, and queues the payment requests.
  const collect = (now: number) => {
    for (const topic of driver.producedTopicNames()) {
      if (topic === PAYMENT_REQUESTS_TOPIC) continue;
      let output = outputs.get(topic);
      if (output === undefined) {
        output = driver.createOutputTopic(topic, bytes, bytes);
        outputs.set(topic, output);
      }
      add(topic, output.readRecordsToList().length);
    }
    for (const request of requests.readValuesToList()) {
      add(PAYMENT_REQUESTS_TOPIC);
      pending.push({ due: now + options.paymentLatencyMs, request });
    }
  };
  let offset = 0;
  const answerPayments = async (until: number) => {
    while (pending.length > 0 && pending[0]!.due <= until) {
      const { due, request } = pending.shift()!;
      for (const r of await worker.handle(request, { partition: 0, offset: offset++, timestamp: due })) {
        if (r.topic === 'payment.initiated' || r.topic === 'payment.requests.dlq') add(r.topic);
        else pipe(r.topic, r.key, r.value, due);
      }
      collect(due);
    }
  };

  const start = Date.UTC(2026, 11, 7, 12, 0);
  const gapMs = 60_000 / options.ratePerMinute;
  const operations = Math.round((options.ratePerMinute * options.durationS) / 60);
  let nextCommit = start + options.commitMs;
  let reservations = 0;
  for (let i = 0; i < operations; i++) {
    const now = start + Math.round(i * gapMs);
    for (; nextCommit <= now; nextCommit += options.commitMs) {
      await answerPayments(nextCommit);
      await driver.commit();
      collect(nextCommit);
    }
    await answerPayments(now);
    const operation = workload.next();
    if (operation.kind === 'create') reservations++;
    const record = toWorkloadRecord(catalog, operation, now);
    pipe(record.topic, record.key, record.value, now);
    collect(now);
  }
  // Drain: the payments still pending, then the last commit.
  for (let last = start + Math.round(operations * gapMs); pending.length > 0; last += options.commitMs) {
    await answerPayments(last);
    await driver.commit();
    collect(last);
  }
  await driver.commit();
  collect(Number.MAX_SAFE_INTEGER);
  await driver.close();
  return {
    reservations,
    operations,
    byTopic: Object.fromEntries([...counts.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The count as a Markdown table: records per reservation per topic, the total and the changelogs' share. */
export function formatCount(count: RecordCount): string {
  const per = (n: number) => (n / Math.max(1, count.reservations)).toFixed(2);
  const rows = Object.entries(count.byTopic).map(([topic, n]) => `| \`${topic}\` | ${n} | ${per(n)} |`);
  const total = Object.values(count.byTopic).reduce((a, b) => a + b, 0);
  const changelogs = Object.entries(count.byTopic)
    .filter(([topic]) => topic.endsWith('-changelog'))
    .reduce((a, [, n]) => a + n, 0);
  return [
    `${count.operations} operations, ${count.reservations} reservations created`,
    '',
    '| topic | records | per reservation |',
    '| --- | ---: | ---: |',
    ...rows,
    `| **total** | ${total} | **${per(total)}** |`,
    `| **of which changelogs** | ${changelogs} | **${per(changelogs)}** |`,
  ].join('\n');
}

const isMain = process.argv[1]?.endsWith('count-records.ts') === true;
if (isMain) {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '10000' },
      duration: { type: 'string', default: '60' },
      'commit-ms': { type: 'string', default: '1000' },
      'payment-latency-ms': { type: 'string', default: '30' },
      properties: { type: 'string', default: '48' },
      seed: { type: 'string', default: '43' },
    },
  });
  const count = await countRecords({
    ratePerMinute: Number(values.rate),
    durationS: Number(values.duration),
    commitMs: Number(values['commit-ms']),
    paymentLatencyMs: Number(values['payment-latency-ms']),
    properties: Number(values.properties),
    seed: Number(values.seed),
  });
  console.log(formatCount(count));
}
