/**
 * Prometheus metrics of the revenue alerts the topology emits (`analytics.alerts`):
 * - `analytics_alerts_active{kind,property}`: alerts holding now, counted when scraped from the
 *   `alert-states` stores of this instance's active tasks (each property's alerts live in its task, so
 *   summed over instances every alert counts once, and a task that moves takes its count along);
 * - `analytics_alerts_emitted_total{kind,status}`: the events this instance's tasks emitted (RAISED,
 *   UPDATED, CLEARED), counted by the emitter; a transaction aborted and processed again counts again.
 * The hot path only counts; the metrics read when scraped.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertState, AlertStats } from '../../processors/topology/analytics/alerts-processor.js';
import type { ReadOnlyKeyValueStore } from '../../state/store.js';

const ACTIVE = 'analytics_alerts_active';
const EMITTED = 'analytics_alerts_emitted_total';

/** The stores to count active alerts in: the `alert-states` of the local active tasks. */
export type AlertStores = () => Iterable<ReadOnlyKeyValueStore<string, AlertState>>;

/**
 * Registers the alert metrics on `registry` (once per registry: a second instance on the same registry
 * keeps the first one's); returns what removes them, for the instance's close.
 */
export function registerAlertMetrics(registry: Registry, stats: AlertStats, stores: AlertStores): () => void {
  if (registry.getSingleMetric(ACTIVE) !== undefined) return () => {};
  new Gauge({
    name: ACTIVE,
    help: 'Revenue alerts holding now (raised, not cleared) in the tasks of this instance, per kind and property.',
    labelNames: ['kind', 'property'],
    registers: [registry],
    collect() {
      this.reset();
      for (const store of stores()) {
        const iterator = store.all();
        try {
          for (const { key, value } of iterator) {
            if (value.status === 'CLEARED') continue;
            // `<propertyId>|<roomType>|<night>|<kind>`
            const parts = key.split('|');
            this.inc({ kind: parts[3], property: parts[0] });
          }
        } finally {
          iterator.close();
        }
      }
    },
  });
  new Counter({
    name: EMITTED,
    help: 'Revenue alert events (analytics.alerts) the tasks of this instance emitted, per kind and status (RAISED, UPDATED, CLEARED).',
    labelNames: ['kind', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [label, count] of stats.emitted) {
        const [kind, status] = label.split('|');
        this.inc({ kind, status }, count);
      }
    },
  });
  return () => {
    registry.removeSingleMetric(ACTIVE);
    registry.removeSingleMetric(EMITTED);
  };
}
