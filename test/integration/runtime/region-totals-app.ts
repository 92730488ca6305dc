/**
 * A process running the region-totals topology, for fault tests that kill it. Configured through the
 * environment; prints `RUNNING` when it processes, `STATE <state>` on every state change, `TASKS <ids>`
 * after every assignment and `RESTORED <json>` after every restoration (task ids, records, duration).
 * Optional: `PERSISTENT=1` (RocksDB store instead of in-memory), `GUARANTEE` (`exactly_once`),
 * `STANDBYS` (numStandbyReplicas; left to the runtime's default when unset).
 */
import pino from 'pino';
import type { ProcessingGuarantee } from '../../../topology/runtime/config.js';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { regionTotalsTopology } from './region-totals.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const persistent = process.env.PERSISTENT === '1';
const streams = new KafkaStreams(regionTotalsTopology(env('INPUT'), env('OUTPUT'), { persistent }), {
  applicationId: env('APPLICATION_ID'),
  bootstrapServers: env('KAFKA_BROKERS'),
  stateDir: env('STATE_DIR'),
  processingGuarantee: (process.env.GUARANTEE ?? 'at_least_once') as ProcessingGuarantee,
  ...(process.env.STANDBYS ? { numStandbyReplicas: Number(process.env.STANDBYS) } : {}),
  commitIntervalMs: 300,
  consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
  logger: pino({ level: 'warn' }),
});
streams.setStateListener((next) => {
  if (next === 'RUNNING') console.log('RUNNING');
  console.log(`STATE ${next}`);
});
streams.events.on('rebalanceCompleted', ({ tasks }) => console.log(`TASKS ${tasks.join(',')}`));
streams.events.on('restoreCompleted', ({ taskIds, records, durationMs }) =>
  console.log(`RESTORED ${JSON.stringify({ taskIds, records, durationMs })}`),
);
await streams.start();
