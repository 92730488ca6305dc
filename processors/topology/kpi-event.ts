/**
 * The `analytics.booking-kpis` event of a closed KPI window, and the names of the KPI window stores: shared
 * by the aggregated window families ({@link bookingKpis}) and those summed from them (`rolled-up-kpis.ts`).
 * RevPAR's available room-nights are the property's rooms times the days the window spans (one for any
 * window up to a day).
 */
import type { BookingKpis } from '../../schemas/generated/types.js';
import type { Windowed } from '../../state/store.js';
import { type KpiTotals, summarizeKpis } from '../domain/kpis.js';
import { money } from '../domain/money.js';
import type { KpiWindowSpec, ResolvedConfig } from './config.js';
import { toEventMoney } from './event-values.js';

const DAY_MS = 86_400_000;

/** The window store of a KPI window family. */
export function kpiStoreName(spec: KpiWindowSpec): string {
  return `kpis-${spec.name}`;
}

/** The final `analytics.booking-kpis` event of a closed window. */
export function kpiEvent(
  config: ResolvedConfig,
  spec: KpiWindowSpec,
  windowed: Windowed<string>,
  totals: KpiTotals,
): BookingKpis {
  const propertyId = windowed.key;
  const start = windowed.window.start;
  const days = Math.max(1, Math.ceil(spec.sizeMs / DAY_MS));
  const available = config.catalog.totalCapacity(propertyId) * days;
  const summary = summarizeKpis(totals, available);
  const zero = money(0, summary.revenue.currency);
  return {
    eventId: `kpis:${propertyId}:${spec.name}:${start}:final`,
    eventType: 'BookingKpis',
    // The moment the window's values stopped changing (a replay gives the same event).
    occurredAt: start + spec.sizeMs,
    propertyId,
    windowStart: start,
    windowEnd: start + spec.sizeMs,
    windowSizeMs: spec.sizeMs,
    windowAdvanceMs: spec.advanceMs,
    final: true,
    bookings: summary.bookings,
    cancellations: summary.cancellations,
    roomNights: summary.roomNightsSold,
    revenue: toEventMoney(summary.revenue),
    adr: toEventMoney(summary.adr ?? zero),
    availableRoomNights: available,
    revpar: toEventMoney(summary.revpar ?? zero),
  };
}
