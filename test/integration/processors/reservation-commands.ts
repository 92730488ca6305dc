/**
 * The commands a booking client sends, as the API produces them: `reservation.created`, `.modified` and
 * `.cancelled` events, keyed by property. Quotes carry zero taxes and fees in the property's currency:
 * the pipeline prices the room nights itself and only checks that the quote is well-formed.
 */
import type { PropertyCatalog } from '../../../processors/domain/reference-data.js';
import { nightsOf } from '../../../processors/domain/stay.js';
import type { TopicValue } from '../../../schemas/generated/topics.js';
import type {
  PricingDetails,
  ReservationCancelled,
  ReservationCreated,
  ReservationModified,
  StayDetails,
} from '../../../schemas/generated/types.js';

/** A command on its topic (unprefixed), in the order it is produced. */
export type ReservationCommand =
  | { readonly topic: 'reservation.created'; readonly value: ReservationCreated }
  | { readonly topic: 'reservation.modified'; readonly value: ReservationModified }
  | { readonly topic: 'reservation.cancelled'; readonly value: ReservationCancelled };

/** The value of a command, whatever its topic. */
export type CommandValue = TopicValue<ReservationCommand['topic']>;

/** A stay with its nights counted, as the API sends it. */
export function stayOf(
  roomType: string,
  checkInDate: string,
  checkOutDate: string,
  rooms: number,
): StayDetails {
  return {
    checkInDate,
    checkOutDate,
    nights: nightsOf(checkInDate, checkOutDate).length,
    roomType,
    rooms,
    adults: 2,
    children: 0,
  };
}

function zeroQuote(currency: string): PricingDetails {
  const zero = { amount: '0.00', currency };
  return { ratePlan: 'BAR', nightlyRates: [], roomTotal: zero, taxes: zero, fees: zero, totalAmount: zero };
}

/** Builds the commands of one test run; event ids are unique within the run. */
export class CommandFactory {
  readonly #catalog: PropertyCatalog;
  readonly #now: () => number;
  #sequence = 0;

  constructor(catalog: PropertyCatalog, now: () => number = Date.now) {
    this.#catalog = catalog;
    this.#now = now;
  }

  /** A new booking; `paymentToken` decides the simulated gateway's answer (`...0000` declines). */
  created(
    confirmationNumber: string,
    propertyId: string,
    stay: StayDetails,
    paymentToken: string,
  ): ReservationCommand {
    const n = ++this.#sequence;
    return {
      topic: 'reservation.created',
      value: {
        eventId: `it-created-${n}`,
        eventType: 'ReservationCreated',
        occurredAt: this.#now(),
        confirmationNumber,
        propertyId,
        channel: 'DIRECT',
        guestDetails: {
          guestId: `guest-${n}`,
          firstName: 'Grace',
          lastName: 'Hopper',
          email: `guest-${n}@example.org`,
          phone: null,
          loyaltyId: null,
          countryCode: 'US',
        },
        stayDetails: stay,
        pricingDetails: zeroQuote(this.#catalog.property(propertyId).currency),
        paymentToken,
        idempotencyKey: null,
      },
    };
  }

  /** A change of stay; `previous` is the stay the client last knew. */
  modified(of: ReservationCreated, previous: StayDetails, next: StayDetails): ReservationCommand {
    return {
      topic: 'reservation.modified',
      value: {
        eventId: `it-modified-${++this.#sequence}`,
        eventType: 'ReservationModified',
        occurredAt: this.#now(),
        confirmationNumber: of.confirmationNumber,
        propertyId: of.propertyId,
        previousStayDetails: previous,
        stayDetails: next,
        pricingDetails: zeroQuote(this.#catalog.property(of.propertyId).currency),
        reason: null,
      },
    };
  }

  /** A guest's cancellation request (the pipeline computes the fee and refund itself). */
  cancelled(of: ReservationCreated, stay: StayDetails): ReservationCommand {
    const zero = { amount: '0.00', currency: this.#catalog.property(of.propertyId).currency };
    return {
      topic: 'reservation.cancelled',
      value: {
        eventId: `it-cancelled-${++this.#sequence}`,
        eventType: 'ReservationCancelled',
        occurredAt: this.#now(),
        confirmationNumber: of.confirmationNumber,
        propertyId: of.propertyId,
        stayDetails: stay,
        previousStatus: 'CONFIRMED',
        reason: 'GUEST_REQUEST',
        freeCancellationDeadline: 0,
        withinFreeCancellation: true,
        cancellationFee: zero,
        refundAmount: zero,
      },
    };
  }
}
