/**
 * The `/alerts` view: the lag rules of `alerts.yml`, evaluated in the process on this instance's own
 * partitions (Prometheus evaluates them across instances). Lag in records comes from the runtime's
 * `tstreams_consumer_lag_records` gauge; "older than 5 minutes" is tracked here as the time since a
 * partition's lag was last zero, sampled every few seconds, as the Prometheus rule does with
 * `min_over_time`.
 */
import type { Gauge, Registry } from 'prom-client';

/** Thresholds of the source design. */
export const LAG_RECORDS_THRESHOLD = 1_000;
export const LAG_AGE_THRESHOLD_MS = 5 * 60_000;

/** One firing alert. */
export interface LagAlert {
  readonly alert: 'StreamsConsumerLagHigh' | 'StreamsConsumerLagStale';
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
  /** Since when the partition has not been caught up (epoch ms). */
  readonly behindSince: number;
}

/** Samples the lag gauge and keeps, per partition, when it was last caught up. */
export class LagAlerts {
  readonly #registry: Registry;
  readonly #behindSince = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Samples every `intervalMs` until {@link stop}. */
  start(intervalMs = 5_000): void {
    this.#timer ??= setInterval(() => void this.sample(Date.now()), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reads the gauge at `now`; returns the alerts that fire. */
  async sample(now: number): Promise<LagAlert[]> {
    const gauge = this.#registry.getSingleMetric('tstreams_consumer_lag_records') as Gauge | undefined;
    if (gauge === undefined) return [];
    const { values } = await gauge.get();
    const alerts: LagAlert[] = [];
    for (const { value, labels } of values) {
      const topic = String(labels.topic);
      const partition = Number(labels.partition);
      const id = `${topic}:${partition}`;
      if (value <= 0) {
        this.#behindSince.delete(id);
        continue;
      }
      const since = this.#behindSince.get(id) ?? now;
      this.#behindSince.set(id, since);
      if (value > LAG_RECORDS_THRESHOLD) {
        alerts.push({ alert: 'StreamsConsumerLagHigh', topic, partition, lag: value, behindSince: since });
      }
      if (now - since >= LAG_AGE_THRESHOLD_MS) {
        alerts.push({ alert: 'StreamsConsumerLagStale', topic, partition, lag: value, behindSince: since });
      }
    }
    return alerts;
  }
}
