/**
 * The alert metrics read, when scraped, the alert states of the local stores (active ones only, per kind
 * and property) and the emitter's counts; they are registered once per registry and removed at close.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerAlertMetrics } from '../../../api/queries/analytics-alert-metrics.js';
import { type AlertState, newAlertStats } from '../../../processors/topology/analytics/alerts-processor.js';
import type { KeyValueIterator, ReadOnlyKeyValueStore } from '../../../state/store.js';

/** A read-only store over `entries`, enough for `all()`. */
function storeOf(entries: Record<string, AlertState>): ReadOnlyKeyValueStore<string, AlertState> {
  const iterator = (): KeyValueIterator<string, AlertState> => {
    const items = Object.entries(entries).map(([key, value]) => ({ key, value }));
    const inner = items[Symbol.iterator]();
    return Object.assign(inner, {
      close() {},
      peekNextKey: () => undefined,
      [Symbol.dispose]() {},
    }) as unknown as KeyValueIterator<string, AlertState>;
  };
  return {
    get: (key) => entries[key],
    range: iterator,
    all: iterator,
    prefixScan: iterator,
    approximateNumEntries: () => Object.keys(entries).length,
  };
}

const state = (status: AlertState['status']): AlertState => ({
  status,
  sequence: 1,
  valueBp: 10_000,
  thresholdBp: 9_000,
  detail: '',
  raisedAt: 0,
});

describe('alert metrics', () => {
  it('counts the active alerts of the local stores and the events emitted, when scraped', async () => {
    const registry = new Registry();
    const stats = newAlertStats();
    const stores = [
      storeOf({
        'LIS-ALFAMA|STD|2026-08-10|OCCUPANCY_HIGH': state('RAISED'),
        'LIS-ALFAMA|STE|2026-08-10|OCCUPANCY_HIGH': state('UPDATED'),
        'LIS-ALFAMA|STD|2026-08-11|PACE_BEHIND': state('CLEARED'),
      }),
      storeOf({ 'ZRH-SEEHOF|STE|2026-08-12|CANCELLATION_SPIKE': state('RAISED') }),
    ];
    const unregister = registerAlertMetrics(registry, stats, () => stores);
    stats.emitted.set('OCCUPANCY_HIGH|RAISED', 3);
    stats.emitted.set('PACE_BEHIND|CLEARED', 1);
    const text = await registry.metrics();
    expect(text).toContain('analytics_alerts_active{kind="OCCUPANCY_HIGH",property="LIS-ALFAMA"} 2');
    expect(text).toContain('analytics_alerts_active{kind="CANCELLATION_SPIKE",property="ZRH-SEEHOF"} 1');
    expect(text).not.toContain('kind="PACE_BEHIND",property');
    expect(text).toContain('analytics_alerts_emitted_total{kind="OCCUPANCY_HIGH",status="RAISED"} 3');
    expect(text).toContain('analytics_alerts_emitted_total{kind="PACE_BEHIND",status="CLEARED"} 1');

    // An alert that ends leaves the gauge at the next scrape.
    stores.pop();
    expect(await registry.metrics()).not.toContain('ZRH-SEEHOF');

    // Once per registry; removed at close.
    expect(registerAlertMetrics(registry, newAlertStats(), () => [])).toBeTypeOf('function');
    unregister();
    expect(registry.getSingleMetric('analytics_alerts_active')).toBeUndefined();
    expect(registry.getSingleMetric('analytics_alerts_emitted_total')).toBeUndefined();
  });
});
