/**
 * Inventory and overbooking: rooms sold per (property, room type, night) in the `inventory` store (one
 * entry per month of a room type, see `inventory-store.ts`).
 * A creation takes rooms (or is refused SOLD_OUT with the full nights, taking nothing); a modification
 * moves them all or nothing; a cancellation, a failed payment or an early departure gives them back.
 * Every changed night is announced on `availability.updated` (which also carries the night's occupancy:
 * the sink derives `analytics.occupancy` rows from it), and every night sold beyond capacity on
 * `availability.overbooked`. All writes of one command go to the store in one
 * batch.
 */
import type {
  AvailabilityChangeCause,
  AvailabilityOverbooked,
  AvailabilityUpdated,
  ReservationModified,
  StayDetails,
} from '../../schemas/generated/types.js';
import type { KeyValueStore } from '../../state/store.js';
import type { Processor, ProcessorContext } from '../../topology/processor.js';
import type { StreamRecord } from '../../topology/record.js';
import {
  decideReservation,
  type InventoryReader,
  type LimitsOf,
  type NightChange,
  planModification,
  planRelease,
  type RoomHolding,
} from '../domain/inventory.js';
import { overbookingAllowance } from '../domain/reference-data.js';
import { checkStay, nightsOf } from '../domain/stay.js';
import { type ResolvedConfig, STORES } from './config.js';
import { emit, NODES, next, type Step } from './flow.js';
import { type SoldPerDay, soldOn, writeNights } from './inventory-store.js';
import { quoteProblem } from './quote-validation.js';

/** Creates the inventory processor. */
export function inventoryProcessor(config: ResolvedConfig): Processor<string, Step, string, unknown> {
  let context: ProcessorContext<string, unknown>;
  let inventory: KeyValueStore<string, SoldPerDay>;
  return {
    init(ctx) {
      context = ctx;
      inventory = ctx.getStateStore(STORES.inventory);
    },
    process(record: StreamRecord<string, Step>) {
      const step = record.value;
      const { propertyId } = step;
      const property = config.catalog.property(propertyId);
      const limitsOf: LimitsOf = (code) => {
        const roomType = config.catalog.roomType(propertyId, code);
        return { capacity: roomType.capacity, allowance: overbookingAllowance(property, roomType) };
      };
      const reader: InventoryReader = {
        sold: (code, night) => soldOn(inventory, propertyId, code, night),
      };
      const { command } = step;
      const previousStay = step.previous?.stay;

      let changes: readonly NightChange[] = [];
      let overbooked: readonly string[] = [];
      let cause: AvailabilityChangeCause = 'OTHER';
      if (command.kind === 'CREATE') {
        const decision = decideReservation(reader, limitsOf, holdingOf(command.event.stayDetails));
        if (decision.outcome === 'SOLD_OUT') {
          next(context, NODES.status, soldOut(step, decision.fullNights, true));
          return;
        }
        ({ changes, overbookedNights: overbooked } = decision);
        cause = 'RESERVATION_CREATED';
      } else if (command.kind === 'MODIFY' && previousStay !== undefined) {
        const requested = command.event.stayDetails;
        const problem = modificationProblem(config, propertyId, command.event);
        if (problem !== undefined) {
          next(context, NODES.status, {
            ...step,
            state: step.previous,
            refusal: {
              reason: 'INVALID_REQUEST',
              detail: problem,
              fullNights: [],
              refusedAction: command.event.eventType,
              endsReservation: false,
            },
          });
          return;
        }
        const decision = planModification(reader, limitsOf, holdingOf(previousStay), holdingOf(requested));
        if (decision.outcome === 'SOLD_OUT') {
          next(context, NODES.status, soldOut({ ...step, state: step.previous }, decision.fullNights, false));
          return;
        }
        ({ changes, overbookedNights: overbooked } = decision);
        cause = 'RESERVATION_MODIFIED';
      } else if (
        (command.kind === 'CANCEL' || command.kind === 'PAYMENT_FAILED') &&
        previousStay !== undefined
      ) {
        changes = planRelease(reader, limitsOf, holdingOf(previousStay)).changes;
        cause = command.kind === 'CANCEL' ? 'RESERVATION_CANCELLED' : 'PAYMENT_FAILED';
      } else if (command.kind === 'CHECK_OUT' && previousStay !== undefined) {
        // An early departure gives back the nights from the actual check-out to the booked one.
        const unused = nightsOf(command.event.checkOutDate, previousStay.checkOutDate).filter(
          (night) => night >= previousStay.checkInDate,
        );
        changes = planRelease(reader, limitsOf, { ...holdingOf(previousStay), nights: unused }).changes;
        cause = 'OTHER';
      }

      writeNights(
        inventory,
        propertyId,
        changes.map((c) => ({ roomTypeCode: c.roomTypeCode, night: c.night, value: c.soldAfter })),
      );
      for (const c of changes) {
        const allowance = limitsOf(c.roomTypeCode).allowance;
        emit(
          context,
          'availability.updated',
          propertyId,
          availabilityUpdated(step, c, allowance, cause),
          step.timestamp,
        );
        if (overbooked.includes(c.night) && c.overbooked) {
          emit(
            context,
            'availability.overbooked',
            propertyId,
            overbookedEvent(step, c, allowance),
            step.timestamp,
          );
        }
      }
      const state =
        command.kind === 'MODIFY' && step.state !== null
          ? { ...step.state, stay: command.event.stayDetails }
          : command.kind === 'CHECK_OUT' && step.state !== null && changes.length > 0
            ? { ...step.state, stay: shortenedStay(step.state.stay, command.event.checkOutDate) }
            : step.state;
      next(context, NODES.pricing, { ...step, state, inventoryChanges: changes });
    },
  };
}

/** The rooms a stay holds. */
export function holdingOf(stay: StayDetails): RoomHolding {
  return {
    roomTypeCode: stay.roomType,
    rooms: stay.rooms,
    nights: nightsOf(stay.checkInDate, stay.checkOutDate),
  };
}

/** The stay cut short at `checkOutDate` (an early departure). */
function shortenedStay(stay: StayDetails, checkOutDate: string): StayDetails {
  return { ...stay, checkOutDate, nights: nightsOf(stay.checkInDate, checkOutDate).length };
}

function modificationProblem(
  config: ResolvedConfig,
  propertyId: string,
  event: ReservationModified,
): string | undefined {
  const property = config.catalog.property(propertyId);
  const stay = event.stayDetails;
  if (!property.roomTypes.some((r) => r.code === stay.roomType)) {
    return `property ${propertyId} has no room type ${stay.roomType}`;
  }
  const check = checkStay(stay.checkInDate, stay.checkOutDate, stay.rooms, config.stayLimits);
  return check.ok ? quoteProblem(event.pricingDetails, property) : check.problem.message;
}

function soldOut(step: Step, fullNights: readonly string[], endsReservation: boolean): Step {
  const state =
    endsReservation && step.state !== null
      ? { ...step.state, status: 'REJECTED' as const, rejection: 'SOLD_OUT' }
      : step.state;
  return {
    ...step,
    state,
    refusal: {
      reason: 'SOLD_OUT',
      detail: `no room left within the overbooking allowance on ${fullNights.join(', ')}`,
      fullNights,
      refusedAction: endsReservation ? null : step.command.event.eventType,
      endsReservation,
    },
  };
}

function availabilityUpdated(
  step: Step,
  c: NightChange,
  allowance: number,
  cause: AvailabilityChangeCause,
): AvailabilityUpdated {
  return {
    eventId: `${step.eventId}:availability:${c.roomTypeCode}:${c.night}`,
    eventType: 'AvailabilityUpdated',
    occurredAt: step.timestamp,
    propertyId: step.propertyId,
    roomType: c.roomTypeCode,
    stayDate: c.night,
    capacity: c.capacity,
    overbookingAllowance: allowance,
    roomsReserved: c.soldAfter,
    roomsAvailable: c.available,
    delta: c.soldAfter - c.soldBefore,
    cause,
    confirmationNumber: step.confirmationNumber,
  };
}

function overbookedEvent(step: Step, c: NightChange, allowance: number): AvailabilityOverbooked {
  return {
    eventId: `${step.eventId}:overbooked:${c.roomTypeCode}:${c.night}`,
    eventType: 'AvailabilityOverbooked',
    occurredAt: step.timestamp,
    propertyId: step.propertyId,
    roomType: c.roomTypeCode,
    stayDate: c.night,
    capacity: c.capacity,
    overbookingAllowance: allowance,
    roomsReserved: c.soldAfter,
    overbookedBy: c.soldAfter - c.capacity,
    confirmationNumber: step.confirmationNumber,
  };
}
