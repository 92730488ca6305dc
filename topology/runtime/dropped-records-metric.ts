/**
 * The dropped-records metric: `tstreams_records_dropped_total`, the records windowed steps drop (too late
 * for a closed window, or without a key or value), per task, processor and reason. The listener only
 * counts in memory; the counts reach prom-client when the registry is scraped, so the processing loop
 * never calls the exporter.
 */
import { Counter, register as defaultRegistry, type Registry } from 'prom-client';
import type { DroppedRecordReason, DroppedRecordsListener } from '../dropped-records.js';

const NAME = 'tstreams_records_dropped_total';

/** Counts not yet handed to prom-client, by label set. */
type Pending = Map<string, { labels: Record<string, string>; count: number }>;

/** Every registry's counter and the pending counts of each listener feeding it. */
const feeds = new WeakMap<Registry, Set<Pending>>();

function counterOf(registry: Registry): Set<Pending> {
  let pendings = feeds.get(registry);
  if (pendings !== undefined) return pendings;
  const all = new Set<Pending>();
  pendings = all;
  feeds.set(registry, all);
  if (registry.getSingleMetric(NAME) === undefined) {
    new Counter({
      name: NAME,
      help: 'Records dropped by windowed steps: too late for a closed window, or without a key or value.',
      labelNames: ['application_id', 'task_id', 'processor', 'reason'],
      registers: [registry],
      collect() {
        for (const pending of all) {
          for (const { labels, count } of pending.values()) this.inc(labels, count);
          pending.clear();
        }
      },
    });
  }
  return all;
}

/**
 * A dropped-records listener that feeds the `tstreams_records_dropped_total` counter of `registry`
 * (prom-client's default registry unless given).
 *
 * @example
 * const builder = new StreamsBuilder({ onDroppedRecord: droppedRecordsMetric('orders-app', { registry }) });
 */
export function droppedRecordsMetric(
  applicationId: string,
  options: { registry?: Registry } = {},
): DroppedRecordsListener {
  const pending: Pending = new Map();
  counterOf(options.registry ?? defaultRegistry).add(pending);
  return (record) => {
    const id = `${record.taskId}\u0000${record.processor}\u0000${record.reason}`;
    const entry = pending.get(id);
    if (entry !== undefined) entry.count++;
    else
      pending.set(id, {
        labels: labelsOf(applicationId, record.taskId, record.processor, record.reason),
        count: 1,
      });
  };
}

function labelsOf(
  applicationId: string,
  taskId: string,
  processor: string,
  reason: DroppedRecordReason,
): Record<string, string> {
  return { application_id: applicationId, task_id: taskId, processor, reason };
}
