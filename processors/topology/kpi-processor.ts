/**
 * Booking KPIs per property in event-time windows (by default a 1-minute tumbling window and a 1-hour
 * window advancing every 5 minutes), kept in window stores and emitted to `analytics.booking-kpis`:
 * bookings, cancellations, room-nights, revenue, ADR and RevPAR.
 *
 * Every update of a window is emitted at once (`final: false`); when stream time passes a window's end
 * plus the grace period, its result is emitted once more with `final: true` and the window is closed. An
 * event that arrives for a closed window (later than the grace) is not counted: it is dropped and counted
 * in {@link KpiProcessorStats.droppedLate}. RevPAR's available room-nights are the property's rooms times
 * the days the window spans (one for any window up to a day).
 */
import type { BookingKpis } from '../../schemas/generated/types.js';
import type { KeyValueStore, WindowStore } from '../../state/store.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import {
  addBooking,
  addCancellation,
  addModification,
  emptyKpis,
  type KpiTotals,
  summarizeKpis,
} from '../domain/kpis.js';
import { money } from '../domain/money.js';
import { type KpiWindowSpec, type ResolvedConfig, STORES } from './config.js';
import { toEventMoney } from './event-values.js';
import { emit } from './flow.js';

const DAY_MS = 86_400_000;

/** A booking or a cancellation, as the status processor hands it over. */
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
  /** The event that caused it, so that each emitted update has an id a replay reproduces. */
  readonly sourceEventId: string;
}

/** Counters of one KPI processor instance, for tests and metrics. */
export interface KpiProcessorStats {
  droppedLate: number;
}

/** The window store of a KPI window family. */
export function kpiStoreName(spec: KpiWindowSpec): string {
  return `kpis-${spec.name}`;
}

/** Creates the KPI processor; `stats` (optional) receives its counters. */
export function kpiProcessor(
  config: ResolvedConfig,
  stats: KpiProcessorStats = { droppedLate: 0 },
): Processor<string, KpiFact, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  let progress: KeyValueStore<string, number>;
  const windows = new Map<KpiWindowSpec, WindowStore<string, KpiTotals>>();
  return {
    init(ctx) {
      context = ctx;
      progress = ctx.getStateStore(STORES.kpiProgress);
      for (const spec of config.kpiWindows) windows.set(spec, ctx.getStateStore(kpiStoreName(spec)));
      const interval = Math.min(...config.kpiWindows.map((s) => s.advanceMs));
      ctx.schedule(interval, 'STREAM_TIME', (streamTime) => closeWindows(streamTime));
    },
    process(record: StreamRecord<string, KpiFact>) {
      const fact = record.value;
      const propertyId = record.key;
      const streamTime = Math.max(context.currentStreamTimeMs(), record.timestamp);
      for (const [spec, store] of windows) {
        for (const start of windowStartsOf(spec, record.timestamp)) {
          if (start + spec.sizeMs + config.kpiGraceMs <= streamTime) {
            stats.droppedLate++;
            continue;
          }
          const before = store.fetch(propertyId, start) ?? emptyKpis(fact.currency);
          const amount = money(fact.revenueMinor, fact.currency);
          const after =
            fact.type === 'BOOKING'
              ? addBooking(before, fact.roomNights, amount)
              : fact.type === 'CANCELLATION'
                ? addCancellation(before, fact.roomNights, amount)
                : addModification(before, fact.roomNights, amount);
          store.put(propertyId, after, start);
          emit(
            context,
            'analytics.booking-kpis',
            propertyId,
            kpiEvent(propertyId, spec, start, after, fact.sourceEventId, record.timestamp),
            record.timestamp,
          );
        }
      }
    },
  };

  /** Emits the final result of every window whose grace period has passed, once. */
  function closeWindows(streamTime: number): void {
    for (const [spec, store] of windows) {
      const lastClosable =
        Math.floor((streamTime - spec.sizeMs - config.kpiGraceMs) / spec.advanceMs) * spec.advanceMs;
      for (const property of config.catalog.all()) {
        const progressKey = `${spec.name}|${property.propertyId}`;
        const closedUpTo = progress.get(progressKey) ?? Number.NEGATIVE_INFINITY;
        if (lastClosable <= closedUpTo) continue;
        const from = Number.isFinite(closedUpTo) ? closedUpTo + 1 : 0;
        const iterator = store.fetchRange(property.propertyId, Math.max(0, from), lastClosable);
        let emitted = false;
        try {
          for (const { key: start, value } of iterator) {
            emitted = true;
            const event = kpiEvent(property.propertyId, spec, start, value, null, streamTime);
            emit(context, 'analytics.booking-kpis', property.propertyId, event, streamTime);
          }
        } finally {
          iterator.close();
        }
        // Progress is written only when a window closed: a property this task does not own (or one with
        // no bookings) costs a cheap empty range scan, not a changelog record per punctuation.
        if (emitted) progress.put(progressKey, lastClosable);
      }
    }
  }

  function kpiEvent(
    propertyId: string,
    spec: KpiWindowSpec,
    start: number,
    totals: KpiTotals,
    sourceEventId: string | null,
    at: number,
  ): BookingKpis {
    const final = sourceEventId === null;
    const days = Math.max(1, Math.ceil(spec.sizeMs / DAY_MS));
    const available = config.catalog.totalCapacity(propertyId) * days;
    const summary = summarizeKpis(totals, available);
    const zero = money(0, summary.revenue.currency);
    return {
      eventId: `kpis:${propertyId}:${spec.name}:${start}:${sourceEventId ?? 'final'}`,
      eventType: 'BookingKpis',
      occurredAt: at,
      propertyId,
      windowStart: start,
      windowEnd: start + spec.sizeMs,
      windowSizeMs: spec.sizeMs,
      windowAdvanceMs: spec.advanceMs,
      final,
      bookings: summary.bookings,
      cancellations: summary.cancellations,
      roomNights: summary.roomNightsSold,
      revenue: toEventMoney(summary.revenue),
      adr: toEventMoney(summary.adr ?? zero),
      availableRoomNights: available,
      revpar: toEventMoney(summary.revpar ?? zero),
    };
  }
}

/** Starts of every window of `spec` that contains `timestamp`, oldest first. */
export function windowStartsOf(spec: KpiWindowSpec, timestamp: number): number[] {
  const starts: number[] = [];
  const latest = Math.floor(timestamp / spec.advanceMs) * spec.advanceMs;
  for (let start = latest; start > timestamp - spec.sizeMs && start >= 0; start -= spec.advanceMs)
    starts.unshift(start);
  return starts;
}
