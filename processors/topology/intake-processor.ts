/**
 * The first reservation processor: turns each input event into a command, checks it against the
 * reservation's stored status (the state machine), the reference data and the dates a check-in or
 * check-out may carry (`domain/stay-rules.ts`), and either sends it on to
 * inventory or straight to the status processor as a refusal. Replayed events (same event id) and
 * duplicate creations are dropped here, so the rest of the chain never applies anything twice.
 */
import type { ReservationCreated } from '../../schemas/generated/types.js';
import type { KeyValueStore } from '../../state/store.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import { isPaymentToken, looksLikeCardNumber } from '../domain/card-token.js';
import { type ReservationAction, transition } from '../domain/reservation-status.js';
import { checkStay } from '../domain/stay.js';
import { checkInBreach, checkOutBreach, type StayRuleBreach } from '../domain/stay-rules.js';
import { type ResolvedConfig, STORES } from './config.js';
import { type Command, eventTypeOf, NODES, next, type Refusal, type Step } from './flow.js';
import { quoteProblem } from './quote-validation.js';
import type { ReservationState } from './reservation-state.js';

const ACTION: Readonly<Record<Exclude<Command['kind'], 'CREATE'>, ReservationAction>> = {
  MODIFY: 'MODIFY',
  CANCEL: 'CANCEL',
  CHECK_IN: 'CHECK_IN',
  CHECK_OUT: 'CHECK_OUT',
  AUTHORIZED: 'CONFIRM',
  PAYMENT_FAILED: 'REJECT',
};

/**
 * Creates the intake processor; `toCommand` wraps a value read from `topic` (one of the input topics) in
 * the command that topic carries.
 */
export function intakeProcessor<V>(
  config: ResolvedConfig,
  toCommand: (topic: string, value: V) => Command,
): Processor<string, V, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  let reservations: KeyValueStore<string, ReservationState>;
  return {
    init(ctx) {
      context = ctx;
      reservations = ctx.getStateStore(STORES.reservations);
    },
    process(record: StreamRecord<string, V>) {
      const command = toCommand(context.recordMetadata()?.topic ?? '', record.value);
      const { confirmationNumber, eventId, propertyId } = command.event;
      const previous = reservations.get(confirmationNumber) ?? null;
      if (previous?.appliedEventIds.includes(eventId)) return; // a replay: already applied
      const base: Step = {
        command,
        eventId,
        confirmationNumber,
        propertyId,
        timestamp: record.timestamp,
        previous,
        state: previous,
        inventoryChanges: [],
        refusal: null,
        voidAuthorization: false,
      };
      const step =
        command.kind === 'CREATE' ? admitCreation(config, base, command.event) : admitCommand(base);
      if (step === undefined) return;
      next(context, step.refusal === null ? NODES.inventory : NODES.status, step);
    },
  };
}

/** A new reservation: PENDING if the request is sound, REJECTED (INVALID_REQUEST) if not. */
function admitCreation(config: ResolvedConfig, step: Step, event: ReservationCreated): Step | undefined {
  // A confirmation number is used once; a second creation with another event id is a client bug that
  // must not overwrite the first reservation. It is dropped (the API guarantees unique numbers).
  if (step.previous !== null) return undefined;
  const problem = creationProblem(config, event);
  const rawCard = looksLikeCardNumber(event.paymentToken);
  const state: ReservationState = {
    confirmationNumber: event.confirmationNumber,
    propertyId: event.propertyId,
    guestId: event.guestDetails.guestId,
    status: problem === undefined ? 'PENDING' : 'REJECTED',
    stay: event.stayDetails,
    price: null,
    // A card number sent by mistake is never stored, logged or forwarded.
    paymentToken: rawCard ? '' : event.paymentToken,
    payment: null,
    cancellation: null,
    rejection: problem ?? null,
    createdAt: step.timestamp,
    updatedAt: step.timestamp,
    appliedEventIds: [],
  };
  if (problem === undefined) return { ...step, state };
  return { ...step, state, refusal: refusal('INVALID_REQUEST', problem, null, true) };
}

function creationProblem(config: ResolvedConfig, event: ReservationCreated): string | undefined {
  if (!config.catalog.has(event.propertyId))
    return `property ${event.propertyId} is not in the reference data`;
  const property = config.catalog.property(event.propertyId);
  const { stayDetails: stay } = event;
  if (!property.roomTypes.some((r) => r.code === stay.roomType)) {
    return `property ${property.propertyId} has no room type ${stay.roomType}`;
  }
  const check = checkStay(stay.checkInDate, stay.checkOutDate, stay.rooms, config.stayLimits);
  if (!check.ok) return check.problem.message;
  if (check.stay.nights.length !== stay.nights) {
    return `stayDetails.nights is ${stay.nights} but ${stay.checkInDate} to ${stay.checkOutDate} is ${check.stay.nights.length} nights`;
  }
  if (looksLikeCardNumber(event.paymentToken)) {
    return 'paymentToken looks like a raw card number; send a token from the payment vault';
  }
  if (!isPaymentToken(event.paymentToken))
    return 'paymentToken is not a payment token (8-64 of A-Z, a-z, 0-9, _ or -)';
  return quoteProblem(event.pricingDetails, property);
}

/** A command on an existing reservation: allowed by the state machine, refused with a reason, or dropped. */
function admitCommand(step: Step): Step | undefined {
  const command = step.command as Exclude<Command, { kind: 'CREATE' }>;
  const previous = step.previous;
  if (previous === null) {
    // Payment answers for a reservation this partition never saw cannot be acted on; say so for commands.
    if (command.kind === 'AUTHORIZED' || command.kind === 'PAYMENT_FAILED') return undefined;
    return {
      ...step,
      refusal: refusal(
        'INVALID_TRANSITION',
        `reservation ${step.confirmationNumber} is unknown`,
        eventTypeOf(command),
        false,
      ),
    };
  }
  if (previous.propertyId !== step.propertyId) {
    // Events are partitioned by property: one naming the wrong property must never touch the counts of
    // the property it names (nor of the reservation's own, which may live in another task).
    if (command.kind === 'AUTHORIZED' || command.kind === 'PAYMENT_FAILED') return undefined;
    return {
      ...step,
      state: null,
      refusal: refusal(
        'INVALID_REQUEST',
        `reservation ${step.confirmationNumber} belongs to property ${previous.propertyId}, not ${step.propertyId}`,
        eventTypeOf(command),
        false,
      ),
    };
  }
  const result = transition(previous.status, ACTION[command.kind]);
  if (result.ok) {
    const breach = datedBreach(command, previous);
    if (breach !== undefined) {
      // The API refuses these before producing; an event that still breaks a rule changes nothing.
      const detail = `${breach.rule}: ${breach.message}`;
      return { ...step, refusal: refusal('INVALID_REQUEST', detail, eventTypeOf(command), false) };
    }
    return { ...step, state: { ...previous, status: result.to } };
  }
  if (command.kind === 'AUTHORIZED' && previous.status === 'CANCELLED' && previous.payment === null) {
    // Cancelled while the payment was in flight: keep the status, release the authorisation.
    return { ...step, voidAuthorization: true };
  }
  if (
    result.code === 'ALREADY_IN_STATE' ||
    command.kind === 'AUTHORIZED' ||
    command.kind === 'PAYMENT_FAILED'
  ) {
    return undefined; // a duplicate, or a late payment answer with nothing left to decide
  }
  return { ...step, refusal: refusal('INVALID_TRANSITION', result.reason, eventTypeOf(command), false) };
}

/** The stay rule a check-in or check-out breaks with its date (`domain/stay-rules.ts`), if any. */
function datedBreach(command: Command, reservation: ReservationState): StayRuleBreach | undefined {
  if (command.kind === 'CHECK_IN') return checkInBreach(reservation.stay, command.event.checkInDate);
  if (command.kind === 'CHECK_OUT') return checkOutBreach(reservation.stay, command.event.checkOutDate);
  return undefined;
}

function refusal(
  reason: Refusal['reason'],
  detail: string,
  refusedAction: string | null,
  endsReservation: boolean,
): Refusal {
  return { reason, detail, fullNights: [], refusedAction, endsReservation };
}
