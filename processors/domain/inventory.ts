/**
 * Inventory and overbooking decisions for one property, as pure functions over "rooms sold per (room type,
 * night)".
 *
 * Each function reads current counts through an {@link InventoryReader} and returns a plan: the list of
 * counts to write. It never writes itself, so the caller (the inventory processor over its store) applies
 * a whole plan or nothing, and a rejected request provably changes nothing. Requests of one property are
 * decided one after the other in partition order; that order alone decides who gets the last room.
 */
import type { LocalDate } from './local-date.js';

/** Reads rooms sold for a room type on a night; a night never booked reads 0. */
export interface InventoryReader {
  sold(roomTypeCode: string, night: LocalDate): number;
}

/** How many rooms of a type exist, and how many more may be sold beyond them. */
export interface RoomLimits {
  readonly capacity: number;
  readonly allowance: number;
}

/** Limits of each room type of the property (capacity from reference data, allowance from its policy). */
export type LimitsOf = (roomTypeCode: string) => RoomLimits;

/** Rooms of one type held for a set of nights: a request, or what an existing reservation holds. */
export interface RoomHolding {
  readonly roomTypeCode: string;
  readonly rooms: number;
  /** The nights, as from `nightsOf(checkIn, checkOut)`. */
  readonly nights: readonly LocalDate[];
}

/** A new count for one (room type, night), with what it means for availability. */
export interface NightChange {
  readonly roomTypeCode: string;
  readonly night: LocalDate;
  readonly soldBefore: number;
  readonly soldAfter: number;
  readonly capacity: number;
  /** `capacity - soldAfter`; negative when overbooked. */
  readonly available: number;
  /** True when more rooms are sold than exist (`soldAfter > capacity`). */
  readonly overbooked: boolean;
}

/** The result of asking for rooms. */
export type ReservationDecision =
  | {
      readonly outcome: 'ACCEPTED';
      /** One change per night, ascending; apply all of them together. */
      readonly changes: readonly NightChange[];
      /** Nights this booking takes beyond capacity (within the allowance): raise `availability.overbooked`. */
      readonly overbookedNights: readonly LocalDate[];
    }
  | {
      readonly outcome: 'SOLD_OUT';
      /** Every night where the request would exceed capacity plus allowance, ascending. */
      readonly fullNights: readonly LocalDate[];
      readonly changes: readonly [];
    };

/** The result of giving rooms back. */
export interface ReleasePlan {
  readonly changes: readonly NightChange[];
  /**
   * Nights that held fewer rooms than were released (the count stops at zero). Never expected: it means a
   * release was applied twice or a reservation was lost, so callers should log it loudly.
   */
  readonly underflowNights: readonly LocalDate[];
}

/**
 * Decides a request for rooms against the current counts: accepted within capacity; accepted and
 * flagged beyond capacity but within the allowance; `SOLD_OUT` with the full nights otherwise.
 */
export function decideReservation(
  reader: InventoryReader,
  limitsOf: LimitsOf,
  request: RoomHolding,
): ReservationDecision {
  const limits = limitsOf(request.roomTypeCode);
  const ceiling = limits.capacity + limits.allowance;
  const fullNights: LocalDate[] = [];
  const changes: NightChange[] = [];
  for (const night of uniqueSorted(request.nights)) {
    const soldBefore = reader.sold(request.roomTypeCode, night);
    const soldAfter = soldBefore + request.rooms;
    if (soldAfter > ceiling) fullNights.push(night);
    changes.push(change(request.roomTypeCode, night, soldBefore, soldAfter, limits.capacity));
  }
  if (fullNights.length > 0) return { outcome: 'SOLD_OUT', fullNights, changes: [] };
  return {
    outcome: 'ACCEPTED',
    changes,
    overbookedNights: changes.filter((c) => c.overbooked).map((c) => c.night),
  };
}

/** Gives back the rooms a reservation holds (cancellation, rejection, payment failure). */
export function planRelease(reader: InventoryReader, limitsOf: LimitsOf, holding: RoomHolding): ReleasePlan {
  const { capacity } = limitsOf(holding.roomTypeCode);
  const changes: NightChange[] = [];
  const underflowNights: LocalDate[] = [];
  for (const night of uniqueSorted(holding.nights)) {
    const soldBefore = reader.sold(holding.roomTypeCode, night);
    if (soldBefore < holding.rooms) underflowNights.push(night);
    changes.push(
      change(holding.roomTypeCode, night, soldBefore, Math.max(0, soldBefore - holding.rooms), capacity),
    );
  }
  return { changes, underflowNights };
}

/**
 * Moves a reservation from what it holds to what it asks for now (other dates, room type or room count),
 * all or nothing: the old rooms are released first on a scratch copy (so a guest moving by one night does
 * not compete with themself), then the new request is decided against it. `SOLD_OUT` leaves every count
 * as it was. An accepted plan has one change per (room type, night) whose count moves, with `soldBefore`
 * from the real counts; unchanged nights are left out.
 */
export function planModification(
  reader: InventoryReader,
  limitsOf: LimitsOf,
  held: RoomHolding,
  requested: RoomHolding,
): ReservationDecision {
  const release = planRelease(reader, limitsOf, held);
  const scratch = new Map(release.changes.map((c) => [slot(c.roomTypeCode, c.night), c.soldAfter]));
  const afterRelease: InventoryReader = {
    sold: (roomTypeCode, night) => scratch.get(slot(roomTypeCode, night)) ?? reader.sold(roomTypeCode, night),
  };
  const decision = decideReservation(afterRelease, limitsOf, requested);
  if (decision.outcome === 'SOLD_OUT') return decision;

  const finalCounts = new Map(scratch);
  for (const c of decision.changes) finalCounts.set(slot(c.roomTypeCode, c.night), c.soldAfter);
  const changes: NightChange[] = [];
  for (const [key, soldAfter] of finalCounts) {
    const [roomTypeCode, night] = unslot(key);
    const soldBefore = reader.sold(roomTypeCode, night);
    if (soldAfter !== soldBefore) {
      changes.push(change(roomTypeCode, night, soldBefore, soldAfter, limitsOf(roomTypeCode).capacity));
    }
  }
  changes.sort((a, b) =>
    a.night === b.night ? a.roomTypeCode.localeCompare(b.roomTypeCode) : a.night < b.night ? -1 : 1,
  );
  // Every requested night that ends beyond capacity is reported, as for a new booking: the reservation
  // now holds those rooms under its new terms, even where it had overbooked the same night before.
  return { outcome: 'ACCEPTED', changes, overbookedNights: decision.overbookedNights };
}

function change(
  roomTypeCode: string,
  night: LocalDate,
  soldBefore: number,
  soldAfter: number,
  capacity: number,
): NightChange {
  return {
    roomTypeCode,
    night,
    soldBefore,
    soldAfter,
    capacity,
    available: capacity - soldAfter,
    overbooked: soldAfter > capacity,
  };
}

function uniqueSorted(nights: readonly LocalDate[]): LocalDate[] {
  return [...new Set(nights)].sort();
}

// Room type codes never contain '|', so it separates the two parts of a scratch key unambiguously.
function slot(roomTypeCode: string, night: LocalDate): string {
  return `${roomTypeCode}|${night}`;
}

function unslot(key: string): [string, LocalDate] {
  const at = key.indexOf('|');
  return [key.slice(0, at), key.slice(at + 1)];
}
