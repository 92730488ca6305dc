import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LagAlerts } from '../../../api/ops/lag-alerts.js';

function lagGauge(registry: Registry): Gauge {
  return new Gauge({
    name: 'tstreams_consumer_lag_records',
    help: 'lag',
    labelNames: ['application_id', 'topic', 'partition'],
    registers: [registry],
  });
}

describe('LagAlerts', () => {
  it('fires above 1,000 records at once, and when a partition has not caught up for 5 minutes', async () => {
    const registry = new Registry();
    const gauge = lagGauge(registry);
    const alerts = new LagAlerts(registry);
    const t0 = Date.UTC(2026, 0, 1);
    gauge.set({ application_id: 'a', topic: 'reservation.created', partition: '0' }, 1_500);
    gauge.set({ application_id: 'a', topic: 'reservation.created', partition: '1' }, 10);
    gauge.set({ application_id: 'a', topic: 'reservation.created', partition: '2' }, 0);
    expect((await alerts.sample(t0)).map((a) => [a.alert, a.partition])).toEqual([
      ['StreamsConsumerLagHigh', 0],
    ]);

    const later = await alerts.sample(t0 + 5 * 60_000);
    expect(later.map((a) => [a.alert, a.partition])).toEqual([
      ['StreamsConsumerLagHigh', 0],
      ['StreamsConsumerLagStale', 0],
      ['StreamsConsumerLagStale', 1],
    ]);
    expect(later[2]?.behindSince).toBe(t0);

    // Caught up once: the clock starts again.
    gauge.set({ application_id: 'a', topic: 'reservation.created', partition: '1' }, 0);
    await alerts.sample(t0 + 6 * 60_000);
    gauge.set({ application_id: 'a', topic: 'reservation.created', partition: '1' }, 3);
    const after = await alerts.sample(t0 + 7 * 60_000);
    expect(after.filter((a) => a.partition === 1)).toEqual([]);
  });

  it('fires nothing without the runtime gauge', async () => {
    expect(await new LagAlerts(new Registry()).sample(0)).toEqual([]);
  });
});
