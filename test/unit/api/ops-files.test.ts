import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { topicNamer } from '../../../api/kafka/topics.js';
import { SystemOfRecordSink } from '../../../api/sink/system-of-record-sink.js';
import { InMemorySchemaRegistry } from '../../../schemas/registry/in-memory-schema-registry.js';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import { registerStreamsMetrics } from '../../../topology/runtime/metrics.js';
import { testApp } from './test-app.js';

const read = (path: string) => readFileSync(new URL(`../../../api/ops/${path}`, import.meta.url), 'utf8');

/** Metric names an expression uses (histogram series names reduced to the histogram). */
function metricsIn(text: string): Set<string> {
  const names = [...text.matchAll(/\b((?:tstreams|http|sink)_[a-z_]+)\b/g)].map((m) =>
    m[1]!.replace(/_(bucket|count|sum)$/, ''),
  );
  return new Set(names);
}

describe('alert rules and dashboard', () => {
  it('use only metrics the process registers', async () => {
    const t = await testApp();
    try {
      registerStreamsMetrics(
        { applicationId: 'check', events: createStreamsEventEmitter() },
        { registry: t.registry },
      );
      // Constructing the sink registers its counter; nothing connects.
      new SystemOfRecordSink({
        kafka: createKafkaClient({
          clientId: 'check',
          brokers: ['127.0.0.1:1'],
          logger: pino({ level: 'silent' }),
        }),
        pool: {} as Pool,
        registry: new InMemorySchemaRegistry(),
        names: topicNamer(''),
        groupId: 'check',
        logger: pino({ level: 'silent' }),
        metrics: t.registry,
      });
      const registered = new Set((await t.registry.getMetricsAsJSON()).map((m) => m.name));
      const used = new Set([...metricsIn(read('alerts.yml')), ...metricsIn(read('grafana-dashboard.json'))]);
      expect(used.size).toBeGreaterThan(8);
      expect([...used].filter((name) => !registered.has(name))).toEqual([]);
    } finally {
      await t.app.close();
    }
  });

  it('alert on lag above 1,000 records and on lag not caught up for 5 minutes', () => {
    const rules = read('alerts.yml');
    expect(rules).toMatch(/tstreams_consumer_lag_records\) > 1000/);
    expect(rules).toMatch(/min_over_time\(tstreams_consumer_lag_records\[5m\]\)\) > 0/);
  });

  it('the dashboard is valid JSON with a panel per target group', () => {
    const dashboard = JSON.parse(read('grafana-dashboard.json'));
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(6);
    for (const panel of dashboard.panels) expect(panel.targets.length).toBeGreaterThan(0);
  });
});
