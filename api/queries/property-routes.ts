/**
 * The property resource (reads): `GET /properties/:propertyId/availability|rates?from&to` for booking
 * clients and `GET /properties/:propertyId/kpis?from&to&window` for operators, answered through
 * {@link PropertyQueries}.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { daysBetween } from '../../processors/domain/local-date.js';
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import type { Role } from '../auth/api-keys.js';
import { BusinessRuleError, NotFoundError } from '../errors.js';
import { errorResponses } from '../http/error-schema.js';
import type { AnalyticsQueries } from './analytics-queries.js';
import { STORE_LAG_HEADER } from './forward-read.js';
import type { PropertyQueries } from './property-queries.js';
import { FORWARDED } from './store-read-router.js';

/** What the property routes need. */
export interface PropertyRoutesOptions {
  readonly catalog: PropertyCatalog;
  readonly queries: PropertyQueries;
  /** The pickup and pace reports (store-backed); absent: the report routes answer 503. */
  readonly analytics?: AnalyticsQueries;
  /** The clock that tells a property's business day for the reports (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Store-backed reads: forwards a checked request to the instance that answers for the property and
   * resolves {@link FORWARDED} once its answer is sent, or runs `readHere` (the `queries`) here and
   * resolves its result. Absent: always answered here.
   */
  readonly route?: PropertyReadRoute;
}

/** See {@link PropertyRoutesOptions.route}. */
export type PropertyReadRoute = <T>(
  request: FastifyRequest,
  reply: FastifyReply,
  propertyId: string,
  readHere: () => Promise<T>,
) => Promise<T | typeof FORWARDED>;

/**
 * `storeLag` of a read answered from a replica that may lag (a stale read, see `x-accept-stale` in
 * docs/api.md): the records it was behind, as in its `x-store-lag` header. Absent otherwise.
 */
export function storeLagOf(reply: FastifyReply): { storeLag?: number } {
  const lag = reply.getHeader(STORE_LAG_HEADER);
  return lag === undefined ? {} : { storeLag: Number(lag) };
}

/** Longest date range of one availability or rates query. */
export const MAX_QUERY_NIGHTS = 90;
/** Longest time range of one KPI query. */
export const MAX_KPI_RANGE_MS = 31 * 86_400_000;
/** KPI window families, by name (as the topology configures them by default). */
export const KPI_WINDOWS: Readonly<Record<string, number>> = { '1m': 60_000, '1h': 3_600_000 };

const BOOKING: { roles: readonly Role[] } = { roles: ['booking'] };
const OPERATOR: { roles: readonly Role[] } = { roles: ['operator'] };
/** The path parameters of every property route. */
export const params = {
  type: 'object',
  additionalProperties: false,
  required: ['propertyId'],
  properties: { propertyId: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' } },
} as const;
/** `?from&to` of stay dates. */
export const dateRange = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: {
    from: { type: 'string', format: 'date', description: 'First night, YYYY-MM-DD' },
    to: { type: 'string', format: 'date', description: 'Night after the last, YYYY-MM-DD' },
  },
} as const;
/** The error responses of the property reads. */
export const errors = errorResponses(400, 401, 403, 404, 422, 429, 503);
/** A property read's answer: the items and, on a stale read, the store lag. */
export const list = (items: object) => ({
  type: 'object',
  properties: {
    propertyId: { type: 'string' },
    items: { type: 'array', items },
    storeLag: {
      type: 'integer',
      description: 'Only on a stale read (x-accept-stale) answered by a replica: the records it was behind',
    },
  },
});
/** An item of a nightly read: one room type on one night, with the read's own fields. */
const nightlyItem = (fields: Record<string, object>) => ({
  type: 'object',
  properties: { roomType: { type: 'string' }, date: { type: 'string' }, ...fields },
});

/** A 404 listing the known properties when `catalog` does not have `propertyId`. */
export function assertKnownProperty(catalog: PropertyCatalog, propertyId: string): void {
  if (!catalog.has(propertyId)) {
    throw new NotFoundError(
      `property ${propertyId}`,
      `known properties: ${catalog
        .all()
        .map((p) => p.propertyId)
        .join(', ')}`,
    );
  }
}

/** Registers the property routes. */
export const propertyRoutes: FastifyPluginAsync<PropertyRoutesOptions> = async (app, options) => {
  const { catalog, queries, route } = options;

  const known = (propertyId: string) => assertKnownProperty(catalog, propertyId);

  function checkNights(from: string, to: string): void {
    const nights = daysBetween(from, to);
    if (nights <= 0) throw new BusinessRuleError(`to ${to} must be after from ${from}`, { field: 'to' });
    if (nights > MAX_QUERY_NIGHTS) {
      throw new BusinessRuleError(`ask for at most ${MAX_QUERY_NIGHTS} nights at a time, not ${nights}`, {
        field: 'to',
      });
    }
  }

  /**
   * Registers a booking clients' read of one item per room type and night over `?from&to` (at most
   * {@link MAX_QUERY_NIGHTS} nights) of a known property.
   */
  function nightlyRoute(
    path: string,
    summary: string,
    fields: Record<string, object>,
    read: (propertyId: string, from: string, to: string) => Promise<readonly object[]>,
  ): void {
    app.get<{ Params: { propertyId: string }; Querystring: { from: string; to: string } }>(
      path,
      {
        config: BOOKING,
        schema: {
          summary,
          tags: ['properties'],
          params,
          querystring: dateRange,
          response: { 200: list(nightlyItem(fields)), ...errors },
        },
      },
      async (request, reply) => {
        const { propertyId } = request.params;
        const { from, to } = request.query;
        known(propertyId);
        checkNights(from, to);
        // Checked before forwarding: a bad request is refused here, without a hop.
        const readHere = () => read(propertyId, from, to);
        const items =
          route === undefined ? await readHere() : await route(request, reply, propertyId, readHere);
        if (items === FORWARDED) return reply;
        return { propertyId, items, ...storeLagOf(reply) };
      },
    );
  }

  nightlyRoute(
    '/properties/:propertyId/availability',
    'Rooms reserved and available per room type and night',
    {
      capacity: { type: 'integer' },
      roomsReserved: { type: 'integer' },
      roomsAvailable: { type: 'integer' },
      roomsSellable: { type: 'integer' },
    },
    (propertyId, from, to) => queries.availability(propertyId, from, to),
  );

  nightlyRoute(
    '/properties/:propertyId/rates',
    'The current nightly rate per room type and night',
    {
      rate: { type: 'string' },
      baseRate: { type: 'string' },
      currency: { type: 'string' },
      demandMultiplier: { type: 'string' },
    },
    (propertyId, from, to) => queries.rates(propertyId, from, to),
  );

  app.get<{
    Params: { propertyId: string };
    Querystring: { from: string; to: string; window?: string };
  }>(
    '/properties/:propertyId/kpis',
    {
      config: OPERATOR,
      schema: {
        summary: 'Booking KPIs (bookings, cancellations, room-nights, revenue, ADR, RevPAR) per window',
        tags: ['properties'],
        params,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['from', 'to'],
          properties: {
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            window: { type: 'string', enum: Object.keys(KPI_WINDOWS), description: 'default 1h' },
          },
        },
        response: {
          200: list({
            type: 'object',
            properties: {
              windowStart: { type: 'string' },
              windowEnd: { type: 'string' },
              windowSizeMs: { type: 'integer' },
              final: { type: 'boolean' },
              bookings: { type: 'integer' },
              cancellations: { type: 'integer' },
              roomNights: { type: 'integer' },
              revenue: { type: 'string' },
              adr: { type: 'string' },
              revpar: { type: 'string' },
              currency: { type: 'string' },
            },
          }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const { propertyId } = request.params;
      known(propertyId);
      const from = Date.parse(request.query.from);
      const to = Date.parse(request.query.to);
      if (!(to > from)) throw new BusinessRuleError('to must be after from', { field: 'to' });
      if (to - from > MAX_KPI_RANGE_MS) {
        throw new BusinessRuleError('ask for at most 31 days of KPIs at a time', { field: 'to' });
      }
      const size = KPI_WINDOWS[request.query.window ?? '1h']!;
      const readHere = () => queries.kpis(propertyId, size, from, to);
      const items =
        route === undefined ? await readHere() : await route(request, reply, propertyId, readHere);
      if (items === FORWARDED) return reply;
      return { propertyId, items, ...storeLagOf(reply) };
    },
  );
};
