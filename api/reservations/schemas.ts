/**
 * JSON schemas of the reservation routes: one source for request validation (ajv, no coercion, no
 * unknown fields) and for the OpenAPI document. The TypeScript shapes below mirror them by hand; the
 * route unit tests send every kind of bad input through the schemas.
 */
import { BookingChannelSymbols, CancellationReasonSymbols } from '../../schemas/generated/types.js';
import { errorResponses } from '../http/error-schema.js';

const CONFIRMATION_NUMBER_PATTERN = '^RSV-[0-9]{4}-[0-9]{6,15}$';
const CODE = { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' } as const;
const DATE = {
  type: 'string',
  format: 'date',
  description: 'Local date of the property, YYYY-MM-DD',
} as const;

/** The guest of a new reservation. */
export interface GuestInput {
  guestId?: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  loyaltyId?: string;
  countryCode?: string;
}

/** Body of `POST /reservations`. */
export interface CreateReservationBody {
  propertyId: string;
  roomType: string;
  checkInDate: string;
  checkOutDate: string;
  rooms: number;
  adults: number;
  children?: number;
  channel?: (typeof BookingChannelSymbols)[number];
  guest: GuestInput;
  paymentToken: string;
}

/** Body of `PATCH /reservations/:confirmationNumber`: the parts of the stay that change. */
export interface ModifyReservationBody {
  roomType?: string;
  checkInDate?: string;
  checkOutDate?: string;
  rooms?: number;
  adults?: number;
  children?: number;
  reason?: string;
}

/** Body of `POST /reservations/:confirmationNumber/cancel`. */
export interface CancelReservationBody {
  reason?: (typeof CancellationReasonSymbols)[number];
}

/** Body of `POST /reservations/:confirmationNumber/check-in`. */
export interface CheckInBody {
  roomNumbers: string[];
}

/** Body of `POST /reservations/:confirmationNumber/check-out`. */
export interface CheckOutBody {
  checkOutDate?: string;
}

/** Query of every write: `?wait=true` waits (bounded) for the pipeline's decision. */
export interface WaitQuery {
  wait?: 'true' | 'false';
}

/** Params of the routes on one reservation. */
export interface ReservationParams {
  confirmationNumber: string;
}

const guestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['firstName', 'lastName', 'email'],
  properties: {
    guestId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' },
    firstName: { type: 'string', minLength: 1, maxLength: 100 },
    lastName: { type: 'string', minLength: 1, maxLength: 100 },
    email: { type: 'string', format: 'email', maxLength: 254 },
    phone: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', description: 'E.164' },
    loyaltyId: { type: 'string', minLength: 1, maxLength: 64 },
    countryCode: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' },
  },
} as const;

const waitQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    wait: {
      type: 'string',
      enum: ['true', 'false'],
      description: 'true: wait (bounded) for the pipeline to decide before answering',
    },
  },
} as const;

const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['confirmationNumber'],
  properties: {
    confirmationNumber: {
      type: 'string',
      pattern: CONFIRMATION_NUMBER_PATTERN,
      description: 'e.g. RSV-2026-000042',
    },
  },
} as const;

const idempotencyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'A retried request with the same key gets the first answer and produces nothing new',
    },
  },
} as const;

/** What every write answers. */
export const reservationAnswerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['confirmationNumber', 'propertyId', 'status'],
  properties: {
    confirmationNumber: { type: 'string' },
    propertyId: { type: 'string' },
    status: {
      type: 'string',
      enum: ['PENDING', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'CHECKED_IN', 'CHECKED_OUT'],
    },
    requested: {
      type: 'string',
      enum: ['CREATE', 'MODIFY', 'CANCEL', 'CHECK_IN', 'CHECK_OUT'],
      description: 'The command this answer is about',
    },
    eventId: { type: 'string', description: 'Id of the event produced for the command' },
    decided: {
      type: 'boolean',
      description: 'With ?wait=true: true when the pipeline decided within the wait bound',
    },
    detail: { type: ['string', 'null'], description: 'Why a command was refused, when it was' },
  },
} as const;

const errors = errorResponses(400, 401, 403, 404, 409, 413, 422, 429, 503);

/** The stay fields a booking gives and a modification may change, validated alike. */
const stayProperties = {
  roomType: CODE,
  checkInDate: DATE,
  checkOutDate: DATE,
  rooms: { type: 'integer', minimum: 1, maximum: 99 },
  adults: { type: 'integer', minimum: 1, maximum: 99 },
  children: { type: 'integer', minimum: 0, maximum: 99 },
} as const;

/**
 * The schema of a command on an existing reservation (`PATCH` or `POST .../<action>`): its summary and
 * body, with the params, idempotency header and responses every such command shares (202 and the answer,
 * as the pipeline decides later).
 */
function reservationCommandSchema<const B extends object>(summary: string, body: B) {
  return {
    summary,
    tags: ['reservations'],
    headers: idempotencyHeaders,
    params: paramsSchema,
    body,
    response: { 202: reservationAnswerSchema, ...errors },
  } as const;
}

/** `POST /reservations`. */
export const createReservationSchema = {
  summary: 'Book rooms',
  description:
    'Validates the request, assigns a confirmation number and produces reservation.created. Answers 201 with status PENDING (or the decided status with ?wait=true).',
  tags: ['reservations'],
  headers: idempotencyHeaders,
  querystring: waitQuerySchema,
  body: {
    type: 'object',
    additionalProperties: false,
    required: [
      'propertyId',
      'roomType',
      'checkInDate',
      'checkOutDate',
      'rooms',
      'adults',
      'guest',
      'paymentToken',
    ],
    properties: {
      propertyId: CODE,
      ...stayProperties,
      channel: { type: 'string', enum: [...BookingChannelSymbols] },
      guest: guestSchema,
      paymentToken: {
        type: 'string',
        minLength: 8,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'Token of the payment method from the payment vault; never card data',
      },
    },
  },
  response: { 200: reservationAnswerSchema, 201: reservationAnswerSchema, ...errors },
} as const;

/** `PATCH /reservations/:confirmationNumber`. */
export const modifyReservationSchema = reservationCommandSchema(
  'Change the dates, room type or rooms of a reservation',
  {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { ...stayProperties, reason: { type: 'string', maxLength: 500 } },
  },
);

/** `POST /reservations/:confirmationNumber/cancel`. */
export const cancelReservationSchema = reservationCommandSchema(
  'Cancel a reservation (refund per the cancellation policy)',
  {
    type: ['object', 'null'],
    additionalProperties: false,
    properties: { reason: { type: 'string', enum: [...CancellationReasonSymbols] } },
  },
);

/** `POST /reservations/:confirmationNumber/check-in`. */
export const checkInSchema = reservationCommandSchema('Check the guest in (captures the payment)', {
  type: 'object',
  additionalProperties: false,
  required: ['roomNumbers'],
  properties: {
    roomNumbers: {
      type: 'array',
      minItems: 1,
      maxItems: 99,
      items: { type: 'string', minLength: 1, maxLength: 16 },
    },
  },
});

/** `POST /reservations/:confirmationNumber/check-out`. */
export const checkOutSchema = reservationCommandSchema('Check the guest out', {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: { checkOutDate: DATE },
});

/** `GET /reservations/:confirmationNumber`. */
export const getReservationSchema = {
  summary: 'A reservation and its status history',
  tags: ['reservations'],
  params: paramsSchema,
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['confirmationNumber', 'propertyId', 'status', 'stay', 'history'],
      properties: {
        confirmationNumber: { type: 'string' },
        propertyId: { type: 'string' },
        guestId: { type: 'string' },
        status: { type: 'string' },
        stay: {
          type: 'object',
          additionalProperties: false,
          properties: {
            roomType: { type: 'string' },
            checkInDate: { type: 'string' },
            checkOutDate: { type: 'string' },
            nights: { type: 'integer' },
            rooms: { type: 'integer' },
            adults: { type: 'integer' },
            children: { type: 'integer' },
          },
        },
        detail: { type: ['string', 'null'] },
        history: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              eventType: { type: 'string' },
              status: { type: ['string', 'null'] },
              occurredAt: { type: 'string', format: 'date-time' },
              detail: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
    ...errors,
  },
} as const;
