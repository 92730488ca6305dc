/**
 * Booking KPIs per property in event-time windows (by default a 1-minute tumbling window and a 1-hour
 * window advancing every 5 minutes): bookings, cancellations, room-nights, revenue, ADR and RevPAR, as the
 * DSL's windowed aggregations over the facts the status step hands over, each kept in a window store
 * (`kpis-<name>`, queryable) and published to `analytics.booking-kpis` once, when the window closes
 * (`suppress(untilWindowCloses)`, `final: true`). The hourly windows are not aggregated: they are sums of
 * the 5-minute windows (`kpis-5m`, stored, not published), published when they close by
 * `rolled-up-kpis.ts` and read by the API the same way; one store update per fact for them instead of 12.
 *
 * Why only final values: the topic's readers are the Postgres sink (one row per window, which keeps the
 * final one) and analytics; the API answers open windows from the window stores, which are newer than any
 * event. Publishing every update cost one record per window a booking falls in (13 per booking with the
 * default windows) for values nobody reads before the window closes. An event later than the grace period
 * is not counted: the aggregation drops it and reports it (see {@link KpiStats}); for the hourly windows,
 * an event counts if its 5-minute window was still open (see `rolled-up-kpis.ts`).
 */
import type { BookingKpis } from '../../schemas/generated/types.js';
import type { KStream } from '../../topology/kstream.js';
import { Materialized } from '../../topology/materialized.js';
import { BufferConfig, Suppressed } from '../../topology/suppressed.js';
import { TimeWindows } from '../../topology/time-windows.js';
import { addBooking, addCancellation, addModification, emptyKpis, type KpiTotals } from '../domain/kpis.js';
import { money } from '../domain/money.js';
import type { StayNightChange } from './analytics/stay-night-changes.js';
import type { KpiWindowSpec, ResolvedConfig } from './config.js';
import { kpiEvent, kpiStoreName } from './kpi-event.js';
import { kpiTotalsSerde } from './kpi-totals-serde.js';
import { partsRetentionMs, rolledUpKpiFinals } from './rolled-up-kpis.js';

export { kpiStoreName } from './kpi-event.js';

/** A booking, a cancellation or a modification, as the status processor hands it over. */
export interface KpiFact {
  readonly type: 'BOOKING' | 'CANCELLATION' | 'MODIFICATION';
  /** For a modification: the change in room-nights (negative when the stay shrank). */
  readonly roomNights: number;
  /**
   * Revenue booked, revenue given back by a cancellation (its total minus the fee kept), or for a
   * modification the change in room revenue.
   */
  readonly revenueMinor: number;
  readonly currency: string;
  /** The event that caused it. */
  readonly sourceEventId: string;
  /** Event time of the fact (the on-the-books aggregation dates daily changes by it). */
  readonly at?: number;
  /** What the fact changed per stay night, for the on-the-books aggregation (the KPIs ignore it). */
  readonly stayNights?: readonly StayNightChange[];
}

/** Counters of the KPI aggregations, for tests and metrics. */
export interface KpiStats {
  /** Facts not counted in a window because they came after its grace period (one per window missed). */
  droppedLate: number;
}

/** The windows of a KPI window family, with the topology's grace period. */
export function kpiWindows(spec: KpiWindowSpec, graceMs: number): TimeWindows {
  const windows = TimeWindows.ofSizeAndGrace(spec.sizeMs, graceMs);
  return spec.advanceMs === spec.sizeMs ? windows : windows.advanceBy(spec.advanceMs);
}

/**
 * Adds the KPI aggregations of every window family of `config` to `facts` (keyed by property) and returns
 * the final results of the published families as `analytics.booking-kpis` events, one stream for all.
 * A family summed from another (`sumOf`) is published by `rolledUpKpiFinals`, added before the
 * aggregations so that it closes windows before a fact that moves stream time is stored.
 */
export function bookingKpis(
  facts: KStream<string, KpiFact>,
  config: ResolvedConfig,
): KStream<string, BookingKpis> {
  const byName = new Map(config.kpiWindows.map((spec) => [spec.name, spec]));
  const summed = config.kpiWindows
    .filter((spec) => spec.sumOf !== undefined && spec.published !== false)
    .map((spec) => rolledUpKpiFinals(facts, spec, byName.get(spec.sumOf!)!, config));
  const finals = config.kpiWindows
    .filter((spec) => spec.sumOf === undefined)
    .flatMap((spec) => {
      const windows = facts
        .groupByKey()
        .windowedBy(kpiWindows(spec, config.kpiGraceMs))
        .aggregate(
          // Nothing counted yet (null): the currency comes with the first fact. The store never holds null.
          (): KpiTotals | null => null,
          (_propertyId, fact, totals) => addFact(totals, fact),
          Materialized.as<string, KpiTotals | null>(kpiStoreName(spec))
            .withKeySerde(config.serdes.key)
            // A fixed binary layout: the stores serialize on every put and fetch (JSON cost about 6x more).
            .withValueSerde(kpiTotalsSerde())
            .withRetention(partsRetentionMs(spec, config))
            // A window updated by several facts between two commits writes its changelog once.
            .withCachingEnabled(),
        );
      if (spec.published === false) return [];
      return [
        windows
          .suppress(
            Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName(`${kpiStoreName(spec)}-final`),
          )
          .toStream()
          .filter((_key, totals) => totals !== null)
          .map((windowed, totals) => ({
            key: windowed.key,
            value: kpiEvent(config, spec, windowed, totals as KpiTotals),
          })),
      ];
    });
  return [...summed, ...finals].reduce((all, stream) => all.merge(stream));
}

/** `totals` (null: nothing counted yet) with `fact` counted. */
export function addFact(totals: KpiTotals | null, fact: KpiFact): KpiTotals {
  const before = totals ?? emptyKpis(fact.currency);
  const amount = money(fact.revenueMinor, fact.currency);
  return fact.type === 'BOOKING'
    ? addBooking(before, fact.roomNights, amount)
    : fact.type === 'CANCELLATION'
      ? addCancellation(before, fact.roomNights, amount)
      : addModification(before, fact.roomNights, amount);
}

/** Starts of every window of `spec` that contains `timestamp`, oldest first. */
export function windowStartsOf(spec: KpiWindowSpec, timestamp: number): number[] {
  const starts: number[] = [];
  const latest = Math.floor(timestamp / spec.advanceMs) * spec.advanceMs;
  for (let start = latest; start > timestamp - spec.sizeMs && start >= 0; start -= spec.advanceMs)
    starts.unshift(start);
  return starts;
}
