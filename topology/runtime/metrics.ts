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
import type { RecordCacheStatistics } from '../../state/cache/thread-cache.js';
import type { StreamsEventEmitter, StreamsEvents } from './events.js';
import type { StreamsState } from './streams-state.js';

/** What the metrics read from an instance: its id, its events, and its record cache's totals. */
export interface MeteredStreams {
  readonly applicationId: string;
  readonly events: StreamsEventEmitter;
  /** Read after each commit (the processing loop only counts); see `KafkaStreams.recordCacheStatistics`. */
  recordCacheStatistics?(): RecordCacheStatistics | undefined;
}

const STATES: ReadonlyArray<StreamsState> = [
  'CREATED',
  'REBALANCING',
  'RUNNING',
  'PENDING_SHUTDOWN',
  'NOT_RUNNING',
  'ERROR',
];

/**
 * Builds the metrics of one registry. A metric is registered once per registry and shared by every
 * instance in the process (each instance's series differ by `application_id`).
 */
function metricsOf(registry: Registry) {
  const registers = [registry];
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    counter: (name: string, help: string, labelNames: string[]) =>
      existing<Counter>(name) ?? new Counter({ name, help, labelNames, registers }),
    gauge: (name: string, help: string, labelNames: string[]) =>
      existing<Gauge>(name) ?? new Gauge({ name, help, labelNames, registers }),
    histogram: (name: string, help: string, labelNames: string[], buckets: number[]) =>
      existing<Histogram>(name) ?? new Histogram({ name, help, labelNames, buckets, registers }),
  };
}

/** Subscribes metrics to `streams`' events; returns a function that unsubscribes them. */
export function registerStreamsMetrics(
  streams: MeteredStreams,
  options: { registry?: Registry } = {},
): () => void {
  const { counter, gauge, histogram } = metricsOf(options.registry ?? defaultRegistry);
  const app = streams.applicationId;
  const perTask = ['application_id', 'task_id'];
  const perApp = ['application_id'];
  const consumed = counter(
    'tstreams_records_consumed_total',
    'Records read from input partitions, per task.',
    perTask,
  );
  const processed = counter(
    'tstreams_records_processed_total',
    'Records that went through the topology, per task.',
    perTask,
  );
  const produced = counter(
    'tstreams_records_produced_total',
    'Output records acknowledged by the brokers, per task.',
    perTask,
  );
  const skipped = counter(
    'tstreams_records_skipped_total',
    'Records dropped by a log-and-continue handler.',
    ['application_id', 'reason'],
  );
  const deadLettered = counter(
    'tstreams_dead_letter_records_total',
    'Records written to a dead-letter topic.',
    ['application_id', 'topic', 'reason'],
  );
  const batchSeconds = histogram(
    'tstreams_batch_process_seconds',
    'Time to run one fetched batch through the topology.',
    perApp,
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  const recordSeconds = histogram(
    'tstreams_record_process_seconds',
    'Mean time per record in the topology, observed once per batch.',
    perApp,
    [0.000001, 0.000005, 0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01],
  );
  const commitSeconds = histogram(
    'tstreams_commit_seconds',
    'Time to flush stores and outputs and commit offsets.',
    ['application_id', 'reason'],
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  const lag = gauge(
    'tstreams_consumer_lag_records',
    'Records behind the end of an input partition, after the last batch.',
    ['application_id', 'topic', 'partition'],
  );
  const rebalances = counter('tstreams_rebalances_total', 'Completed rebalances.', perApp);
  const restoredRecords = counter(
    'tstreams_restored_records_total',
    'Changelog records applied to stores while restoring.',
    perApp,
  );
  const restoreSeconds = histogram(
    'tstreams_restore_seconds',
    'Time to restore the stores of newly assigned tasks.',
    perApp,
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
  );
  const activeTasks = gauge('tstreams_active_tasks', 'Tasks this instance runs.', perApp);
  const state = gauge('tstreams_state', '1 for the current lifecycle state of the instance.', [
    'application_id',
    'state',
  ]);
  const taskRevivals = counter(
    'tstreams_task_revivals_total',
    'Exactly-once tasks revived in place after a failed (not fenced) transaction.',
    perApp,
  );
  const threadRecoveries = counter(
    'tstreams_thread_recoveries_total',
    'Stream threads replaced after a passing cluster error, without the uncaught-exception handler.',
    perApp,
  );
  const cacheHitRatio = gauge(
    'tstreams_record_cache_hit_ratio',
    'Record cache hits over reads, since the stream thread started; updated at each commit.',
    perApp,
  );
  const cacheBytes = gauge(
    'tstreams_record_cache_bytes',
    'Bytes held by the record cache (its budget is cacheMaxBytes); updated at each commit.',
    perApp,
  );
  const cacheEvictions = counter(
    'tstreams_record_cache_evictions_total',
    'Entries the record cache evicted because a task was over its share of cacheMaxBytes.',
    perApp,
  );
  let lastEvictions = 0;
  const readCache = () => {
    const stats = streams.recordCacheStatistics?.();
    if (stats === undefined) return;
    cacheHitRatio.set({ application_id: app }, stats.hitRatio);
    cacheBytes.set({ application_id: app }, stats.sizeBytes);
    // A replaced stream thread starts counting again from 0.
    const added = stats.evictions >= lastEvictions ? stats.evictions - lastEvictions : stats.evictions;
    if (added > 0) cacheEvictions.inc({ application_id: app }, added);
    lastEvictions = stats.evictions;
  };
  const threadTasks = gauge(
    'tstreams_stream_thread_active_tasks',
    'Tasks each stream thread runs (numStreamThreads > 1: one series per thread).',
    ['application_id', 'thread'],
  );
  const threadFailures = counter(
    'tstreams_thread_failures_total',
    'Errors that reached the uncaught-exception handler.',
    perApp,
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
    commit: (event) => {
      commitSeconds.observe({ application_id: app, reason: event.reason }, event.durationMs / 1000);
      readCache();
    },
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
    taskRevived: () => taskRevivals.inc({ application_id: app }),
    threadRecovered: () => threadRecoveries.inc({ application_id: app }),
    threadTasks: (event) =>
      threadTasks.set({ application_id: app, thread: event.thread }, event.tasks.length),
    error: () => threadFailures.inc({ application_id: app }),
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
