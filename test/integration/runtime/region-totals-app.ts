/**
 * A process running the region-totals topology, for fault tests that kill it. Configured through the
 * environment; prints `RUNNING` when it processes and `TASKS <ids>` after every assignment.
 */
import pino from 'pino';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { regionTotalsTopology } from './region-totals.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const streams = new KafkaStreams(regionTotalsTopology(env('INPUT'), env('OUTPUT')), {
  applicationId: env('APPLICATION_ID'),
  bootstrapServers: env('KAFKA_BROKERS'),
  stateDir: env('STATE_DIR'),
  commitIntervalMs: 300,
  consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
  logger: pino({ level: 'warn' }),
});
streams.setStateListener((next) => {
  if (next === 'RUNNING') console.log('RUNNING');
});
streams.events.on('rebalanceCompleted', ({ tasks }) => console.log(`TASKS ${tasks.join(',')}`));
await streams.start();
