/**
 * A process for the SIGTERM test: copies `INPUT` to `OUTPUT` with the shutdown handler installed, and
 * prints `RUNNING` once it processes. Run with tsx; configured through the environment.
 */
import pino from 'pino';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const topology = new Topology()
  .addSource('in', env('INPUT'), { keySerde: Serdes.string(), valueSerde: Serdes.string() })
  .addSink('out', env('OUTPUT'), { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'in');
const streams = new KafkaStreams(topology, {
  applicationId: env('APPLICATION_ID'),
  bootstrapServers: env('KAFKA_BROKERS'),
  stateDir: `/tmp/${env('APPLICATION_ID')}`,
  // Only the shutdown commit can commit: the test checks that SIGTERM committed everything.
  commitIntervalMs: 600_000,
  logger: pino({ level: 'warn' }),
});
streams.installShutdownHandler();
streams.setStateListener((next) => {
  if (next === 'RUNNING') console.log('RUNNING');
});
await streams.start();
