/**
 * The test's own account of where every reservation ended, computed from the commands it produced and
 * the decisions the pipeline announced, never from the pipeline's stores: a reservation is CONFIRMED or
 * REJECTED by its decision event, CANCELLED by a cancellation the pipeline did not refuse, and holds the
 * stay of its last modification the pipeline did not refuse. From that, the rooms each (property, room
 * type, night) must hold, and the checks of the stores and the emitted availability against it. Each check
 * returns readable problems (which key, expected vs actual) instead of stopping at the first.
 */
import type { PropertyCatalog } from '../../../processors/domain/reference-data.js';
import { overbookingAllowance } from '../../../processors/domain/reference-data.js';
import { nightsOf } from '../../../processors/domain/stay.js';
import { nightKey } from '../../../processors/topology/config.js';
import type { ReservationState } from '../../../processors/topology/reservation-state.js';
import type { ReservationCreated, StayDetails } from '../../../schemas/generated/types.js';
import type { OutputCollector } from './output-collector.js';
import type { ReservationCommand } from './reservation-commands.js';

/** Where the test expects a reservation to have ended. */
export interface ExpectedReservation {
  readonly confirmationNumber: string;
  readonly propertyId: string;
  /** PENDING means no decision and no cancellation: a reservation the pipeline never finished. */
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED';
  /** The stay it holds if active: the booking's, or its last modification the pipeline accepted. */
  stay: StayDetails;
  /** Decision events for it, in order: `CONFIRMED` or `REJECTED:<reason>`. */
  readonly decisions: string[];
  cancelled: boolean;
}

/** How the commands fared, for the coverage assertions. */
export interface CommandOutcomes {
  /** Cancellations applied, or ignored as a repeat of one applied before. */
  readonly cancellationsNotRefused: number;
  readonly cancellationsRefused: number;
  readonly modificationsAccepted: number;
  /** Refusals of modifications by reason, e.g. `SOLD_OUT`, `INVALID_TRANSITION`. */
  readonly modificationsRefused: Map<string, number>;
}

/** Works out every reservation's end from the commands (in production order) and the decisions seen. */
export function expectedReservations(
  commands: readonly ReservationCommand[],
  seen: OutputCollector,
): { reservations: Map<string, ExpectedReservation>; outcomes: CommandOutcomes } {
  // A refusal's event id is the refused command's id plus `:rejected` (see the status processor).
  const refusals = new Map(seen.rejected.map((r) => [r.value.eventId, r.value]));
  const reservations = new Map<string, ExpectedReservation>();
  let cancellationsNotRefused = 0;
  let cancellationsRefused = 0;
  let modificationsAccepted = 0;
  const modificationsRefused = new Map<string, number>();
  for (const command of commands) {
    const { confirmationNumber } = command.value;
    if (command.topic === 'reservation.created') {
      reservations.set(confirmationNumber, {
        confirmationNumber,
        propertyId: command.value.propertyId,
        status: 'PENDING',
        stay: command.value.stayDetails,
        decisions: [],
        cancelled: false,
      });
      continue;
    }
    const reservation = reservations.get(confirmationNumber)!;
    const refusal = refusals.get(`${command.value.eventId}:rejected`);
    if (command.topic === 'reservation.modified') {
      if (refusal === undefined) {
        reservation.stay = command.value.stayDetails;
        modificationsAccepted++;
      } else {
        modificationsRefused.set(refusal.reason, (modificationsRefused.get(refusal.reason) ?? 0) + 1);
      }
    } else if (refusal === undefined) {
      // Not refused: it cancelled the reservation (a second cancellation is ignored, as a replay).
      reservation.cancelled = true;
      cancellationsNotRefused++;
    } else {
      cancellationsRefused++;
    }
  }
  for (const r of seen.confirmed) reservations.get(r.value.confirmationNumber)?.decisions.push('CONFIRMED');
  for (const r of seen.rejected) {
    // Refusals of a command on an existing reservation (refusedAction set) are not decisions.
    if (r.value.refusedAction !== null) continue;
    reservations.get(r.value.confirmationNumber)?.decisions.push(`REJECTED:${r.value.reason}`);
  }
  for (const reservation of reservations.values()) {
    const decision = reservation.decisions[0];
    reservation.status = reservation.cancelled
      ? 'CANCELLED'
      : decision === 'CONFIRMED'
        ? 'CONFIRMED'
        : decision?.startsWith('REJECTED') === true
          ? 'REJECTED'
          : 'PENDING';
  }
  return {
    reservations,
    outcomes: { cancellationsNotRefused, cancellationsRefused, modificationsAccepted, modificationsRefused },
  };
}

/** Rooms each `property|roomType|night` must hold: the sum over reservations still active. */
export function expectedRoomsHeld(reservations: Iterable<ExpectedReservation>): Map<string, number> {
  const held = new Map<string, number>();
  for (const r of reservations) {
    for (const [key, rooms] of holdingsOf(r)) held.set(key, (held.get(key) ?? 0) + rooms);
  }
  return held;
}

function holdingsOf(r: ExpectedReservation): Map<string, number> {
  const holdings = new Map<string, number>();
  if (r.status !== 'CONFIRMED') return holdings;
  for (const night of nightsOf(r.stay.checkInDate, r.stay.checkOutDate)) {
    holdings.set(nightKey(r.propertyId, r.stay.roomType, night), r.stay.rooms);
  }
  return holdings;
}

/**
 * Every reservation reached exactly one final status: one decision (none only when it was cancelled
 * while its payment was in flight), never both rejected and cancelled, and the `reservations` store
 * agrees with the test's account.
 */
export function finalStatusProblems(
  reservations: Iterable<ExpectedReservation>,
  stored: (r: ExpectedReservation) => ReservationState | undefined,
): string[] {
  const problems: string[] = [];
  for (const r of reservations) {
    const id = `${r.confirmationNumber} (${r.propertyId})`;
    const allowed = r.cancelled && !r.decisions.some((d) => d !== 'CONFIRMED') ? [0, 1] : [1];
    if (!allowed.includes(r.decisions.length)) {
      problems.push(
        `${id}: expected ${allowed.join(' or ')} decision(s)${r.cancelled ? ' (cancelled)' : ''}, saw [${r.decisions.join(', ')}]`,
      );
    }
    if (r.cancelled && r.decisions.some((d) => d.startsWith('REJECTED'))) {
      problems.push(`${id}: both rejected (${r.decisions.join(', ')}) and cancelled without a refusal`);
    }
    const state = stored(r);
    if (state === undefined) {
      problems.push(`${id}: expected ${r.status}, not in the reservations store`);
      continue;
    }
    if (state.status !== r.status) {
      problems.push(`${id}: expected status ${r.status}, the store says ${state.status}`);
    }
    if (r.status === 'CONFIRMED' && !sameStay(state.stay, r.stay)) {
      problems.push(
        `${id}: expected stay ${describeStay(r.stay)}, the store says ${describeStay(state.stay)}`,
      );
    }
  }
  return problems;
}

/**
 * Availability from the queryable store equals capacity minus the rooms the test expects held, for every
 * room type and night of every property in `[from, to)`; `availability` answers like the API's query.
 */
export function availabilityProblems(
  catalog: PropertyCatalog,
  propertyIds: readonly string[],
  held: ReadonlyMap<string, number>,
  availability: (
    propertyId: string,
  ) => ReadonlyArray<{ roomType: string; night: string; roomsAvailable: number; capacity: number }>,
): string[] {
  const problems: string[] = [];
  for (const propertyId of propertyIds) {
    for (const night of availability(propertyId)) {
      const expectedHeld = held.get(nightKey(propertyId, night.roomType, night.night)) ?? 0;
      const capacity = catalog.roomType(propertyId, night.roomType).capacity;
      if (night.roomsAvailable !== capacity - expectedHeld) {
        problems.push(
          `${nightKey(propertyId, night.roomType, night.night)}: expected ${capacity - expectedHeld} available ` +
            `(capacity ${capacity} - ${expectedHeld} held by active reservations), the store answers ${night.roomsAvailable}`,
        );
      }
    }
  }
  return problems;
}

/**
 * Replays `availability.updated` in partition order (every event of a property is in one partition):
 * each event's count follows from the one before plus its delta, never below zero nor beyond capacity
 * plus the allowance, and the last count of each night is what the test expects held. The deltas a
 * reservation caused add up, per night, to what it still holds.
 */
export function replayProblems(
  catalog: PropertyCatalog,
  events: OutputCollector['availability'],
  reservations: ReadonlyMap<string, ExpectedReservation>,
  held: ReadonlyMap<string, number>,
): string[] {
  const problems: string[] = [];
  const ordered = [...events].sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  const running = new Map<string, number>();
  const byReservation = new Map<string, Map<string, number>>();
  for (const { partition, offset, value: e } of ordered) {
    const key = nightKey(e.propertyId, e.roomType, e.stayDate);
    const where = `${key} at partition ${partition} offset ${offset} (${e.eventId})`;
    const property = catalog.property(e.propertyId);
    const roomType = catalog.roomType(e.propertyId, e.roomType);
    const limit = roomType.capacity + overbookingAllowance(property, roomType);
    const count = (running.get(key) ?? 0) + e.delta;
    if (e.roomsReserved !== count) {
      problems.push(
        `${where}: ${running.get(key) ?? 0} + delta ${e.delta} = ${count}, event says ${e.roomsReserved}`,
      );
    }
    if (e.roomsReserved < 0 || e.roomsReserved > limit) {
      problems.push(
        `${where}: ${e.roomsReserved} rooms reserved, outside 0..${limit} (capacity + allowance)`,
      );
    }
    if (e.roomsAvailable !== roomType.capacity - e.roomsReserved) {
      problems.push(`${where}: roomsAvailable ${e.roomsAvailable} is not capacity - reserved`);
    }
    running.set(key, e.roomsReserved);
    if (e.confirmationNumber !== null) {
      const own = byReservation.get(e.confirmationNumber) ?? new Map<string, number>();
      own.set(key, (own.get(key) ?? 0) + e.delta);
      byReservation.set(e.confirmationNumber, own);
    }
  }
  for (const key of new Set([...running.keys(), ...held.keys()])) {
    const last = running.get(key) ?? 0;
    if (last !== (held.get(key) ?? 0)) {
      problems.push(
        `${key}: the last availability.updated says ${last} reserved, expected ${held.get(key) ?? 0}`,
      );
    }
  }
  for (const r of reservations.values()) {
    const own = byReservation.get(r.confirmationNumber) ?? new Map<string, number>();
    const expected = holdingsOf(r);
    for (const key of new Set([...own.keys(), ...expected.keys()])) {
      if ((own.get(key) ?? 0) !== (expected.get(key) ?? 0)) {
        problems.push(
          `${r.confirmationNumber} (${r.status}) on ${key}: its availability deltas add up to ${own.get(key) ?? 0}, ` +
            `expected ${expected.get(key) ?? 0} held`,
        );
      }
    }
  }
  return problems;
}

function sameStay(a: StayDetails, b: StayDetails): boolean {
  return (
    a.checkInDate === b.checkInDate &&
    a.checkOutDate === b.checkOutDate &&
    a.roomType === b.roomType &&
    a.rooms === b.rooms
  );
}

function describeStay(s: StayDetails): string {
  return `${s.roomType} x${s.rooms} ${s.checkInDate}..${s.checkOutDate}`;
}

/** Tokens the simulated gateway declines end in one of these (see `SimulatedPaymentGateway`). */
const DECLINING_TOKEN = /(0000|0051|0054)$/;

/**
 * Payment decided by the card, as the simulated gateway's rules say: a declined card never confirms, and
 * ends rejected for its payment unless it was sold out or cancelled first; a good card is never rejected
 * for payment. Every `payment.failed` belongs to a declined card and ended its reservation, unless the
 * reservation was cancelled while the payment was in flight.
 */
export function paymentProblems(
  creations: readonly ReservationCreated[],
  reservations: ReadonlyMap<string, ExpectedReservation>,
  failures: OutputCollector['paymentFailures'],
): string[] {
  const problems: string[] = [];
  const declined = new Set<string>();
  for (const c of creations) {
    const r = reservations.get(c.confirmationNumber)!;
    const id = `${c.confirmationNumber} (token ${c.paymentToken})`;
    if (DECLINING_TOKEN.test(c.paymentToken)) {
      declined.add(c.confirmationNumber);
      if (r.decisions.includes('CONFIRMED')) problems.push(`${id}: a declined card was confirmed`);
      const decision = r.decisions[0];
      if (
        decision !== undefined &&
        decision !== 'REJECTED:PAYMENT_FAILED' &&
        decision !== 'REJECTED:SOLD_OUT'
      ) {
        problems.push(`${id}: expected REJECTED:PAYMENT_FAILED (or SOLD_OUT), saw ${decision}`);
      }
    } else if (r.decisions.includes('REJECTED:PAYMENT_FAILED')) {
      problems.push(`${id}: a good card was rejected for payment`);
    }
  }
  for (const { partition, offset, value } of failures) {
    const r = reservations.get(value.confirmationNumber);
    const where = `payment.failed ${partition}@${offset} for ${value.confirmationNumber}`;
    if (!declined.has(value.confirmationNumber)) problems.push(`${where}: its card is not one that declines`);
    else if (
      !(r?.decisions.includes('REJECTED:PAYMENT_FAILED') || (r?.cancelled && r.decisions.length === 0))
    ) {
      problems.push(`${where}: expected the reservation rejected for payment, it ended [${r?.decisions}]`);
    }
  }
  return problems;
}
