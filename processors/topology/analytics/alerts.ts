/**
 * Revenue alerts per room type and stay date, derived at read time from the pickup and pace reports
 * (so they cost nothing per reservation): pace well behind the comparable dates, occupancy on the books
 * high enough to put pressure on prices, and a spike of cancellations (a day that took a good share of a
 * night's books away). Thresholds and formulas: docs/analytics.md.
 */
import type { ReadOnlyKeyValueStore } from '../../../state/store.js';
import type { LocalDate } from '../../domain/local-date.js';
import type { PropertyCatalog } from '../../domain/reference-data.js';
import type { StayDateBooks } from './on-the-books.js';
import { queryPace, queryPickup } from './pickup-and-pace.js';

/** Pace below −20 % of the comparable average. */
export const PACE_BEHIND_ALERT_BP = -2_000;
/** Room-nights on the books at 90 % of capacity or more. */
export const OCCUPANCY_ALERT_BP = 9_000;
/** Today's pickup took 20 % or more of yesterday's books away, and at least 2 room-nights. */
export const CANCELLATION_SPIKE_BP = 2_000;
export const CANCELLATION_SPIKE_MIN_ROOM_NIGHTS = 2;

export type AlertKind = 'PACE_BEHIND' | 'OCCUPANCY_HIGH' | 'CANCELLATION_SPIKE';

/** One alert of one room type on one stay date. */
export interface StayDateAlert {
  readonly kind: AlertKind;
  readonly roomType: string;
  readonly night: LocalDate;
  /** The figure that crossed the threshold, in basis points (pace, occupancy, share of books lost). */
  readonly valueBp: number;
  readonly thresholdBp: number;
  readonly detail: string;
}

/**
 * The alerts of every room type of `propertyId` for the stay dates in `[from, to)` not yet passed by
 * `asOf`, by room type, then night, then kind.
 */
export function queryAlerts(
  store: ReadOnlyKeyValueStore<string, StayDateBooks>,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
  asOf: LocalDate,
): StayDateAlert[] {
  const capacityOf = new Map(catalog.property(propertyId).roomTypes.map((r) => [r.code, r.capacity]));
  const pickups = queryPickup(store, catalog, propertyId, from, to, asOf);
  const paces = queryPace(store, catalog, propertyId, from, to, asOf);
  const alerts: StayDateAlert[] = [];
  pickups.forEach((pickup, i) => {
    const pace = paces[i]!;
    if (pace.leadDays < 0) return;
    const { roomType, night } = pickup;
    const rn = pickup.roomNights;
    if (pace.roomNightsPaceBp !== null && pace.roomNightsPaceBp < PACE_BEHIND_ALERT_BP) {
      alerts.push({
        kind: 'PACE_BEHIND',
        roomType,
        night,
        valueBp: pace.roomNightsPaceBp,
        thresholdBp: PACE_BEHIND_ALERT_BP,
        detail: `${rn} room-nights against ${pace.comparableSum.roomNights}/4 at the same lead time`,
      });
    }
    const capacity = capacityOf.get(roomType)!;
    const occupancyBp = Math.floor((rn * 10_000) / capacity);
    if (occupancyBp >= OCCUPANCY_ALERT_BP) {
      alerts.push({
        kind: 'OCCUPANCY_HIGH',
        roomType,
        night,
        valueBp: occupancyBp,
        thresholdBp: OCCUPANCY_ALERT_BP,
        detail: `${rn} of ${capacity} rooms on the books`,
      });
    }
    const today = pickup.pickup.find((p) => p.days === 1)!;
    const yesterday = rn - today.roomNights;
    const lost = -today.roomNights;
    if (lost >= CANCELLATION_SPIKE_MIN_ROOM_NIGHTS && yesterday > 0) {
      const lostBp = Math.floor((lost * 10_000) / yesterday);
      if (lostBp >= CANCELLATION_SPIKE_BP) {
        alerts.push({
          kind: 'CANCELLATION_SPIKE',
          roomType,
          night,
          valueBp: lostBp,
          thresholdBp: CANCELLATION_SPIKE_BP,
          detail: `${lost} of ${yesterday} room-nights taken off the books today`,
        });
      }
    }
  });
  return alerts;
}
