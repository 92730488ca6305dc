/**
 * Reference data of the reservation domain: properties (hotels), their room types with capacity and base
 * rate, the overbooking allowance, the local timezone and currency, and the cancellation policy.
 * {@link PropertyCatalog} answers the look-ups every processor needs; `reference-data-loader.ts` builds
 * one from JSON and says exactly what is wrong with a bad file.
 */
import { UnknownPropertyError, UnknownRoomTypeError } from '../errors.js';
import type { Money } from './money.js';

/** What a late cancellation costs; see `cancellation-policy.ts`. */
export type LateCancellationFee =
  /** The price of the first night of every room booked. */
  | { readonly type: 'FIRST_NIGHT' }
  /** A whole-number percentage of the stay's total price. */
  | { readonly type: 'PERCENT_OF_TOTAL'; readonly percent: number }
  /** The whole stay: no refund after the deadline. */
  | { readonly type: 'FULL_STAY' };

/** Free cancellation until a deadline before check-in, then a fee. */
export interface CancellationPolicy {
  /** Hours before the check-in time (property local time) until which cancelling is free; 0 means until check-in. */
  readonly freeUntilHoursBeforeCheckIn: number;
  readonly lateFee: LateCancellationFee;
}

/** A kind of room at a property, sold as one inventory pool. */
export interface RoomType {
  /** Short code unique within the property, e.g. `STD`, `KNG`, `STE`. */
  readonly code: string;
  readonly name: string;
  /** Physical rooms of this type: 100 % occupancy. */
  readonly capacity: number;
  /** Rate for one room for one night before demand pricing, in the property's currency. */
  readonly baseRate: Money;
  /** Most guests per room. */
  readonly maxGuests: number;
}

/** A hotel. Every event of a property is keyed by its `propertyId`, which is also the partition key. */
export interface Property {
  readonly propertyId: string;
  readonly name: string;
  /** IANA zone of the hotel, e.g. `Europe/Lisbon`: cancellation deadlines are in its local time. */
  readonly timeZone: string;
  /** ISO 4217 code every rate and payment of the property is in. */
  readonly currency: string;
  /**
   * How far beyond capacity a room type may be sold, as a whole percentage of its capacity, rounded down
   * per room type (5 % of 70 rooms allows 3 extra rooms; 5 % of 6 suites allows none).
   */
  readonly overbookingPercent: number;
  /** Local check-in time `HH:MM`, the reference point of the cancellation deadline. */
  readonly checkInTime: string;
  readonly cancellationPolicy: CancellationPolicy;
  readonly roomTypes: readonly RoomType[];
}

/** Rooms a room type may be sold beyond its capacity: `floor(capacity × overbookingPercent / 100)`. */
export function overbookingAllowance(property: Property, roomType: RoomType): number {
  return Math.floor((roomType.capacity * property.overbookingPercent) / 100);
}

/** Capacity plus allowance: the most rooms of a type that may ever be sold for one night. */
export function sellableLimit(property: Property, roomType: RoomType): number {
  return roomType.capacity + overbookingAllowance(property, roomType);
}

/** An immutable, indexed set of properties. Build it with `parsePropertyCatalog` or `loadPropertyCatalog`. */
export class PropertyCatalog {
  readonly #byId: ReadonlyMap<string, Property>;

  /** Wraps already-validated properties; the loader is the usual way in. */
  constructor(properties: readonly Property[]) {
    this.#byId = new Map(properties.map((p) => [p.propertyId, p]));
  }

  /** Every property, in file order. */
  all(): readonly Property[] {
    return [...this.#byId.values()];
  }

  /** True when the catalog has `propertyId`. */
  has(propertyId: string): boolean {
    return this.#byId.has(propertyId);
  }

  /** The property, or an {@link UnknownPropertyError}. */
  property(propertyId: string): Property {
    const property = this.#byId.get(propertyId);
    if (property === undefined) throw new UnknownPropertyError(propertyId);
    return property;
  }

  /** The room type of a property, or an {@link UnknownRoomTypeError} listing the codes it has. */
  roomType(propertyId: string, roomTypeCode: string): RoomType {
    const property = this.property(propertyId);
    const roomType = property.roomTypes.find((r) => r.code === roomTypeCode);
    if (roomType === undefined) {
      throw new UnknownRoomTypeError(
        propertyId,
        roomTypeCode,
        property.roomTypes.map((r) => r.code),
      );
    }
    return roomType;
  }

  /** Rooms of all types at a property: the denominator of property-wide occupancy and RevPAR. */
  totalCapacity(propertyId: string): number {
    return this.property(propertyId).roomTypes.reduce((total, r) => total + r.capacity, 0);
  }
}
