/**
 * One instance of the failover benchmark, run as a child process so that the benchmark can SIGKILL it.
 * Configured through the environment; reports what the benchmark measures as JSON lines on stdout, each
 * stamped with the wall clock (`at`, ms) so the parent can line them up with the moment of the kill.
 */
import pino from 'pino';
import type { ProcessingGuarantee } from '../../topology/runtime/config.js';
import { KafkaStreams } from '../../topology/runtime/index.js';
import { balancesTopology } from './balances-topology.js';
import type { InstanceReport } from './instance-report.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const report = (line: InstanceReport) => process.stdout.write(`${JSON.stringify(line)}\n`);

const sessionTimeoutMs = Number(env('SESSION_TIMEOUT_MS'));
const streams = new KafkaStreams(balancesTopology(env('INPUT'), env('OUTPUT')), {
  applicationId: env('APPLICATION_ID'),
  bootstrapServers: env('KAFKA_BROKERS'),
  stateDir: env('STATE_DIR'),
  processingGuarantee: env('GUARANTEE') as ProcessingGuarantee,
  // Passed only when asked for, so that a runtime without standby replicas still runs the 0 case.
  ...(Number(env('STANDBYS')) > 0 ? { numStandbyReplicas: Number(env('STANDBYS')) } : {}),
  // The survivor notices the dead member only when its session expires: this bounds failover from below.
  consumer: { sessionTimeoutMs, heartbeatIntervalMs: Math.max(100, Math.floor(sessionTimeoutMs / 10)) },
  logger: pino({ level: process.env.RT_LOG ?? 'error' }, pino.destination(2)),
});
streams.events.on('stateChange', (state) => report({ event: 'state', state, at: Date.now() }));
streams.events.on('rebalanceStarted', () => report({ event: 'rebalanceStarted', at: Date.now() }));
streams.events.on('rebalanceCompleted', ({ tasks }) =>
  report({ event: 'tasks', tasks: [...tasks], at: Date.now() }),
);
streams.events.on('restoreCompleted', ({ taskIds, records, durationMs }) =>
  report({ event: 'restore', taskIds: [...taskIds], records, durationMs, at: Date.now() }),
);
streams.installShutdownHandler();
await streams.start();
