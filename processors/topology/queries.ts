/**
 * Interactive queries over the reservation topology's stores, for the API's read endpoints
 * (`GET /properties/:id/availability`, `/rates`, `/kpis`, `GET /reservations/:number`). Each takes the
 * read-only store the runtime hands out for the instance that owns the property, so the API never needs
 * to know how keys are laid out.
 */
import { fetchRolledUp, type RollUp } from '../../state/index.js';
import type { ReadOnlyKeyValueStore, ReadOnlyWindowStore } from '../../state/store.js';
import { type KpiTotals, mergeKpis } from '../domain/kpis.js';
import { daysBetween, type LocalDate } from '../domain/local-date.js';
import { type Money, money } from '../domain/money.js';
import { overbookingAllowance, type PropertyCatalog } from '../domain/reference-data.js';
import { nightsOf } from '../domain/stay.js';
import { rateOn, type SoldPerDay, soldOn } from './inventory-store.js';
import type { ReservationState } from './reservation-state.js';

/** Availability of one room type on one night. */
export interface NightAvailability {
  readonly roomType: string;
  readonly night: LocalDate;
  readonly capacity: number;
  readonly overbookingAllowance: number;
  readonly roomsReserved: number;
  /** `capacity - roomsReserved`; negative when overbooked. */
  readonly roomsAvailable: number;
  /** Rooms that may still be sold, allowance included. */
  readonly roomsSellable: number;
}

/** The most nights one availability or rate query may span. */
export const MAX_QUERY_NIGHTS = 366;

/** Availability of every room type of `propertyId` for each night in `[from, to)`, by room type then night. */
export function queryAvailability(
  inventory: ReadOnlyKeyValueStore<string, SoldPerDay>,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
): NightAvailability[] {
  const property = catalog.property(propertyId);
  const nights = checkedNights(from, to);
  return property.roomTypes.flatMap((roomType) => {
    const allowance = overbookingAllowance(property, roomType);
    return nights.map((night) => {
      const reserved = soldOn(inventory, propertyId, roomType.code, night);
      return {
        roomType: roomType.code,
        night,
        capacity: roomType.capacity,
        overbookingAllowance: allowance,
        roomsReserved: reserved,
        roomsAvailable: roomType.capacity - reserved,
        roomsSellable: Math.max(0, roomType.capacity + allowance - reserved),
      };
    });
  });
}

/** The nightly rate on offer for each room type and night in `[from, to)`: the last `rate.updated`, or the base rate. */
export function queryRates(
  rates: ReadOnlyKeyValueStore<string, SoldPerDay>,
  catalog: PropertyCatalog,
  propertyId: string,
  from: LocalDate,
  to: LocalDate,
): Array<{ readonly roomType: string; readonly night: LocalDate; readonly rate: Money }> {
  const property = catalog.property(propertyId);
  const nights = checkedNights(from, to);
  return property.roomTypes.flatMap((roomType) =>
    nights.map((night) => ({
      roomType: roomType.code,
      night,
      rate: money(
        rateOn(rates, propertyId, roomType.code, night) ?? roomType.baseRate.minor,
        property.currency,
      ),
    })),
  );
}

/** A reservation by confirmation number, or undefined when this instance's stores do not hold it. */
export function queryReservation(
  reservations: ReadOnlyKeyValueStore<string, ReservationState>,
  confirmationNumber: string,
): ReservationState | undefined {
  return reservations.get(confirmationNumber);
}

/** KPI totals of `propertyId` for the windows starting in `[fromMs, toMs]`, oldest first. */
export function queryKpis(
  windows: ReadOnlyWindowStore<string, KpiTotals>,
  propertyId: string,
  fromMs: number,
  toMs: number,
): Array<{ readonly windowStart: number; readonly totals: KpiTotals }> {
  const iterator = windows.fetchRange(propertyId, fromMs, toMs);
  try {
    return [...iterator].map(({ key, value }) => ({ windowStart: key, totals: value }));
  } finally {
    iterator.close();
  }
}

/**
 * KPI totals of `propertyId` for the windows of a family summed from finer windows (`sumOf`), starting in
 * `[fromMs, toMs]`, oldest first: each the sum of the parts in `parts` it covers.
 */
export function queryRolledUpKpis(
  parts: ReadOnlyWindowStore<string, KpiTotals>,
  propertyId: string,
  rollUp: RollUp,
  fromMs: number,
  toMs: number,
): Array<{ readonly windowStart: number; readonly totals: KpiTotals }> {
  return fetchRolledUp<string, KpiTotals, KpiTotals>(
    parts,
    propertyId,
    rollUp,
    fromMs,
    toMs,
    (total, part) => (total === undefined ? part : mergeKpis(total, part)),
  ).map(({ key, value }) => ({ windowStart: key, totals: value }));
}

function checkedNights(from: LocalDate, to: LocalDate): LocalDate[] {
  const span = daysBetween(from, to);
  if (span < 1 || span > MAX_QUERY_NIGHTS) {
    throw new RangeError(`a query spans 1 to ${MAX_QUERY_NIGHTS} nights; ${from} to ${to} spans ${span}`);
  }
  return nightsOf(from, to);
}
