/**
 * The reservation resource: `POST /reservations` (book), `PATCH /reservations/:n` (modify),
 * `POST /reservations/:n/cancel|check-in|check-out` and `GET /reservations/:n`. Writes check the schema
 * (fastify, before the handler), the API key and role (hook), the business rules, then produce one event
 * keyed by the property and answer; nothing is produced for a request that fails any check. A reservation
 * belongs to the client that created it: every other route answers another booking client 404
 * (`auth/reservation-owners.ts`). Under an Idempotency-Key the event id, request time and confirmation
 * number are bound to the key before producing (`idempotent.ts`), so a retry never makes a second one.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PropertyCatalog } from '../../processors/domain/reference-data.js';
import { isFinal } from '../../processors/domain/reservation-status.js';
import type { StayLimits } from '../../processors/domain/stay.js';
import { zonedDate } from '../../processors/domain/timezone.js';
import type { TopicName, TopicValue } from '../../schemas/generated/topics.js';
import type { Role } from '../auth/api-keys.js';
import { type ReservationOwners, requireOwnership } from '../auth/reservation-owners.js';
import { InvalidTransitionError, NotFoundError } from '../errors.js';
import type { EventPublisher } from '../kafka/event-publisher.js';
import type { PropertyReadRoute } from '../queries/property-routes.js';
import type { ReservationPropertyIndex } from '../queries/reservation-properties.js';
import { FORWARDED } from '../queries/store-read-router.js';
import type { ConfirmationNumberAllocator } from './confirmation-numbers.js';
import type { DecisionWaiters } from './decision-waiters.js';
import {
  reservationCancelled,
  reservationCheckedIn,
  reservationCheckedOut,
  reservationCreated,
  reservationModified,
} from './events.js';
import type { IdempotencyStore, StoredAnswer } from './idempotency.js';
import { idempotencyKeyOf, sendIdempotent } from './idempotent.js';
import type { ReservationLedger, ReservationView } from './reservation-view.js';
import { checkCheckIn, checkCheckOut, checkPaymentToken, checkStayRequest } from './rules.js';
import {
  type CancelReservationBody,
  type CheckInBody,
  type CheckOutBody,
  type CreateReservationBody,
  cancelReservationSchema,
  checkInSchema,
  checkOutSchema,
  createReservationSchema,
  getReservationSchema,
  type ModifyReservationBody,
  modifyReservationSchema,
  type ReservationParams,
  type WaitQuery,
} from './schemas.js';
import { waitForDecision } from './wait-for-decision.js';

/** What the reservation routes need. */
export interface ReservationRoutesOptions {
  readonly catalog: PropertyCatalog;
  readonly stayLimits: StayLimits;
  readonly publisher: EventPublisher;
  readonly confirmationNumbers: ConfirmationNumberAllocator;
  readonly idempotency: IdempotencyStore;
  /** Who created which reservation: the only booking client that may see or change it. */
  readonly owners: ReservationOwners;
  readonly ledger: ReservationLedger;
  /** Longest `?wait=true` wait. */
  readonly waitTimeoutMs: number;
  /** Where `?wait=true` requests wait for the decision the instance's decision feed pushes. */
  readonly waiters: DecisionWaiters;
  readonly now: () => number;
  /**
   * `GET /reservations/:n` from the state stores (when the streams run in this process): the property
   * of the number, forwarding to the instance that owns it, and the read there. Absent: from `ledger`.
   */
  readonly storeReads?: {
    readonly properties: ReservationPropertyIndex;
    readonly route: PropertyReadRoute;
    readonly reader: {
      read(confirmationNumber: string, propertyId: string): Promise<ReservationView | undefined>;
    };
  };
}

const BOOKING: { roles: readonly Role[] } = { roles: ['booking'] };

/** Registers the routes; mount at the root. */
export const reservationRoutes: FastifyPluginAsync<ReservationRoutesOptions> = async (
  app: FastifyInstance,
  options: ReservationRoutesOptions,
) => {
  const { catalog, stayLimits, publisher, ledger, owners, now } = options;

  /** Produces `event`, then records it so the client reads its own write. */
  async function produce<T extends TopicName>(topic: T, key: string, event: TopicValue<T>, at: number) {
    await publisher.publish(topic, key, event, at);
    const recorded = event as unknown as { eventId: string; confirmationNumber: string };
    // The event is produced: the sink will record it anyway, so a failure here is only logged.
    await ledger.record(topic, recorded).catch((error: unknown) => {
      app.log.warn({ err: error, eventId: recorded.eventId }, 'could not record an accepted event yet');
    });
  }

  /** The reservation a command acts on: known, the caller's (or the caller an operator), not final. */
  async function existing(
    request: FastifyRequest,
    confirmationNumber: string,
    action: string,
  ): Promise<ReservationView> {
    await requireOwnership(owners, request.principal, confirmationNumber);
    const view = await ledger.get(confirmationNumber);
    if (view === undefined) {
      throw new NotFoundError(`reservation ${confirmationNumber}`, 'check the confirmation number');
    }
    if (isFinal(view.status)) throw new InvalidTransitionError(confirmationNumber, view.status, action);
    return view;
  }

  function accepted(view: ReservationView, requested: string, eventId: string): StoredAnswer {
    return {
      statusCode: 202,
      headers: { location: `/reservations/${view.confirmationNumber}` },
      body: {
        confirmationNumber: view.confirmationNumber,
        propertyId: view.propertyId,
        status: view.status,
        requested,
        eventId,
      },
    };
  }

  app.post<{ Body: CreateReservationBody; Querystring: WaitQuery }>(
    '/reservations',
    { schema: createReservationSchema, config: BOOKING },
    async (request, reply) => {
      const answer = await sendIdempotent(options.idempotency, request, reply, now, async (attempt) => {
        const body = request.body;
        const { at } = attempt;
        checkPaymentToken(body.paymentToken);
        const stay = checkStayRequest(catalog, stayLimits, { ...body, children: body.children ?? 0 }, at);
        const property = catalog.property(body.propertyId);
        // Decided once per Idempotency-Key: a retry after a crash re-produces this very reservation.
        const confirmationNumber = await attempt.decideOnce('confirmationNumber', () =>
          options.confirmationNumbers.next(at),
        );
        // Before the event: a reservation never exists without its owner.
        await owners.record(confirmationNumber, request.principal!.name);
        const event = reservationCreated(
          property,
          body,
          stay,
          confirmationNumber,
          at,
          idempotencyKeyOf(request),
          attempt.eventId,
        );
        await produce('reservation.created', property.propertyId, event, at);
        request.log.info({ confirmationNumber, propertyId: property.propertyId }, 'reservation accepted');
        return {
          statusCode: 201,
          headers: { location: `/reservations/${confirmationNumber}` },
          body: {
            confirmationNumber,
            propertyId: property.propertyId,
            status: 'PENDING',
            requested: 'CREATE',
            eventId: event.eventId,
          },
        };
      });
      if (request.query.wait !== 'true' || answer.statusCode !== 201) return answer.body;
      const created = answer.body as { confirmationNumber: string };
      const decided = await waitForDecision(
        options.waiters,
        ledger,
        created.confirmationNumber,
        options.waitTimeoutMs,
      );
      if (decided === undefined) return { ...(answer.body as object), decided: false };
      return { ...(answer.body as object), status: decided.status, detail: decided.detail, decided: true };
    },
  );

  app.patch<{ Body: ModifyReservationBody; Params: ReservationParams }>(
    '/reservations/:confirmationNumber',
    { schema: modifyReservationSchema, config: BOOKING },
    async (request, reply) => {
      const answer = await sendIdempotent(options.idempotency, request, reply, now, async (attempt) => {
        const view = await existing(request, request.params.confirmationNumber, 'a modification');
        const body = request.body;
        const { at } = attempt;
        const stay = checkStayRequest(
          catalog,
          stayLimits,
          {
            propertyId: view.propertyId,
            roomType: body.roomType ?? view.stay.roomType,
            checkInDate: body.checkInDate ?? view.stay.checkInDate,
            checkOutDate: body.checkOutDate ?? view.stay.checkOutDate,
            rooms: body.rooms ?? view.stay.rooms,
            adults: body.adults ?? view.stay.adults,
            children: body.children ?? view.stay.children,
          },
          at,
        );
        const event = reservationModified(
          catalog.property(view.propertyId),
          view,
          stay,
          body.reason ?? null,
          at,
          attempt.eventId,
        );
        await produce('reservation.modified', view.propertyId, event, at);
        return accepted(view, 'MODIFY', event.eventId);
      });
      return answer.body;
    },
  );

  app.post<{ Body: CancelReservationBody | null; Params: ReservationParams }>(
    '/reservations/:confirmationNumber/cancel',
    { schema: cancelReservationSchema, config: BOOKING },
    async (request, reply) => {
      const answer = await sendIdempotent(options.idempotency, request, reply, now, async (attempt) => {
        const view = await existing(request, request.params.confirmationNumber, 'a cancellation');
        const event = reservationCancelled(
          catalog.property(view.propertyId),
          view,
          request.body ?? null,
          attempt.at,
          attempt.eventId,
        );
        await produce('reservation.cancelled', view.propertyId, event, attempt.at);
        return accepted(view, 'CANCEL', event.eventId);
      });
      return answer.body;
    },
  );

  app.post<{ Body: CheckInBody; Params: ReservationParams }>(
    '/reservations/:confirmationNumber/check-in',
    { schema: checkInSchema, config: BOOKING },
    async (request, reply) => {
      const answer = await sendIdempotent(options.idempotency, request, reply, now, async (attempt) => {
        const view = await existing(request, request.params.confirmationNumber, 'a check-in');
        const property = catalog.property(view.propertyId);
        const { at } = attempt;
        // Dated today at the property (the event carries the same date).
        checkCheckIn(view.stay, zonedDate(at, property.timeZone));
        const event = reservationCheckedIn(property, view, request.body.roomNumbers, at, attempt.eventId);
        await produce('reservation.checkin', view.propertyId, event, at);
        return accepted(view, 'CHECK_IN', event.eventId);
      });
      return answer.body;
    },
  );

  app.post<{ Body: CheckOutBody | null; Params: ReservationParams }>(
    '/reservations/:confirmationNumber/check-out',
    { schema: checkOutSchema, config: BOOKING },
    async (request, reply) => {
      const answer = await sendIdempotent(options.idempotency, request, reply, now, async (attempt) => {
        const view = await existing(request, request.params.confirmationNumber, 'a check-out');
        const property = catalog.property(view.propertyId);
        const { at } = attempt;
        const checkOutDate = request.body?.checkOutDate ?? zonedDate(at, property.timeZone);
        checkCheckOut(view.stay, checkOutDate);
        const event = reservationCheckedOut(property, view, checkOutDate, at, attempt.eventId);
        await produce('reservation.checkout', view.propertyId, event, at);
        return accepted(view, 'CHECK_OUT', event.eventId);
      });
      return answer.body;
    },
  );

  /** The reservation as this instance reads it, or 'forwarded' once the owner's answer was sent. */
  async function readReservation(
    confirmationNumber: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<ReservationView | undefined | 'forwarded'> {
    const reads = options.storeReads;
    if (reads === undefined) return ledger.get(confirmationNumber);
    const propertyId = await reads.properties.propertyOf(confirmationNumber);
    if (propertyId === undefined) return undefined;
    const view = await reads.route(request, reply, propertyId, () =>
      reads.reader.read(confirmationNumber, propertyId),
    );
    return view === FORWARDED ? 'forwarded' : view;
  }

  app.get<{ Params: ReservationParams }>(
    '/reservations/:confirmationNumber',
    { schema: getReservationSchema, config: BOOKING },
    async (request, reply) => {
      await requireOwnership(owners, request.principal, request.params.confirmationNumber);
      const view = await readReservation(request.params.confirmationNumber, request, reply);
      if (view === 'forwarded') return reply;
      if (view === undefined) {
        throw new NotFoundError(
          `reservation ${request.params.confirmationNumber}`,
          'a booking just made may take a moment to appear',
        );
      }
      return {
        confirmationNumber: view.confirmationNumber,
        propertyId: view.propertyId,
        guestId: view.guestId,
        status: view.status,
        stay: view.stay,
        detail: view.detail,
        history: view.history.map((h) => ({ ...h, occurredAt: new Date(h.occurredAt).toISOString() })),
      };
    },
  );
};
