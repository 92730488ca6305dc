/**
 * The reservation status state machine.
 *
 * ```
 * PENDING ──confirm──▶ CONFIRMED ──check in──▶ CHECKED_IN ──check out──▶ CHECKED_OUT
 *    │ ╲                   │  ▲ modify (stays CONFIRMED)
 *    │  ╲reject            └──cancel──▶ CANCELLED
 *    │   ▼
 *    │  REJECTED
 *    └──cancel──▶ CANCELLED
 * ```
 *
 * A refused transition is a value with a reason, not an exception: the status processor turns it into an
 * event that says why (e.g. "cannot cancel a stay that is CHECKED_OUT"), and a replayed event that asks for
 * the state the reservation is already in is reported as `ALREADY_IN_STATE` so it can be ignored.
 */

/** Every status a reservation can be in. */
export const RESERVATION_STATUSES = [
  'PENDING',
  'CONFIRMED',
  'REJECTED',
  'CANCELLED',
  'CHECKED_IN',
  'CHECKED_OUT',
] as const;

/** A reservation's status. */
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** What can happen to a reservation. */
export type ReservationAction = 'CONFIRM' | 'REJECT' | 'CANCEL' | 'CHECK_IN' | 'CHECK_OUT' | 'MODIFY';

/** Statuses nothing can leave. */
export const FINAL_STATUSES: ReadonlySet<ReservationStatus> = new Set([
  'REJECTED',
  'CANCELLED',
  'CHECKED_OUT',
]);

/** Why a transition was refused. */
export type RefusalCode =
  /** The reservation is already where the action leads (a duplicate or replayed event). */
  | 'ALREADY_IN_STATE'
  /** The reservation is in a final status. */
  | 'FINAL_STATUS'
  /** The action makes no sense from the current status. */
  | 'NOT_ALLOWED';

/** The outcome of {@link transition}. */
export type TransitionResult =
  | { readonly ok: true; readonly from: ReservationStatus; readonly to: ReservationStatus }
  | {
      readonly ok: false;
      readonly from: ReservationStatus;
      readonly action: ReservationAction;
      readonly code: RefusalCode;
      /** A sentence for the refusal event and logs. */
      readonly reason: string;
    };

const TARGET: Readonly<Record<ReservationAction, ReservationStatus>> = {
  CONFIRM: 'CONFIRMED',
  REJECT: 'REJECTED',
  CANCEL: 'CANCELLED',
  CHECK_IN: 'CHECKED_IN',
  CHECK_OUT: 'CHECKED_OUT',
  MODIFY: 'CONFIRMED',
};

const ALLOWED_FROM: Readonly<Record<ReservationAction, readonly ReservationStatus[]>> = {
  CONFIRM: ['PENDING'],
  REJECT: ['PENDING'],
  CANCEL: ['PENDING', 'CONFIRMED'],
  CHECK_IN: ['CONFIRMED'],
  CHECK_OUT: ['CHECKED_IN'],
  MODIFY: ['CONFIRMED'],
};

const WHY_NOT: Readonly<Record<ReservationAction, string>> = {
  CONFIRM: 'only a PENDING reservation can be confirmed',
  REJECT: 'only a PENDING reservation can be rejected',
  CANCEL:
    'only a PENDING or CONFIRMED reservation can be cancelled; a stay that has begun is checked out instead',
  CHECK_IN: 'only a CONFIRMED reservation can check in',
  CHECK_OUT: 'only a CHECKED_IN reservation can check out',
  MODIFY: 'only a CONFIRMED reservation can be modified; wait for the payment decision',
};

/** Applies `action` to a reservation in status `from`; never throws. */
export function transition(from: ReservationStatus, action: ReservationAction): TransitionResult {
  const to = TARGET[action];
  if (ALLOWED_FROM[action].includes(from)) return { ok: true, from, to };
  const verb = action.toLowerCase().replace('_', ' ');
  if (from === to) {
    return { ok: false, from, action, code: 'ALREADY_IN_STATE', reason: `reservation is already ${from}` };
  }
  if (FINAL_STATUSES.has(from)) {
    return {
      ok: false,
      from,
      action,
      code: 'FINAL_STATUS',
      reason: `cannot ${verb} a reservation that is ${from}: ${from} is final`,
    };
  }
  return {
    ok: false,
    from,
    action,
    code: 'NOT_ALLOWED',
    reason: `cannot ${verb} a reservation that is ${from}: ${WHY_NOT[action]}`,
  };
}

/**
 * True when the reservation's rooms count as sold: everything but a rejected or cancelled one (a stay
 * that was checked out used its nights; they are not given back).
 */
export function holdsInventory(status: ReservationStatus): boolean {
  return status !== 'REJECTED' && status !== 'CANCELLED';
}

/** True when nothing can change the status any more. */
export function isFinal(status: ReservationStatus): boolean {
  return FINAL_STATUSES.has(status);
}
