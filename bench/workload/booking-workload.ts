/**
 * A seeded, reproducible stream of booking operations for the benchmark: new reservations spread over
 * properties by size and over room types by capacity, stay lengths and lead times with realistic shapes,
 * seasonal demand (summer peaks) and a few hot dates per property that sell out, plus a share of
 * cancellations, modifications and bookings whose card is declined. The same options always give the same
 * operations in the same order; turning an operation into events is `workload-events.ts`.
 */
import { formatConfirmationNumber } from '../../processors/domain/confirmation-number.js';
import { addDays, fromEpochDay, type LocalDate, toEpochDay } from '../../processors/domain/local-date.js';
import { type RandomSource, seededRandom } from '../../processors/domain/payment/seeded-random.js';
import type { Property, PropertyCatalog, RoomType } from '../../processors/domain/reference-data.js';
import type { BookingChannel, StayDetails } from '../../schemas/generated/types.js';

/** Shape of the traffic; every share is a probability per operation. */
export interface WorkloadOptions {
  readonly seed: number;
  readonly catalog: PropertyCatalog;
  /** The simulated booking day: lead times count from it (default `2027-03-01`). */
  readonly today?: LocalDate;
  /** Share of operations that cancel an earlier reservation (default 0.08). */
  readonly cancelShare?: number;
  /** Share of operations that modify an earlier reservation's stay (default 0.04). */
  readonly modifyShare?: number;
  /** Share of new bookings paid with a token the payment simulator declines (default 0.03). */
  readonly declineShare?: number;
  /** Share of new bookings that arrive on one of their property's hot dates (default 0.12). */
  readonly hotDateShare?: number;
  /** Hot dates per property, within the next 90 days (default 3). */
  readonly hotDatesPerProperty?: number;
}

/** A new booking. */
export interface CreateOperation {
  readonly kind: 'create';
  /** Position in the stream, from 0. */
  readonly seq: number;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly stay: StayDetails;
  readonly paymentToken: string;
  readonly channel: BookingChannel;
  readonly guestName: { readonly firstName: string; readonly lastName: string };
}

/** A guest cancels an earlier booking. */
export interface CancelOperation {
  readonly kind: 'cancel';
  readonly seq: number;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  /** The stay as last booked or modified. */
  readonly stay: StayDetails;
}

/** A guest moves or resizes an earlier booking. */
export interface ModifyOperation {
  readonly kind: 'modify';
  readonly seq: number;
  readonly confirmationNumber: string;
  readonly propertyId: string;
  readonly previousStay: StayDetails;
  readonly stay: StayDetails;
}

/** One operation of the workload. */
export type Operation = CreateOperation | CancelOperation | ModifyOperation;

/** The simulator declines tokens ending in these (processors/domain/payment/simulated-gateway.ts). */
const DECLINED_TOKEN_ENDINGS = ['0000', '0051', '0054'] as const;
const CHANNELS: readonly BookingChannel[] = ['DIRECT', 'DIRECT', 'OTA', 'OTA', 'GDS', 'CALL_CENTER'];
const FIRST_NAMES = ['Ana', 'Ben', 'Chiara', 'Dai', 'Emil', 'Fatima', 'Goro', 'Hanna', 'Ivo', 'Jia'];
const LAST_NAMES = ['Silva', 'Smith', 'Rossi', 'Tanaka', 'Meier', 'Haddad', 'Kim', 'Novak', 'Costa', 'Berg'];
/** Nights of a stay and their weights: short stays dominate, a week is a common peak. */
const STAY_NIGHTS: ReadonlyArray<readonly [nights: number, weight: number]> = [
  [1, 25],
  [2, 25],
  [3, 18],
  [4, 10],
  [5, 7],
  [6, 3],
  [7, 10],
  [10, 2],
];
/** A reservation that may still be cancelled or modified. */
interface LiveReservation {
  readonly propertyId: string;
  stay: StayDetails;
  /** Its position in the id list. */
  index: number;
}

/** Live reservations remembered for cancellations and modifications (a random one is forgotten beyond it). */
const LIVE_LIMIT = 20_000;

/** A reproducible generator of {@link Operation}s. */
export class BookingWorkload {
  readonly #random: RandomSource;
  readonly #properties: readonly Property[];
  readonly #propertyWeights: readonly number[];
  readonly #hotDates: ReadonlyMap<string, readonly LocalDate[]>;
  readonly #today: LocalDate;
  readonly #todayEpochDay: number;
  readonly #year: number;
  readonly #cancelShare: number;
  readonly #modifyShare: number;
  readonly #declineShare: number;
  readonly #hotDateShare: number;
  /** Reservations that may still be cancelled or modified, by confirmation number. */
  readonly #live = new Map<string, LiveReservation>();
  /** The keys of `#live`, for a uniform pick in O(1). */
  readonly #liveIds: string[] = [];
  #seq = 0;
  #created = 0;

  constructor(options: WorkloadOptions) {
    this.#random = seededRandom(options.seed);
    this.#properties = options.catalog.all();
    // Bigger hotels get proportionally more bookings, so each fills at a similar pace.
    this.#propertyWeights = this.#properties.map((p) => p.roomTypes.reduce((sum, r) => sum + r.capacity, 0));
    this.#today = options.today ?? '2027-03-01';
    this.#year = Number(this.#today.slice(0, 4));
    this.#todayEpochDay = toEpochDay(this.#today);
    this.#cancelShare = options.cancelShare ?? 0.08;
    this.#modifyShare = options.modifyShare ?? 0.04;
    this.#declineShare = options.declineShare ?? 0.03;
    this.#hotDateShare = options.hotDateShare ?? 0.12;
    const hotCount = options.hotDatesPerProperty ?? 3;
    const hot = new Map<string, LocalDate[]>();
    for (const property of this.#properties) {
      const dates: LocalDate[] = [];
      for (let i = 0; i < hotCount; i++) dates.push(addDays(this.#today, 7 + this.#int(83)));
      hot.set(property.propertyId, dates);
    }
    this.#hotDates = hot;
  }

  /** Operations generated so far. */
  get generated(): number {
    return this.#seq;
  }

  /** Reservations created so far. */
  get created(): number {
    return this.#created;
  }

  /** The hot dates of a property (where sell-outs happen). */
  hotDatesOf(propertyId: string): readonly LocalDate[] {
    return this.#hotDates.get(propertyId) ?? [];
  }

  /** The next operation. */
  next(): Operation {
    const roll = this.#random.next();
    // Cancellations and modifications need something to act on; early in the stream there is little.
    if (this.#live.size > 20 && roll < this.#cancelShare) return this.#cancel();
    if (this.#live.size > 20 && roll < this.#cancelShare + this.#modifyShare) return this.#modify();
    return this.#create();
  }

  /** The next `count` operations. */
  take(count: number): Operation[] {
    const operations: Operation[] = [];
    for (let i = 0; i < count; i++) operations.push(this.next());
    return operations;
  }

  #create(): CreateOperation {
    const property = this.#properties[this.#weighted(this.#propertyWeights)]!;
    const roomType = property.roomTypes[this.#weighted(property.roomTypes.map((r) => r.capacity))]!;
    const checkIn = this.#checkInDate(property.propertyId);
    const stay = this.#stay(roomType, checkIn, this.#nights());
    const declined = this.#random.next() < this.#declineShare;
    this.#created += 1;
    const sequence = this.#created;
    const ending = declined ? DECLINED_TOKEN_ENDINGS[this.#int(DECLINED_TOKEN_ENDINGS.length)]! : '4242';
    const confirmationNumber = formatConfirmationNumber(this.#year, sequence);
    const operation: CreateOperation = {
      kind: 'create',
      seq: this.#seq++,
      confirmationNumber,
      propertyId: property.propertyId,
      stay,
      paymentToken: `tok_bench_${String(sequence).padStart(8, '0')}${ending}`,
      channel: CHANNELS[this.#int(CHANNELS.length)]!,
      guestName: {
        firstName: FIRST_NAMES[this.#int(FIRST_NAMES.length)]!,
        lastName: LAST_NAMES[this.#int(LAST_NAMES.length)]!,
      },
    };
    // A declined booking ends REJECTED; only the others can be cancelled or modified later.
    if (!declined) this.#remember(confirmationNumber, property.propertyId, stay);
    return operation;
  }

  #cancel(): CancelOperation {
    const [confirmationNumber, live] = this.#pickLive();
    this.#forget(live.index);
    return {
      kind: 'cancel',
      seq: this.#seq++,
      confirmationNumber,
      propertyId: live.propertyId,
      stay: live.stay,
    };
  }

  #modify(): ModifyOperation {
    const [confirmationNumber, live] = this.#pickLive();
    const shift = this.#int(7) - 3;
    const nights = Math.max(1, live.stay.nights + this.#int(3) - 1);
    const checkIn = addDays(live.stay.checkInDate, shift === 0 ? 1 : shift);
    const stay: StayDetails = {
      ...live.stay,
      checkInDate: checkIn,
      checkOutDate: addDays(checkIn, nights),
      nights,
    };
    const previousStay = live.stay;
    live.stay = stay;
    return {
      kind: 'modify',
      seq: this.#seq++,
      confirmationNumber,
      propertyId: live.propertyId,
      previousStay,
      stay,
    };
  }

  #remember(confirmationNumber: string, propertyId: string, stay: StayDetails): void {
    if (this.#liveIds.length >= LIVE_LIMIT) this.#forget(this.#int(this.#liveIds.length));
    this.#live.set(confirmationNumber, { propertyId, stay, index: this.#liveIds.length });
    this.#liveIds.push(confirmationNumber);
  }

  /** Removes the live reservation at `index` in O(1) (the last one takes its place). */
  #forget(index: number): void {
    const id = this.#liveIds[index]!;
    const last = this.#liveIds.pop()!;
    if (last !== id) {
      this.#liveIds[index] = last;
      this.#live.get(last)!.index = index;
    }
    this.#live.delete(id);
  }

  /** A live reservation chosen uniformly. */
  #pickLive(): [string, LiveReservation] {
    const id = this.#liveIds[this.#int(this.#liveIds.length)]!;
    return [id, this.#live.get(id)!];
  }

  /** A check-in date: a hot date of the property, or a lead time shaped by the season. */
  #checkInDate(propertyId: string): LocalDate {
    const hot = this.#hotDates.get(propertyId)!;
    if (hot.length > 0 && this.#random.next() < this.#hotDateShare) return hot[this.#int(hot.length)]!;
    for (;;) {
      const roll = this.#random.next();
      // Lead times: a third last-minute (within a week), most within two months, a long tail to 8 months.
      const lead = roll < 0.3 ? this.#int(8) : roll < 0.7 ? 8 + this.#int(53) : 61 + this.#int(180);
      // Epoch days, formatted once: the rejection loop runs a few times per booking.
      const epochDay = this.#todayEpochDay + lead;
      if (this.#random.next() < demandOfEpochDay(epochDay)) return fromEpochDay(epochDay);
    }
  }

  #nights(): number {
    return STAY_NIGHTS[this.#weighted(STAY_NIGHTS.map(([, w]) => w))]![0];
  }

  #stay(roomType: RoomType, checkIn: LocalDate, nights: number): StayDetails {
    const roll = this.#random.next();
    return {
      checkInDate: checkIn,
      checkOutDate: addDays(checkIn, nights),
      nights,
      roomType: roomType.code,
      rooms: roll < 0.9 ? 1 : roll < 0.98 ? 2 : 3,
      adults: 1 + this.#int(roomType.maxGuests),
      children: 0,
    };
  }

  #int(bound: number): number {
    return Math.floor(this.#random.next() * bound);
  }

  #weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let roll = this.#random.next() * total;
    for (let i = 0; i < weights.length; i++) {
      roll -= weights[i]!;
      if (roll < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * Relative demand of a stay date in `(0, 1]`: highest in mid-July, lowest in mid-January (a northern
 * hemisphere season, as the sample hotels are), so summer dates fill first.
 */
export function seasonalDemand(date: LocalDate): number {
  return demandOfEpochDay(toEpochDay(date));
}

/** {@link seasonalDemand} of a date given as days since 1970-01-01. */
function demandOfEpochDay(epochDay: number): number {
  // A cosine over the mean year peaking about 15 July (1970-07-15 is epoch day 195; years drift by a
  // quarter day each, which a demand curve does not notice).
  return 0.6 + 0.4 * Math.cos(((epochDay - 195) / 365.2425) * 2 * Math.PI);
}
