/**
 * Coded errors of the schemas module. Every error has a stable `code` (listed in {@link SCHEMA_ERROR_CODES})
 * and a `retriable` flag, so that callers tell a registry outage (retry) from a bad schema (fix the code).
 *
 * Serialization errors on the record path are {@link SerdeError}s from the shared serde contract; they are
 * re-exported here so that everything the module throws can be imported from one place.
 */
export { SerdeError, type SerdeErrorCode } from './serde.js';

/** Every code a schemas-module error can carry (serde codes live in `serde.ts`). */
export const SCHEMA_ERROR_CODES = [
  'STRM_ERR_SCHEMA_INVALID',
  'STRM_ERR_SCHEMA_CATALOG',
  'STRM_ERR_SCHEMA_INCOMPATIBLE',
  'STRM_ERR_SCHEMA_NOT_FOUND',
  'STRM_ERR_SUBJECT_NOT_FOUND',
  'STRM_ERR_REGISTRY_UNAVAILABLE',
  'STRM_ERR_REGISTRY_REQUEST',
] as const;

export type SchemaErrorCode = (typeof SCHEMA_ERROR_CODES)[number];

/** Base class of the schemas module's errors (not thrown itself). */
export class SchemaError extends Error {
  readonly code: SchemaErrorCode;
  readonly retriable: boolean;

  constructor(
    code: SchemaErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** A schema that is not valid Avro (bad JSON, unknown type name, bad default). Fix the schema. */
export class InvalidSchemaError extends SchemaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('STRM_ERR_SCHEMA_INVALID', message, options);
  }
}

/** The `.avsc` catalog is inconsistent: a duplicate name or a reference to a type no file defines. */
export class SchemaCatalogError extends SchemaError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('STRM_ERR_SCHEMA_CATALOG', message, options);
  }
}

/**
 * A schema change breaks the compatibility level of its subject: the registry refused it, or a check said
 * so. `messages` says what broke (e.g. a field added without a default under BACKWARD).
 */
export class SchemaCompatibilityError extends SchemaError {
  readonly subject: string;
  readonly level: string;
  readonly messages: readonly string[];

  constructor(
    subject: string,
    level: string,
    messages: readonly string[],
    options: { cause?: unknown } = {},
  ) {
    const what = messages.length > 0 ? messages.join('; ') : 'the registry gave no detail';
    super(
      'STRM_ERR_SCHEMA_INCOMPATIBLE',
      `Schema for subject "${subject}" is not ${level}-compatible with the registered version: ${what}. ` +
        'Give new fields a default, keep removed fields optional, or register under a new subject.',
      options,
    );
    this.subject = subject;
    this.level = level;
    this.messages = messages;
  }
}

/** The registry has no schema with this id (the bytes name a schema this registry never issued). */
export class SchemaNotFoundError extends SchemaError {
  readonly schemaId: number;

  constructor(schemaId: number, options: { cause?: unknown } = {}) {
    super(
      'STRM_ERR_SCHEMA_NOT_FOUND',
      `Schema id ${schemaId} is not known to the schema registry; the record was written against another ` +
        'registry or the id is corrupt. Point the serde at the registry the producer used.',
      options,
    );
    this.schemaId = schemaId;
  }
}

/** The subject has no registered version (nothing to look up when auto-registration is off). */
export class SubjectNotFoundError extends SchemaError {
  readonly subject: string;

  constructor(subject: string, options: { cause?: unknown } = {}) {
    super(
      'STRM_ERR_SUBJECT_NOT_FOUND',
      `Subject "${subject}" has no registered schema (or not this one). Register it first ` +
        '(npm run schemas:check registers every schema) or enable autoRegister on the serde.',
      options,
    );
    this.subject = subject;
  }
}

/** The registry could not be reached or answered 5xx; retry later. */
export class RegistryUnavailableError extends SchemaError {
  constructor(url: string, detail: string, options: { cause?: unknown } = {}) {
    super(
      'STRM_ERR_REGISTRY_UNAVAILABLE',
      `Schema registry at ${url} is unavailable (${detail}); check SCHEMA_REGISTRY_URL and that it is running.`,
      { ...options, retriable: true },
    );
  }
}

/** The registry refused a request for another reason (4xx); the message carries its answer. */
export class RegistryRequestError extends SchemaError {
  readonly status: number;
  readonly registryErrorCode: number | undefined;

  constructor(what: string, status: number, registryErrorCode: number | undefined, detail: string) {
    super('STRM_ERR_REGISTRY_REQUEST', `Schema registry refused ${what}: HTTP ${status} ${detail}`);
    this.status = status;
    this.registryErrorCode = registryErrorCode;
  }
}
