/**
 * A process running the region-totals topology under exactly-once with a persistent store, for the test
 * that kills it with SIGKILL again and again. Configured through the environment; prints `RUNNING` when it
 * processes.
 */
import pino from 'pino';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { regionTotalsTopology } from './region-totals.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const streams = new KafkaStreams(regionTotalsTopology(env('INPUT'), env('OUTPUT'), { persistent: true }), {
  applicationId: env('APPLICATION_ID'),
  bootstrapServers: env('KAFKA_BROKERS'),
  stateDir: env('STATE_DIR'),
  processingGuarantee: 'exactly_once',
  // The broker's smallest session timeout: a killed member's tasks come back soonest.
  consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
  logger: pino({ level: 'warn' }),
});
streams.setStateListener((next) => {
  if (next === 'RUNNING') console.log('RUNNING');
});
// No import of the library's internals: start() refuses exactly-once (STRM_ERR_KAFKA_READ_COMMITTED_UNSAFE)
// when kafkajs could not get the corrected read_committed filter.
await streams.start();
