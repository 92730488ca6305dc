/**
 * The revenue reports of a property, for operators: `GET /properties/:propertyId/pickup?from&to`,
 * `/pace?from&to`, `/forecast?from&to` and `/alerts?from&to`, one item per room type and stay date in [from, to), as of the property's business
 * day today (its local date). Read from the `on-the-books` store of the instance that owns the property,
 * forwarded there like the other store reads (`route`). Formulas: docs/analytics.md.
 */
import type { FastifyPluginAsync } from 'fastify';
import { daysBetween } from '../../processors/domain/local-date.js';
import { zonedDate } from '../../processors/domain/timezone.js';
import { MAX_REPORT_NIGHTS } from '../../processors/topology/analytics/pickup-and-pace.js';
import type { Role } from '../auth/api-keys.js';
import { BusinessRuleError, UnavailableError } from '../errors.js';
import type { AnalyticsQueries } from './analytics-queries.js';
import {
  assertKnownProperty,
  dateRange,
  errors,
  list,
  type PropertyRoutesOptions,
  params,
  storeLagOf,
} from './property-routes.js';
import { FORWARDED } from './store-read-router.js';

const OPERATOR: { roles: readonly Role[] } = { roles: ['operator'] };

const amount = { type: 'string', description: 'Room revenue, a decimal with 2 places' };
const percent = {
  type: 'string',
  nullable: true,
  description: 'Percent, 2 places; null: nothing to compare',
};

/** A list answer with the business day the report is for. */
function withAsOf(answer: ReturnType<typeof list>): object {
  return {
    ...answer,
    properties: {
      ...answer.properties,
      asOf: { type: 'string', description: "The property's business day the report is as of" },
    },
  };
}

/** Registers the report routes (on the same options as the property routes). */
export const analyticsRoutes: FastifyPluginAsync<PropertyRoutesOptions> = async (app, options) => {
  const { catalog, analytics, route } = options;
  const now = options.now ?? Date.now;

  function report(
    path: string,
    summary: string,
    fields: Record<string, object>,
    read: (
      queries: AnalyticsQueries,
      propertyId: string,
      from: string,
      to: string,
      asOf: string,
    ) => Promise<object[]>,
  ): void {
    app.get<{ Params: { propertyId: string }; Querystring: { from: string; to: string } }>(
      path,
      {
        config: OPERATOR,
        schema: {
          summary,
          tags: ['properties'],
          params,
          querystring: dateRange,
          response: {
            200: withAsOf(
              list({
                type: 'object',
                properties: {
                  roomType: { type: 'string' },
                  date: { type: 'string' },
                  ...fields,
                },
              }),
            ),
            ...errors,
          },
        },
      },
      async (request, reply) => {
        const { propertyId } = request.params;
        const { from, to } = request.query;
        assertKnownProperty(catalog, propertyId);
        const nights = daysBetween(from, to);
        if (nights <= 0) throw new BusinessRuleError(`to ${to} must be after from ${from}`, { field: 'to' });
        if (nights > MAX_REPORT_NIGHTS) {
          throw new BusinessRuleError(
            `ask for at most ${MAX_REPORT_NIGHTS} nights at a time, not ${nights}`,
            {
              field: 'to',
            },
          );
        }
        if (analytics === undefined) {
          // An API-only instance: the reports live in the streams' state stores only.
          throw new UnavailableError('the analytics reports (this instance runs no streams)');
        }
        const asOf = zonedDate(now(), catalog.property(propertyId).timeZone);
        const readHere = () => read(analytics, propertyId, from, to, asOf);
        const items =
          route === undefined ? await readHere() : await route(request, reply, propertyId, readHere);
        if (items === FORWARDED) return reply;
        return { propertyId, asOf, items, ...storeLagOf(reply) };
      },
    );
  }

  const books = { roomNights: { type: 'integer' }, revenue: amount };
  const onTheBooks = { ...books, currency: { type: 'string' } };
  report(
    '/properties/:propertyId/pickup',
    'On-the-books per room type and stay date, and its pickup over the last 1, 7 and 30 days',
    {
      ...onTheBooks,
      pickup: {
        type: 'array',
        items: { type: 'object', properties: { days: { type: 'integer' }, ...books } },
      },
    },
    (queries, ...args) => queries.pickup(...args),
  );
  report(
    '/properties/:propertyId/pace',
    'On-the-books against the same weekday of the 4 weeks before at the same lead time, with a trend',
    {
      ...onTheBooks,
      leadDays: { type: 'integer' },
      comparableDates: { type: 'array', items: { type: 'string' } },
      comparableRoomNights: { type: 'string', description: 'Average of the comparable dates, 2 places' },
      comparableRevenue: amount,
      roomNightsPacePercent: percent,
      revenuePacePercent: percent,
      trend: { type: 'string', enum: ['AHEAD', 'ON_PACE', 'BEHIND'] },
    },
    (queries, ...args) => queries.pace(...args),
  );
  report(
    '/properties/:propertyId/forecast',
    'On-the-books plus the pickup the same weekdays of the 4 weeks before got from the same lead time, capped by capacity; for past nights the forecast made 7 days before against the actual',
    {
      ...onTheBooks,
      leadDays: { type: 'integer' },
      capacity: { type: 'integer' },
      expectedPickupRoomNights: {
        type: 'string',
        description: 'Average pickup of the comparable dates, 2 places',
      },
      expectedPickupRevenue: amount,
      forecastRoomNights: { type: 'integer' },
      forecastRevenue: amount,
      past: {
        type: 'object',
        nullable: true,
        properties: {
          madeOn: { type: 'string' },
          forecastRoomNights: { type: 'integer' },
          forecastRevenue: amount,
          actualRoomNights: { type: 'integer' },
          actualRevenue: amount,
          errorRoomNights: { type: 'integer' },
          errorRevenue: amount,
        },
      },
    },
    (queries, ...args) => queries.forecast(...args),
  );
  report(
    '/properties/:propertyId/alerts',
    'Revenue alerts of the stay dates not yet passed: pace behind, high occupancy, a cancellation spike',
    {
      kind: { type: 'string', enum: ['PACE_BEHIND', 'OCCUPANCY_HIGH', 'CANCELLATION_SPIKE'] },
      valuePercent: { type: 'string', description: 'The figure that crossed the threshold, 2 places' },
      thresholdPercent: { type: 'string' },
      detail: { type: 'string' },
    },
    (queries, ...args) => queries.alerts(...args),
  );
};
