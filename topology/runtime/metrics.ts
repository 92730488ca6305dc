/**
 * Prometheus metrics of a {@link KafkaStreams} instance, fed only by its instrumentation events: the
 * processing loop never calls prom-client. Metric names start with `tstreams_`; every series carries the
 * `application_id` label.
 *
 * @example
 * const stop = registerStreamsMetrics(streams, { registry });
 * app.get('/metrics', async () => registry.metrics());
 */
import { Counter, register as defaultRegistry, Gauge, Histogram, type Registry } from 'prom-client';
import type { StreamsEventEmitter, StreamsEvents } from './events.js';
import type { StreamsState } from './streams-state.js';

/** What the metrics read from an instance: its id and its events. */
export interface MeteredStreams {
  readonly applicationId: string;
  readonly events: StreamsEventEmitter;
}

const STATES: ReadonlyArray<StreamsState> = [
  'CREATED',
  'REBALANCING',
  'RUNNING',
  'PENDING_SHUTDOWN',
  'NOT_RUNNING',
  'ERROR',
];

/** Metric objects are registered once per registry and shared by every instance in the process. */
function metric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Subscribes metrics to `streams`' events; returns a function that unsubscribes them. */
export function registerStreamsMetrics(
  streams: MeteredStreams,
  options: { registry?: Registry } = {},
): () => void {
  const registry = options.registry ?? defaultRegistry;
  const registers = [registry];
  const app = streams.applicationId;
  const consumed = metric(
    registry,
    'tstreams_records_consumed_total',
    () =>
      new Counter({
        name: 'tstreams_records_consumed_total',
        help: 'Records read from input partitions, per task.',
        labelNames: ['application_id', 'task_id'],
        registers,
      }),
  );
  const processed = metric(
    registry,
    'tstreams_records_processed_total',
    () =>
      new Counter({
        name: 'tstreams_records_processed_total',
        help: 'Records that went through the topology, per task.',
        labelNames: ['application_id', 'task_id'],
        registers,
      }),
  );
  const produced = metric(
    registry,
    'tstreams_records_produced_total',
    () =>
      new Counter({
        name: 'tstreams_records_produced_total',
        help: 'Output records acknowledged by the brokers, per task.',
        labelNames: ['application_id', 'task_id'],
        registers,
      }),
  );
  const skipped = metric(
    registry,
    'tstreams_records_skipped_total',
    () =>
      new Counter({
        name: 'tstreams_records_skipped_total',
        help: 'Records dropped by a log-and-continue handler.',
        labelNames: ['application_id', 'reason'],
        registers,
      }),
  );
  const deadLettered = metric(
    registry,
    'tstreams_dead_letter_records_total',
    () =>
      new Counter({
        name: 'tstreams_dead_letter_records_total',
        help: 'Records written to a dead-letter topic.',
        labelNames: ['application_id', 'topic', 'reason'],
        registers,
      }),
  );
  const batchSeconds = metric(
    registry,
    'tstreams_batch_process_seconds',
    () =>
      new Histogram({
        name: 'tstreams_batch_process_seconds',
        help: 'Time to run one fetched batch through the topology.',
        labelNames: ['application_id'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
        registers,
      }),
  );
  const recordSeconds = metric(
    registry,
    'tstreams_record_process_seconds',
    () =>
      new Histogram({
        name: 'tstreams_record_process_seconds',
        help: 'Mean time per record in the topology, observed once per batch.',
        labelNames: ['application_id'],
        buckets: [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01],
        registers,
      }),
  );
  const commitSeconds = metric(
    registry,
    'tstreams_commit_seconds',
    () =>
      new Histogram({
        name: 'tstreams_commit_seconds',
        help: 'Time to flush stores and outputs and commit offsets.',
        labelNames: ['application_id', 'reason'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers,
      }),
  );
  const lag = metric(
    registry,
    'tstreams_consumer_lag_records',
    () =>
      new Gauge({
        name: 'tstreams_consumer_lag_records',
        help: 'Records behind the end of an input partition, after the last batch.',
        labelNames: ['application_id', 'topic', 'partition'],
        registers,
      }),
  );
  const rebalances = metric(
    registry,
    'tstreams_rebalances_total',
    () =>
      new Counter({
        name: 'tstreams_rebalances_total',
        help: 'Completed rebalances.',
        labelNames: ['application_id'],
        registers,
      }),
  );
  const restoredRecords = metric(
    registry,
    'tstreams_restored_records_total',
    () =>
      new Counter({
        name: 'tstreams_restored_records_total',
        help: 'Changelog records applied to stores while restoring.',
        labelNames: ['application_id'],
        registers,
      }),
  );
  const restoreSeconds = metric(
    registry,
    'tstreams_restore_seconds',
    () =>
      new Histogram({
        name: 'tstreams_restore_seconds',
        help: 'Time to restore the stores of newly assigned tasks.',
        labelNames: ['application_id'],
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
        registers,
      }),
  );
  const activeTasks = metric(
    registry,
    'tstreams_active_tasks',
    () =>
      new Gauge({
        name: 'tstreams_active_tasks',
        help: 'Tasks this instance runs.',
        labelNames: ['application_id'],
        registers,
      }),
  );
  const state = metric(
    registry,
    'tstreams_state',
    () =>
      new Gauge({
        name: 'tstreams_state',
        help: '1 for the current lifecycle state of the instance.',
        labelNames: ['application_id', 'state'],
        registers,
      }),
  );

  const handlers: { [E in keyof StreamsEvents]?: (...args: StreamsEvents[E]) => void } = {
    batchProcessed: (event) => {
      consumed.inc({ application_id: app, task_id: event.taskId }, event.consumed);
      processed.inc({ application_id: app, task_id: event.taskId }, event.processed);
      batchSeconds.observe({ application_id: app }, event.durationMs / 1000);
      if (event.consumed > 0)
        recordSeconds.observe({ application_id: app }, event.durationMs / 1000 / event.consumed);
      lag.set({ application_id: app, topic: event.topic, partition: String(event.partition) }, event.lag);
    },
    recordsProduced: (event) => produced.inc({ application_id: app, task_id: event.taskId }, event.count),
    commit: (event) =>
      commitSeconds.observe({ application_id: app, reason: event.reason }, event.durationMs / 1000),
    deadLetter: (event) =>
      deadLettered.inc({ application_id: app, topic: event.topic, reason: event.reason }),
    recordSkipped: (event) => skipped.inc({ application_id: app, reason: event.reason }),
    rebalanceCompleted: (event) => {
      rebalances.inc({ application_id: app });
      activeTasks.set({ application_id: app }, event.tasks.length);
    },
    restoreCompleted: (event) => {
      restoredRecords.inc({ application_id: app }, event.records);
      restoreSeconds.observe({ application_id: app }, event.durationMs / 1000);
    },
    stateChange: (next) => {
      for (const s of STATES) state.set({ application_id: app, state: s }, s === next ? 1 : 0);
    },
  };
  const events = streams.events as unknown as NodeJS.EventEmitter;
  for (const [name, handler] of Object.entries(handlers))
    events.on(name, handler as (...args: unknown[]) => void);
  return () => {
    for (const [name, handler] of Object.entries(handlers))
      events.off(name, handler as (...args: unknown[]) => void);
  };
}
