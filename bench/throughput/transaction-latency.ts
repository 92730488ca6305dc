/**
 * Per-transaction latency of the exactly-once task producer: back-to-back transactions of one record
 * each (send, commit), as a task that commits on every interval does, with the runtime's first retry delay
 * (10 ms) and kafkajs' default (300 ms). Right after a commit the coordinator may answer the next
 * transaction's first request with CONCURRENT_TRANSACTIONS until its markers are written, and kafkajs waits
 * its retry backoff before trying again (kafkajs issue 304). Prints median and p95 per setting.
 *
 *   npx tsx bench/throughput/transaction-latency.ts      # BENCH_TRANSACTIONS=200 by default
 */
import { loadavg } from 'node:os';
import pino from 'pino';
import { acquireStack } from '../../stack/stack.js';
import { createKafkaClient } from '../../topology/internal/kafka/default-client.js';

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 200);
const RETRY_DELAYS = [10, 300];

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function main(): Promise<void> {
  const { result, release } = await acquireStack({ log: (line) => console.error(`[stack] ${line}`) });
  const kafka = createKafkaClient({
    clientId: 'bench-transactions',
    brokers: result.endpoints.kafkaBrokers,
    logger: pino({ level: 'warn' }),
  });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench-transactions-${Date.now().toString(36)}`;
  const load = loadavg()[0]!;
  try {
    await admin.ensureTopics([{ name: topic, partitions: 1 }]);
    const lines: string[] = [];
    // Interleaved rounds, so that both settings see the same machine load.
    const samples = new Map<number, number[]>(RETRY_DELAYS.map((delay) => [delay, []]));
    for (let round = 0; round < 2; round++) {
      for (const delay of RETRY_DELAYS) {
        const producer = kafka.transactionalProducer({
          transactionalId: `${topic}-${delay}-${round}`,
          initialRetryTimeMs: delay,
        });
        await producer.connect();
        for (let i = 0; i < TRANSACTIONS / 2; i++) {
          const started = performance.now();
          await producer.send([
            { topic, partition: 0, key: null, value: Buffer.from(String(i)), timestamp: Date.now() },
          ]);
          await producer.commit([], 'bench-unused');
          samples.get(delay)!.push(performance.now() - started);
        }
        await producer.disconnect();
      }
    }
    for (const [delay, values] of samples) {
      const median = percentile(values, 0.5);
      lines.push(
        `| ${delay} ms | ${median.toFixed(1)} | ${percentile(values, 0.95).toFixed(1)} | ${Math.round(1000 / median)} |`,
      );
    }
    console.log(
      [
        `${TRANSACTIONS} one-record transactions per setting, load average ${load.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`,
        '',
        '| first retry delay | median ms / transaction | p95 ms | transactions/s at the median |',
        '|---|---:|---:|---:|',
        ...lines,
      ].join('\n'),
    );
  } finally {
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.disconnect();
    await release();
  }
}

await main();
