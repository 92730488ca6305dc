/**
 * The dashboard's reads and its replay, made through the API's own routes (`app.inject`) with the
 * session's operator key: the same authentication, rate limit, validation and forwarding to the instance
 * that owns a property as any client's read, and a replay recorded under the operator's key name as the
 * `POST /dlq/:topic/replay` route records it. Nothing here reads a store or a topic directly.
 */
import type { FastifyInstance } from 'fastify';
import { API_KEY_HEADER } from '../auth/authenticate.js';
import type { DeadLetterEntry } from '../dlq/dead-letters.js';
import type { AvailabilityNight, KpiWindow, NightRate } from '../queries/property-queries.js';
import { MAX_QUERY_NIGHTS } from '../queries/property-routes.js';
import type { DlqEvent, KpisEvent, OccupancyEvent, RatesEvent } from './dashboard-events.js';

/** Hours of KPI windows the chart shows. */
export const KPI_HOURS = 48;
/** Dead letters listed per DLQ topic. */
export const DLQ_LIST_LIMIT = 500;

/** A YYYY-MM-DD `days` after `now` (UTC). */
export function isoDay(now: number, days: number): string {
  return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
}

/** Reads through the routes of `app` with `apiKey`. */
export class RouteReads {
  readonly #app: FastifyInstance;
  readonly #apiKey: string;

  constructor(app: FastifyInstance, apiKey: string) {
    this.#app = app;
    this.#apiKey = apiKey;
  }

  /** Rooms reserved per room type over the next {@link MAX_QUERY_NIGHTS} nights from today (UTC). */
  async occupancy(propertyId: string, now = Date.now()): Promise<OccupancyEvent> {
    const { dates, range } = nextNights(now);
    const answer = await this.#get<{ items: AvailabilityNight[] }>(
      `/properties/${encodeURIComponent(propertyId)}/availability?${range}`,
    );
    if ('error' in answer) return { propertyId, dates, rows: [], error: answer.error };
    const rows = byRoomType(answer.value.items, dates, (night) => [
      night?.roomsReserved ?? 0,
      night?.capacity ?? 0,
    ]);
    return { propertyId, dates, rows };
  }

  /** The current rate per room type over the same nights as {@link occupancy}. */
  async rates(propertyId: string, now = Date.now()): Promise<RatesEvent> {
    const { dates, range } = nextNights(now);
    const answer = await this.#get<{ items: NightRate[] }>(
      `/properties/${encodeURIComponent(propertyId)}/rates?${range}`,
    );
    if ('error' in answer) return { propertyId, dates, currency: '', rows: [], error: answer.error };
    const rows = byRoomType(answer.value.items, dates, (night) => [
      Number(night?.rate ?? 0),
      Number(night?.baseRate ?? 0),
    ]);
    return { propertyId, dates, currency: answer.value.items[0]?.currency ?? '', rows };
  }

  /**
   * One KPI window per hour of the last {@link KPI_HOURS} hours, oldest first, hours without bookings as
   * zeros. The 1-hour family hops every few minutes, so only the windows that start on the hour are
   * taken: they tile the time line without counting a booking twice.
   */
  async kpis(propertyId: string, now = Date.now()): Promise<KpisEvent> {
    const hour = 3_600_000;
    const first = Math.floor(now / hour) * hour - (KPI_HOURS - 1) * hour;
    const url = `/properties/${encodeURIComponent(propertyId)}/kpis?from=${new Date(first).toISOString()}&to=${new Date(first + KPI_HOURS * hour).toISOString()}&window=1h`;
    const answer = await this.#get<{ items: KpiWindow[] }>(url);
    if ('error' in answer) return { propertyId, windows: [], error: answer.error };
    const byStart = new Map(answer.value.items.map((w) => [Date.parse(w.windowStart), w]));
    const currency = answer.value.items[0]?.currency ?? '';
    const windows = Array.from({ length: KPI_HOURS }, (_, i) => {
      const start = first + i * hour;
      const w = byStart.get(start);
      return {
        windowStart: new Date(start).toISOString(),
        bookings: w?.bookings ?? 0,
        adr: w?.adr ?? '0',
        revpar: w?.revpar ?? '0',
        currency: w?.currency ?? currency,
      };
    });
    return { propertyId, windows };
  }

  /** The dead letters of each of `topics`, with those not replayed yet; empty topics are not read. */
  async deadLetters(topics: ReadonlyArray<{ topic: string; records: number }>): Promise<DlqEvent> {
    const listed = await Promise.all(
      topics.map(async ({ topic, records }) => {
        if (records === 0) return { topic, total: 0, pending: [] };
        const answer = await this.#get<{ records: DeadLetterEntry[] }>(
          `/dlq/${encodeURIComponent(topic)}?limit=${DLQ_LIST_LIMIT}`,
        );
        if ('error' in answer) return { topic, total: 0, pending: [], error: answer.error };
        const pending = answer.value.records
          .filter((record) => record.replayed === null)
          .map(({ partition, offset, errorCode, errorMessage }) => ({
            partition,
            offset,
            errorCode,
            errorMessage,
          }));
        return { topic, total: answer.value.records.length, pending };
      }),
    );
    const failed = listed.find((entry) => entry.error !== undefined);
    return {
      topics: listed.map(({ topic, total, pending }) => ({ topic, total, pending })),
      ...(failed === undefined ? {} : { error: `${failed.topic}: ${failed.error}` }),
    };
  }

  /** Replays one dead letter through `POST /dlq/:topic/replay`; answers that route's status and body. */
  async replay(topic: string, partition: number, offset: string): Promise<{ status: number; body: unknown }> {
    const response = await this.#app.inject({
      method: 'POST',
      url: `/dlq/${encodeURIComponent(topic)}/replay`,
      headers: { [API_KEY_HEADER]: this.#apiKey },
      payload: { records: [{ partition, offset }] },
    });
    return { status: response.statusCode, body: response.json() };
  }

  async #get<T>(url: string): Promise<{ value: T } | { error: string }> {
    const response = await this.#app.inject({
      method: 'GET',
      url,
      headers: { [API_KEY_HEADER]: this.#apiKey },
    });
    if (response.statusCode === 200) return { value: response.json() as T };
    let message = response.body;
    try {
      message = (response.json() as { message?: string }).message ?? message;
    } catch {
      // not JSON: the body as it came
    }
    return { error: `${response.statusCode}: ${message}` };
  }
}

/** The next {@link MAX_QUERY_NIGHTS} nights from `now` (UTC) and the `from&to` query that covers them. */
function nextNights(now: number): { dates: string[]; range: string } {
  const dates = Array.from({ length: MAX_QUERY_NIGHTS }, (_, i) => isoDay(now, i));
  return { dates, range: `from=${dates[0]}&to=${isoDay(now, MAX_QUERY_NIGHTS)}` };
}

/** One row per room type with a cell per date of `dates` (`cell` gets `undefined` for a night not listed). */
function byRoomType<T extends { readonly roomType: string; readonly date: string }>(
  items: readonly T[],
  dates: readonly string[],
  cell: (night: T | undefined) => [number, number],
): Array<{ roomType: string; nights: Array<[number, number]> }> {
  const byType = new Map<string, Map<string, T>>();
  for (const night of items) {
    const nights = byType.get(night.roomType) ?? new Map<string, T>();
    nights.set(night.date, night);
    byType.set(night.roomType, nights);
  }
  return [...byType].map(([roomType, nights]) => ({
    roomType,
    nights: dates.map((date) => cell(nights.get(date))),
  }));
}
