/**
 * Read models of a property: availability per room type and night, current nightly rates, and booking
 * KPIs per window. Routes depend on this interface only: `PostgresPropertyQueries` answers from the
 * system of record (instances without the streams), `StorePropertyQueries` from the streams' `inventory`,
 * `rates` and KPI window stores of the instance the route's forwarding found to own the property.
 */

/** One (room type, night). */
export interface AvailabilityNight {
  readonly roomType: string;
  readonly date: string;
  readonly capacity: number;
  readonly roomsReserved: number;
  /** capacity minus reserved; negative when overbooked. */
  readonly roomsAvailable: number;
  /** What may still be sold, counting the overbooking allowance (never below 0). */
  readonly roomsSellable: number;
}

/** The price of one room for one night. */
export interface NightRate {
  readonly roomType: string;
  readonly date: string;
  readonly rate: string;
  readonly baseRate: string;
  readonly currency: string;
  readonly demandMultiplier: string;
}

/** Booking KPIs of one window. */
export interface KpiWindow {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly windowSizeMs: number;
  readonly final: boolean;
  readonly bookings: number;
  readonly cancellations: number;
  readonly roomNights: number;
  readonly revenue: string;
  readonly adr: string;
  readonly revpar: string;
  readonly currency: string;
}

/** Answers the property queries. Every method gets a property id the reference data knows. */
export interface PropertyQueries {
  /** Every room type and night in [from, to). */
  availability(propertyId: string, from: string, to: string): Promise<AvailabilityNight[]>;
  /** Every room type and night in [from, to). */
  rates(propertyId: string, from: string, to: string): Promise<NightRate[]>;
  /** Windows of `windowSizeMs` starting in [from, to) (epoch ms). */
  kpis(propertyId: string, windowSizeMs: number, from: number, to: number): Promise<KpiWindow[]>;
}
