/**
 * What a booking, a modification or a cancellation changes on the books of each stay night: the
 * room-nights and room revenue (minor units) it adds or takes away per (room type, night). The status step
 * attaches them to its KPI facts, so the on-the-books aggregation needs no state of its own to tell what
 * a modification moved.
 */
import type { LocalDate } from '../../domain/local-date.js';
import type { Step } from '../flow.js';
import type { ReservationState } from '../reservation-state.js';

/** The change of one stay night's books. */
export interface StayNightChange {
  readonly roomType: string;
  readonly night: LocalDate;
  /** Rooms added (negative: taken away). */
  readonly roomNights: number;
  /** Room revenue added in minor units (negative: taken away); taxes and fees are not room revenue. */
  readonly revenueMinor: number;
}

/**
 * The stay nights `step` changed, nights without a change left out:
 * - a booking (authorised, not voided): every night `+rooms` and `+rate × rooms`;
 * - a cancellation of a confirmed booking: every night `-rooms` and `-rate × rooms`, and the fee kept
 *   added back to the first night's revenue (a late fee is charged for the stay, and the first night is
 *   where the stay starts; the revenue the books keep is then the fee, as in the KPIs);
 * - a modification (only confirmed bookings can be modified): the new stay's nights minus the old ones,
 *   per room type and night, so nights moved, added, dropped or re-priced each change once.
 */
export function stayNightChangesOf(step: Step, stored: ReservationState): StayNightChange[] {
  const { command, previous } = step;
  if (command.kind === 'AUTHORIZED' && !step.voidAuthorization) return nightsOf(stored, 1);
  if (command.kind === 'CANCEL' && previous?.status === 'CONFIRMED') {
    const taken = nightsOf(previous, -1);
    const feeMinor = stored.cancellation?.feeMinor ?? 0;
    if (feeMinor === 0 || taken.length === 0) return taken;
    const [first, ...rest] = taken;
    return [{ ...first!, revenueMinor: first!.revenueMinor + feeMinor }, ...rest];
  }
  if (command.kind === 'MODIFY' && previous !== null) {
    return netted([...nightsOf(previous, -1), ...nightsOf(stored, 1)]);
  }
  return [];
}

/** Every night of `state`'s priced stay with `sign` × its rooms and revenue. */
function nightsOf(state: ReservationState, sign: 1 | -1): StayNightChange[] {
  if (state.price === null) return [];
  const { roomType, rooms } = state.stay;
  return state.price.nightly.map(({ night, rateMinor }) => ({
    roomType,
    night,
    roomNights: sign * rooms,
    revenueMinor: sign * rateMinor * rooms,
  }));
}

/** Sums changes of the same (room type, night) and drops those that cancel out; first-seen order. */
function netted(changes: readonly StayNightChange[]): StayNightChange[] {
  const byNight = new Map<string, StayNightChange>();
  for (const change of changes) {
    const key = `${change.roomType}|${change.night}`;
    const before = byNight.get(key);
    byNight.set(
      key,
      before === undefined
        ? change
        : {
            ...before,
            roomNights: before.roomNights + change.roomNights,
            revenueMinor: before.revenueMinor + change.revenueMinor,
          },
    );
  }
  return [...byNight.values()].filter((c) => c.roomNights !== 0 || c.revenueMinor !== 0);
}
