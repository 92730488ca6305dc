/**
 * A server with in-memory dependencies for `app.inject()` tests: no network, nothing leaves the process.
 * The recording publisher shows exactly what would have been produced.
 */
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../../../api/app.js';
import { InMemoryApiKeyStore } from '../../../api/auth/api-keys.js';
import { InMemoryReservationOwners } from '../../../api/auth/reservation-owners.js';
import type { DashboardOptions } from '../../../api/dashboard/dashboard-routes.js';
import type { DeadLetterService } from '../../../api/dlq/dead-letters.js';
import { RecordingPublisher } from '../../../api/kafka/event-publisher.js';
import type { AnalyticsQueries } from '../../../api/queries/analytics-queries.js';
import type { PropertyQueries } from '../../../api/queries/property-queries.js';
import { InMemoryConfirmationNumbers } from '../../../api/reservations/confirmation-numbers.js';
import { DecisionWaiters } from '../../../api/reservations/decision-waiters.js';
import { InMemoryIdempotencyStore } from '../../../api/reservations/idempotency.js';
import { InMemoryReservationLedger } from '../../../api/reservations/in-memory-ledger.js';
import { loadPropertyCatalog } from '../../../processors/domain/reference-data-loader.js';
import { DEFAULT_STAY_LIMITS } from '../../../processors/domain/stay.js';

/** 2026-03-01T12:00:00Z: every test books relative to it. */
export const NOW = Date.UTC(2026, 2, 1, 12);

/** The server and what it touched. */
export interface TestApp {
  readonly app: FastifyInstance;
  readonly publisher: RecordingPublisher;
  readonly ledger: InMemoryReservationLedger;
  /** Where `?wait=true` requests wait: `decide()` plays the decision feed. */
  readonly waiters: DecisionWaiters;
  readonly bookingKey: string;
  /** A second booking client: it may not see or touch the first one's reservations. */
  readonly otherBookingKey: string;
  readonly operatorKey: string;
  /** The server's clock (starts at {@link NOW}); tests move it to reach a date or outlive a lease. */
  readonly clock: { now: number };
  /** The registry behind /metrics. */
  readonly registry: Registry;
  /** Calls that reached the property queries, e.g. `availability LIS-ALFAMA 2026-04-01 2026-04-03`. */
  readonly queryCalls: string[];
}

/** Builds a server; `rateLimitMax` defaults high so only the rate-limit test meets it. */
export async function testApp(
  options: {
    rateLimitMax?: number;
    dlq?: DeadLetterService;
    /** The dashboard, built from the test's key store and catalog. */
    dashboard?: (deps: { apiKeys: InMemoryApiKeyStore; waiters: DecisionWaiters }) => DashboardOptions;
    bodyLimitBytes?: number;
    logLevel?: string;
    logStream?: DestinationStream;
  } = {},
): Promise<TestApp> {
  const keys = new InMemoryApiKeyStore();
  const bookingKey = keys.add('booking-test', 'booking');
  const otherBookingKey = keys.add('booking-other', 'booking');
  const clock = { now: NOW };
  const operatorKey = keys.add('operator-test', 'operator');
  const publisher = new RecordingPublisher();
  const ledger = new InMemoryReservationLedger();
  const waiters = new DecisionWaiters();
  const registry = new Registry();
  const catalog = loadPropertyCatalog();
  const queryCalls: string[] = [];
  const queries: PropertyQueries = {
    availability: async (...args) => {
      queryCalls.push(`availability ${args.join(' ')}`);
      return [];
    },
    rates: async (...args) => {
      queryCalls.push(`rates ${args.join(' ')}`);
      return [];
    },
    kpis: async (...args) => {
      queryCalls.push(`kpis ${args.join(' ')}`);
      return [];
    },
  };
  const analytics: AnalyticsQueries = {
    pickup: async (...args) => {
      queryCalls.push(`pickup ${args.join(' ')}`);
      return [];
    },
    pace: async (...args) => {
      queryCalls.push(`pace ${args.join(' ')}`);
      return [];
    },
    forecast: async (...args) => {
      queryCalls.push(`forecast ${args.join(' ')}`);
      return [];
    },
    alerts: async (...args) => {
      queryCalls.push(`alerts ${args.join(' ')}`);
      return [];
    },
  };
  const app = await buildApp(
    {
      apiKeys: keys,
      registry,
      reservations: {
        catalog,
        stayLimits: DEFAULT_STAY_LIMITS,
        publisher,
        confirmationNumbers: new InMemoryConfirmationNumbers(),
        idempotency: new InMemoryIdempotencyStore(() => clock.now),
        owners: new InMemoryReservationOwners(),
        ledger,
        waitTimeoutMs: 300,
        waiters,
        now: () => clock.now,
      },
      ops: { registry, readiness: [] },
      properties: { catalog, queries, analytics, now: () => clock.now },
      ...(options.dlq === undefined ? {} : { dlq: { service: options.dlq } }),
      ...(options.dashboard === undefined
        ? {}
        : { dashboard: options.dashboard({ apiKeys: keys, waiters }) }),
    },
    {
      logLevel: options.logLevel ?? 'silent',
      ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
      rateLimitMax: options.rateLimitMax ?? 10_000,
      ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    },
  );
  await app.ready();
  return {
    app,
    publisher,
    ledger,
    waiters,
    bookingKey,
    otherBookingKey,
    operatorKey,
    clock,
    registry,
    queryCalls,
  };
}

/** A valid booking body; override parts with `patch`. */
export function booking(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    propertyId: 'LIS-ALFAMA',
    roomType: 'STD',
    checkInDate: '2026-04-10',
    checkOutDate: '2026-04-13',
    rooms: 1,
    adults: 2,
    guest: { firstName: 'Ana', lastName: 'Silva', email: 'ana@example.com' },
    paymentToken: 'tok_visa_4242abcd',
    ...patch,
  };
}
