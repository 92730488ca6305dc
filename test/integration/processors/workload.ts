/**
 * A seeded booking workload for the pipeline integration test: new bookings (a share with cards the
 * simulated gateway declines), cancellations and modifications, over a few hotels with hot check-in
 * dates that sell out. Commands only name reservations whose creation the pipeline has already handled
 * (as a client only acts on a booking it was told about), but they do not wait for the payment decision,
 * so some reservations are cancelled or modified while their payment is in flight.
 *
 * The random stream is seeded; which reservations a command picks also depends on what the pipeline had
 * handled when the round was generated, so two runs may differ in detail, never in kind.
 */
import { addDays, type LocalDate } from '../../../processors/domain/local-date.js';
import { seededRandom } from '../../../processors/domain/payment/seeded-random.js';
import type { PropertyCatalog } from '../../../processors/domain/reference-data.js';
import type { ReservationCreated, StayDetails } from '../../../schemas/generated/types.js';
import { CommandFactory, type ReservationCommand, stayOf } from './reservation-commands.js';

/** What the generator may know about the pipeline's progress when it generates a round. */
export interface WorkloadView {
  /** The creation was handled: decided, or waiting for its payment. */
  handled(confirmationNumber: string): boolean;
  /** The reservation was confirmed (its payment was authorised). */
  confirmed(confirmationNumber: string): boolean;
}

/** Settings of {@link ReservationWorkload}. */
export interface WorkloadOptions {
  readonly seed: number;
  readonly catalog: PropertyCatalog;
  readonly propertyIds: readonly string[];
  /** The first night any stay may start on. */
  readonly firstNight: LocalDate;
  /** Check-ins spread over this many nights after `firstNight`. */
  readonly spanNights: number;
  /** The first `hotNights` nights get `hotShare` of the bookings, so they sell out. */
  readonly hotNights: number;
  readonly hotShare: number;
  /** Share of bookings paid with a card the simulated gateway declines. */
  readonly declineRate: number;
  /** Share of operations that are new bookings; the rest are cancellations and modifications. */
  readonly bookingRate: number;
}

/** Tokens the simulated gateway declines (by their last four characters), one per decline code. */
const DECLINED_TOKENS = ['tok_test_card_0000', 'tok_test_card_0051', 'tok_test_card_0054'];
const GOOD_TOKEN = 'tok_test_visa_4242';

/** Generates the commands of the run, round by round; keeps every command it generated, in order. */
export class ReservationWorkload {
  /** Every command generated so far, in the order it is to be produced. */
  readonly commands: ReservationCommand[] = [];
  /** Every booking generated so far. */
  readonly creations: ReservationCreated[] = [];
  readonly #options: WorkloadOptions;
  readonly #factory: CommandFactory;
  readonly #random: () => number;
  /** The stay each client last asked for (what it sends as the previous stay of a modification). */
  readonly #knownStay = new Map<string, StayDetails>();
  /** Bookings this client already asked to cancel. */
  readonly #cancelled = new Set<string>();

  constructor(options: WorkloadOptions) {
    this.#options = options;
    this.#factory = new CommandFactory(options.catalog);
    const random = seededRandom(options.seed);
    this.#random = () => random.next();
  }

  /** The next `count` commands, given what the pipeline has handled so far. */
  round(count: number, view: WorkloadView): ReservationCommand[] {
    const known = this.creations.filter((c) => view.handled(c.confirmationNumber));
    const confirmed = known.filter((c) => view.confirmed(c.confirmationNumber));
    const generated: ReservationCommand[] = [];
    for (let i = 0; i < count; i++) {
      const roll = this.#random();
      let command: ReservationCommand;
      if (roll < this.#options.bookingRate || known.length === 0) {
        command = this.#booking();
      } else if (roll < (1 + this.#options.bookingRate) / 2) {
        // Often a confirmed booking (a refund follows); otherwise any booking the client heard of:
        // pending (payment in flight), confirmed, or already refused.
        const open = confirmed.filter((c) => !this.#cancelled.has(c.confirmationNumber));
        const target = this.#pick(open.length > 0 && this.#random() < 0.5 ? open : known);
        command = this.#factory.cancelled(target, this.#knownStay.get(target.confirmationNumber)!);
        this.#cancelled.add(target.confirmationNumber);
      } else {
        // Mostly confirmed bookings; sometimes one still pending or already cancelled or refused, which
        // the pipeline must refuse.
        const open = confirmed.filter((c) => !this.#cancelled.has(c.confirmationNumber));
        const target = this.#pick(open.length > 0 && this.#random() < 0.9 ? open : known);
        const previous = this.#knownStay.get(target.confirmationNumber)!;
        const next = this.#changedStay(target.propertyId, previous);
        this.#knownStay.set(target.confirmationNumber, next);
        command = this.#factory.modified(target, previous, next);
      }
      generated.push(command);
    }
    this.commands.push(...generated);
    return generated;
  }

  #booking(): ReservationCommand {
    const propertyId = this.#pick(this.#options.propertyIds);
    const stay = this.#newStay(propertyId);
    const confirmationNumber = `RSV-2026-${String(this.creations.length + 1).padStart(6, '0')}`;
    const token = this.#random() < this.#options.declineRate ? this.#pick(DECLINED_TOKENS) : GOOD_TOKEN;
    const command = this.#factory.created(confirmationNumber, propertyId, stay, token);
    this.creations.push(command.value as ReservationCreated);
    this.#knownStay.set(confirmationNumber, stay);
    return command;
  }

  #newStay(propertyId: string): StayDetails {
    const { firstNight, hotNights, spanNights } = this.#options;
    const roomType = this.#pick(this.#options.catalog.property(propertyId).roomTypes).code;
    const hot = this.#random() < this.#options.hotShare;
    const checkIn = addDays(firstNight, hot ? this.#between(0, hotNights - 1) : this.#between(0, spanNights));
    const nights = hot ? this.#between(1, 3) : this.#between(1, 5);
    return stayOf(roomType, checkIn, addDays(checkIn, nights), this.#rooms());
  }

  /** Dates moved, the stay made longer or shorter, another room type, or another number of rooms. */
  #changedStay(propertyId: string, stay: StayDetails): StayDetails {
    const roll = this.#random();
    const { firstNight } = this.#options;
    if (roll < 0.4) {
      let shift = this.#between(-3, 3);
      if (addDays(stay.checkInDate, shift) < firstNight) shift = 0;
      if (shift === 0) shift = 1;
      return stayOf(
        stay.roomType,
        addDays(stay.checkInDate, shift),
        addDays(stay.checkOutDate, shift),
        stay.rooms,
      );
    }
    if (roll < 0.7) {
      const change = stay.nights > 1 && this.#random() < 0.5 ? -1 : this.#between(1, 2);
      return stayOf(stay.roomType, stay.checkInDate, addDays(stay.checkOutDate, change), stay.rooms);
    }
    if (roll < 0.85) {
      const others = this.#options.catalog
        .property(propertyId)
        .roomTypes.filter((r) => r.code !== stay.roomType);
      const roomType = others.length > 0 ? this.#pick(others).code : stay.roomType;
      return stayOf(roomType, stay.checkInDate, stay.checkOutDate, stay.rooms);
    }
    const rooms = stay.rooms === 1 ? 2 : stay.rooms - 1;
    return stayOf(stay.roomType, stay.checkInDate, stay.checkOutDate, rooms);
  }

  #rooms(): number {
    const roll = this.#random();
    return roll < 0.8 ? 1 : roll < 0.95 ? 2 : 3;
  }

  #between(low: number, high: number): number {
    return low + Math.floor(this.#random() * (high - low + 1));
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }
}
