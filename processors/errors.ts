/**
 * Coded errors of the reservation domain (`processors/`).
 *
 * Business outcomes (a sold-out night, a declined card, a refused status transition) are NOT errors: the
 * domain functions return them as values, because they are ordinary results that become events. These
 * classes are for what must not happen silently: bad reference data, malformed input that slipped past
 * the API, a raw card number where a token belongs, a payment gateway that cannot be reached.
 */

/** Every code a reservation-domain error can carry; each is explained in `docs/reservation-errors.md`. */
export const RESERVATION_ERROR_CODES = [
  'RSV_ERR_REFERENCE_DATA',
  'RSV_ERR_UNKNOWN_PROPERTY',
  'RSV_ERR_UNKNOWN_ROOM_TYPE',
  'RSV_ERR_INVALID_DATE',
  'RSV_ERR_INVALID_MONEY',
  'RSV_ERR_CURRENCY_MISMATCH',
  'RSV_ERR_INVALID_CONFIRMATION_NUMBER',
  'RSV_ERR_RAW_CARD_DATA',
  'RSV_ERR_PRICING_CONFIG',
  'RSV_ERR_PAYMENT_UNAVAILABLE',
  'RSV_ERR_PAYMENT_CIRCUIT_OPEN',
  'RSV_ERR_PAYMENT_REQUEST',
] as const;

/** A reservation-domain error code. */
export type ReservationErrorCode = (typeof RESERVATION_ERROR_CODES)[number];

/** Base class: a code, whether retrying the same call may succeed, and an optional cause. */
export class ReservationError extends Error {
  readonly code: ReservationErrorCode;
  /** True when retrying the same operation later may succeed (e.g. the payment gateway was down). */
  readonly retriable: boolean;
  /** The message without the code prefix, for embedding in another message. */
  readonly detail: string;

  constructor(
    code: ReservationErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(`${code}: ${message}`, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.detail = message;
  }
}

/** The reference data (properties, room types, rates) is malformed; the message lists every problem. */
export class ReferenceDataError extends ReservationError {
  /** One line per problem, each naming the JSON path, e.g. `properties[1].roomTypes[0].capacity`. */
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(
      'RSV_ERR_REFERENCE_DATA',
      `reference data in ${source} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}); ` +
        `fix these entries and reload:\n  - ${problems.join('\n  - ')}`,
    );
    this.problems = problems;
  }
}

/** A property id that the reference data does not know. */
export class UnknownPropertyError extends ReservationError {
  constructor(propertyId: string) {
    super(
      'RSV_ERR_UNKNOWN_PROPERTY',
      `property "${propertyId}" is not in the reference data; add it to the property catalog or fix the id`,
    );
  }
}

/** A room type code that the property does not offer. */
export class UnknownRoomTypeError extends ReservationError {
  constructor(propertyId: string, roomTypeCode: string, known: readonly string[]) {
    super(
      'RSV_ERR_UNKNOWN_ROOM_TYPE',
      `property "${propertyId}" has no room type "${roomTypeCode}"; it offers: ${known.join(', ')}`,
    );
  }
}

/** A date that is not a real calendar date in `YYYY-MM-DD` form. */
export class InvalidDateError extends ReservationError {
  constructor(value: unknown, what = 'date') {
    super(
      'RSV_ERR_INVALID_DATE',
      `${what} ${JSON.stringify(value)} is not a calendar date; use YYYY-MM-DD, e.g. 2026-03-14`,
    );
  }
}

/** A money amount that is not an exact decimal or not a safe integer number of minor units. */
export class InvalidMoneyError extends ReservationError {
  constructor(message: string) {
    super('RSV_ERR_INVALID_MONEY', message);
  }
}

/** Two amounts in different currencies were combined. */
export class CurrencyMismatchError extends ReservationError {
  constructor(left: string, right: string) {
    super(
      'RSV_ERR_CURRENCY_MISMATCH',
      `cannot combine ${left} and ${right} amounts; convert one of them first`,
    );
  }
}

/** A string that is not a confirmation number `RSV-<year>-<sequence>`. */
export class InvalidConfirmationNumberError extends ReservationError {
  constructor(value: string, why: string) {
    super(
      'RSV_ERR_INVALID_CONFIRMATION_NUMBER',
      `"${value}" is not a confirmation number (${why}); expected RSV-<year>-<sequence>, e.g. RSV-2026-000042`,
    );
  }
}

/**
 * Something that looks like a raw card number (a PAN) was passed where a payment token belongs. The value
 * itself is never put in the message: card data must never reach a log.
 */
export class RawCardDataError extends ReservationError {
  constructor(field: string) {
    super(
      'RSV_ERR_RAW_CARD_DATA',
      `${field} looks like a raw card number; card data must never enter the pipeline: ` +
        'tokenize the card with the payment provider and send the token instead',
    );
  }
}

/** The pricing configuration (tiers, cap, pace) is inconsistent. */
export class PricingConfigError extends ReservationError {
  constructor(message: string) {
    super('RSV_ERR_PRICING_CONFIG', message);
  }
}

/** The payment gateway could not be reached or answered with a transient failure; retry later. */
export class PaymentUnavailableError extends ReservationError {
  constructor(operation: string, detail: string, options: { cause?: unknown } = {}) {
    super(
      'RSV_ERR_PAYMENT_UNAVAILABLE',
      `payment gateway ${operation} failed transiently (${detail}); the call is retried with backoff`,
      { cause: options.cause, retriable: true },
    );
  }
}

/** The circuit breaker around the gateway is open: calls fail fast until it half-opens again. */
export class PaymentCircuitOpenError extends ReservationError {
  constructor(operation: string, options: { cause?: unknown } = {}) {
    super(
      'RSV_ERR_PAYMENT_CIRCUIT_OPEN',
      `payment gateway circuit is open, ${operation} not attempted; it is probed again after the reset timeout`,
      { cause: options.cause, retriable: true },
    );
  }
}

/** The gateway refused the request itself (unknown authorisation, amount above what was authorised). */
export class PaymentRequestError extends ReservationError {
  constructor(message: string) {
    super('RSV_ERR_PAYMENT_REQUEST', message);
  }
}
