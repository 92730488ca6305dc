/**
 * Coded errors of the HTTP API (`API_ERR_...`). Each has the HTTP status it maps to, a `retriable` flag
 * (may the same request succeed later?) and a message that names the thing and the fix. The error
 * handler (`http/error-handler.ts`) turns them into `{ statusCode, code, error, message }` bodies.
 */

/** Every code, with its HTTP status; `docs/api.md` lists them and a unit test keeps the two in sync. */
export const API_ERROR_CODES = {
  API_ERR_VALIDATION: 400,
  API_ERR_BUSINESS_RULE: 422,
  API_ERR_UNAUTHENTICATED: 401,
  API_ERR_FORBIDDEN: 403,
  API_ERR_NOT_FOUND: 404,
  API_ERR_IDEMPOTENCY_CONFLICT: 409,
  API_ERR_INVALID_TRANSITION: 409,
  API_ERR_IDEMPOTENCY_MISMATCH: 422,
  API_ERR_RATE_LIMITED: 429,
  API_ERR_PAYLOAD_TOO_LARGE: 413,
  API_ERR_UNAVAILABLE: 503,
  API_ERR_CONFIG: 500,
  API_ERR_INTERNAL: 500,
} as const;

/** A code of {@link API_ERROR_CODES}. */
export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** Base of every API error. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly retriable: boolean;
  /** Machine-readable details for the client (e.g. the fields at fault); never secrets. */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Seconds after which a retry may succeed (the `Retry-After` header), for retriable errors that know. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: {
      retriable?: boolean;
      cause?: unknown;
      details?: Record<string, unknown>;
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = API_ERROR_CODES[code];
    this.retriable = options.retriable ?? false;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The request breaks a business rule (unknown property, stay too long, ...): 422, nothing produced. */
export class BusinessRuleError extends ApiError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('API_ERR_BUSINESS_RULE', message, { details });
    this.name = 'BusinessRuleError';
  }
}

/** No or an unknown API key: 401. */
export class UnauthenticatedError extends ApiError {
  constructor(message = 'missing or unknown API key: send it in the `x-api-key` header') {
    super('API_ERR_UNAUTHENTICATED', message);
    this.name = 'UnauthenticatedError';
  }
}

/** The key's role may not call this route: 403. */
export class ForbiddenError extends ApiError {
  constructor(role: string, needed: readonly string[]) {
    super(
      'API_ERR_FORBIDDEN',
      `an API key with role ${role} may not call this route; it needs one of: ${needed.join(', ')}`,
    );
    this.name = 'ForbiddenError';
  }
}

/** The thing asked for does not exist (yet): 404. */
export class NotFoundError extends ApiError {
  constructor(what: string, hint = '') {
    super('API_ERR_NOT_FOUND', `${what} was not found${hint ? `; ${hint}` : ''}`);
    this.name = 'NotFoundError';
  }
}

/**
 * An Idempotency-Key is held by an attempt whose outcome is not known yet (still running, or its instance
 * died and its lease has not run out): 409, retry after `retryAfterSeconds` (the `Retry-After` header).
 */
export class IdempotencyConflictError extends ApiError {
  constructor(key: string, retryAfterSeconds: number) {
    super(
      'API_ERR_IDEMPOTENCY_CONFLICT',
      `a request with Idempotency-Key ${JSON.stringify(key)} is still in progress; retry after ${retryAfterSeconds} s (Retry-After) to get its answer`,
      { retriable: true, retryAfterSeconds, details: { retryAfterSeconds } },
    );
    this.name = 'IdempotencyConflictError';
  }
}

/** An Idempotency-Key was reused for a different request: 422. */
export class IdempotencyMismatchError extends ApiError {
  constructor(key: string) {
    super(
      'API_ERR_IDEMPOTENCY_MISMATCH',
      `Idempotency-Key ${JSON.stringify(key)} was already used for a different request; use a new key per distinct request`,
    );
    this.name = 'IdempotencyMismatchError';
  }
}

/** A dependency (Kafka, Redis, Postgres, the registry) failed: 503, retriable. */
export class UnavailableError extends ApiError {
  constructor(what: string, cause?: unknown) {
    super('API_ERR_UNAVAILABLE', `${what} is unavailable; retry later`, { retriable: true, cause });
    this.name = 'UnavailableError';
  }
}

/** The process is misconfigured (a missing or malformed environment variable). */
export class ConfigError extends ApiError {
  constructor(message: string) {
    super('API_ERR_CONFIG', message);
    this.name = 'ConfigError';
  }
}

/** The reservation is in a final status that the command cannot leave (e.g. cancel a checked-out stay): 409. */
export class InvalidTransitionError extends ApiError {
  constructor(confirmationNumber: string, status: string, action: string) {
    super(
      'API_ERR_INVALID_TRANSITION',
      `reservation ${confirmationNumber} is ${status}, a final status; ${action} is not possible any more`,
    );
    this.name = 'InvalidTransitionError';
  }
}
