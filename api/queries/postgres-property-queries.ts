/**
 * {@link PropertyQueries} over the system of record. Nights no event touched yet are filled from the
 * reference data: nothing reserved, the base rate (the demand tier of an empty hotel is the base rate).
 */
import type { Pool } from 'pg';
import { formatDecimal } from '../../processors/domain/money.js';
import { overbookingAllowance, type PropertyCatalog } from '../../processors/domain/reference-data.js';
import { nightsOf } from '../../processors/domain/stay.js';
import { UnavailableError } from '../errors.js';
import type { AvailabilityNight, KpiWindow, NightRate, PropertyQueries } from './property-queries.js';

/** Property read models from Postgres. */
export class PostgresPropertyQueries implements PropertyQueries {
  readonly #pool: Pool;
  readonly #catalog: PropertyCatalog;

  constructor(pool: Pool, catalog: PropertyCatalog) {
    this.#pool = pool;
    this.#catalog = catalog;
  }

  async availability(propertyId: string, from: string, to: string): Promise<AvailabilityNight[]> {
    const rows = await this.#query<{ room_type: string; stay_date: string; rooms_reserved: number }>(
      `SELECT room_type, to_char(stay_date, 'YYYY-MM-DD') AS stay_date, rooms_reserved
       FROM availability.calendar WHERE property_id = $1 AND stay_date >= $2 AND stay_date < $3`,
      [propertyId, from, to],
    );
    const reserved = new Map(rows.map((r) => [`${r.room_type}|${r.stay_date}`, r.rooms_reserved]));
    const property = this.#catalog.property(propertyId);
    return property.roomTypes.flatMap((roomType) =>
      nightsOf(from, to).map((date) => {
        const roomsReserved = reserved.get(`${roomType.code}|${date}`) ?? 0;
        const sellable = roomType.capacity + overbookingAllowance(property, roomType);
        return {
          roomType: roomType.code,
          date,
          capacity: roomType.capacity,
          roomsReserved,
          roomsAvailable: roomType.capacity - roomsReserved,
          roomsSellable: Math.max(0, sellable - roomsReserved),
        };
      }),
    );
  }

  async rates(propertyId: string, from: string, to: string): Promise<NightRate[]> {
    const rows = await this.#query<{
      room_type: string;
      stay_date: string;
      rate: string;
      base_rate: string;
      currency: string;
      demand_multiplier: string;
    }>(
      `SELECT room_type, to_char(stay_date, 'YYYY-MM-DD') AS stay_date, rate::text, base_rate::text, currency,
         demand_multiplier::text
       FROM rates.current_rate WHERE property_id = $1 AND stay_date >= $2 AND stay_date < $3`,
      [propertyId, from, to],
    );
    const current = new Map(rows.map((r) => [`${r.room_type}|${r.stay_date}`, r]));
    const property = this.#catalog.property(propertyId);
    return property.roomTypes.flatMap((roomType) =>
      nightsOf(from, to).map((date) => {
        const row = current.get(`${roomType.code}|${date}`);
        const base = formatDecimal(roomType.baseRate);
        return {
          roomType: roomType.code,
          date,
          rate: row?.rate ?? base,
          baseRate: row?.base_rate ?? base,
          currency: row?.currency ?? property.currency,
          demandMultiplier: row?.demand_multiplier ?? '1.0000',
        };
      }),
    );
  }

  async kpis(propertyId: string, windowSizeMs: number, from: number, to: number): Promise<KpiWindow[]> {
    const rows = await this.#query<{
      window_start: string;
      window_end: string;
      final: boolean;
      bookings: number;
      cancellations: number;
      room_nights: number;
      revenue: string;
      adr: string;
      revpar: string;
      currency: string;
    }>(
      `SELECT window_start::text, window_end::text, final, bookings, cancellations, room_nights,
         revenue::text, adr::text, revpar::text, currency
       FROM analytics.booking_kpis
       WHERE property_id = $1 AND window_size_ms = $2 AND window_start >= $3 AND window_start < $4
       ORDER BY window_start`,
      [propertyId, windowSizeMs, from, to],
    );
    return rows.map((r) => ({
      windowStart: new Date(Number(r.window_start)).toISOString(),
      windowEnd: new Date(Number(r.window_end)).toISOString(),
      windowSizeMs,
      final: r.final,
      bookings: r.bookings,
      cancellations: r.cancellations,
      roomNights: r.room_nights,
      revenue: r.revenue,
      adr: r.adr,
      revpar: r.revpar,
      currency: r.currency,
    }));
  }

  async #query<R extends object>(sql: string, params: unknown[]): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw new UnavailableError('Postgres (property queries)', error);
    }
  }
}
