/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, as served by Confluent's
 * registry and by Apicurio Registry at `/apis/ccompat/v7`.
 *
 * Plain `fetch` rather than `@kafkajs/confluent-schema-registry`: that library's `register` insists that
 * the subject's level equals the one passed to it (and Apicurio reports the global level for a subject
 * with none of its own), its `getSchema` returns an avsc type parsed without our logical types, and it has
 * no public call for compatibility tests or subject config. Its wire format is the same as ours; the
 * integration tests check that each side reads the other's bytes.
 *
 * Network errors and 5xx answers are retried with backoff (100 ms doubling, 5 tries), then surface as a
 * retriable {@link RegistryUnavailableError}.
 */
import {
  InvalidSchemaError,
  RegistryRequestError,
  RegistryUnavailableError,
  SchemaCompatibilityError,
  SchemaNotFoundError,
  SubjectNotFoundError,
} from '../errors.js';
import { canonicalSchemaText, checkCompatibility } from './compatibility.js';
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  type CompatibilityResult,
  type RegisteredSchema,
  type SchemaRegistryClient,
} from './schema-registry-client.js';

/** Options of {@link HttpSchemaRegistryClient}. */
export interface HttpSchemaRegistryOptions {
  /** Base URL of the API, e.g. `http://127.0.0.1:8081/apis/ccompat/v7` for Apicurio. */
  readonly url: string;
  /** Per-request timeout; 10 s unless said. */
  readonly timeoutMs?: number;
  /** Tries per request on network errors and 5xx; 5 unless said. */
  readonly maxAttempts?: number;
  /** First backoff, doubled per try; 100 ms unless said. */
  readonly initialBackoffMs?: number;
  /** Extra headers, e.g. `Authorization`. */
  readonly headers?: Readonly<Record<string, string>>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

// Confluent API error codes (`error_code` in the JSON body).
const SUBJECT_NOT_FOUND = 40401;
const VERSION_NOT_FOUND = 40402;
const INCOMPATIBLE_SCHEMA = 409;
const INVALID_SCHEMA = 42201;

interface ErrorBody {
  error_code?: number;
  message?: string;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

function isLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** A Confluent-API schema registry over HTTP; see the module doc. */
export class HttpSchemaRegistryClient implements SchemaRegistryClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(options: HttpSchemaRegistryOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.headers = options.headers ?? {};
  }

  async register(subject: string, schema: string | object): Promise<number> {
    const answer = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema: canonicalSchemaText(schema),
    });
    if (answer.status === 200) return (answer.body as { id: number }).id;
    const error = answer.body as ErrorBody;
    if (answer.status === 409 || error.error_code === INCOMPATIBLE_SCHEMA) {
      const level = await this.getCompatibility(subject).catch(() => undefined);
      const detail = level ? await this.localDetail(subject, schema, level) : [];
      throw new SchemaCompatibilityError(subject, level ?? 'configured', [
        error.message ?? 'incompatible schema',
        ...detail,
      ]);
    }
    if (answer.status === 422 || error.error_code === INVALID_SCHEMA) {
      throw new InvalidSchemaError(
        `Registry refused the schema for subject "${subject}": ${error.message ?? ''}`,
      );
    }
    throw this.refused(`registering a schema under "${subject}"`, answer);
  }

  async lookup(subject: string, schema: string | object): Promise<RegisteredSchema | undefined> {
    const answer = await this.request('POST', `/subjects/${encodeURIComponent(subject)}`, {
      schema: canonicalSchemaText(schema),
    });
    if (answer.status === 200) return this.toRegistered(answer.body, subject);
    if (answer.status === 404) return undefined;
    throw this.refused(`looking up a schema under "${subject}"`, answer);
  }

  async getSchemaById(id: number): Promise<string> {
    const answer = await this.request('GET', `/schemas/ids/${id}`);
    if (answer.status === 200) return (answer.body as { schema: string }).schema;
    if (answer.status === 404) throw new SchemaNotFoundError(id);
    throw this.refused(`fetching schema id ${id}`, answer);
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    const answer = await this.request('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`);
    if (answer.status === 200) return this.toRegistered(answer.body, subject);
    if (answer.status === 404) throw new SubjectNotFoundError(subject);
    throw this.refused(`fetching the latest version of "${subject}"`, answer);
  }

  async getCompatibility(subject: string): Promise<CompatibilityLevel> {
    const own = await this.request('GET', `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`);
    const answer = own.status === 404 ? await this.request('GET', '/config') : own;
    if (answer.status !== 200) throw this.refused(`reading the compatibility of "${subject}"`, answer);
    const body = answer.body as { compatibilityLevel?: string; compatibility?: string };
    const level = body.compatibilityLevel ?? body.compatibility;
    if (!isLevel(level))
      throw this.refused(`reading the compatibility of "${subject}" (got ${level})`, answer);
    return level;
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    const answer = await this.request('PUT', `/config/${encodeURIComponent(subject)}`, {
      compatibility: level,
    });
    if (answer.status === 200) return;
    if (answer.status === 404) throw new SubjectNotFoundError(subject);
    throw this.refused(`setting the compatibility of "${subject}" to ${level}`, answer);
  }

  async testCompatibility(subject: string, schema: string | object): Promise<CompatibilityResult> {
    const answer = await this.request(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest?verbose=true`,
      { schema: canonicalSchemaText(schema) },
    );
    if (answer.status === 200) {
      const body = answer.body as { is_compatible: boolean; messages?: string[] };
      let messages = body.messages ?? [];
      if (!body.is_compatible && messages.length === 0) {
        // Apicurio ignores `verbose`: say what broke from the latest version, as the in-memory registry does.
        const level = await this.getCompatibility(subject);
        messages = await this.localDetail(subject, schema, level);
      }
      return { compatible: body.is_compatible, messages };
    }
    const error = answer.body as ErrorBody;
    // No version yet: anything may be registered, as the registry itself would accept it.
    if (error.error_code === SUBJECT_NOT_FOUND || error.error_code === VERSION_NOT_FOUND) {
      return { compatible: true, messages: [] };
    }
    if (answer.status === 404) return { compatible: true, messages: [] };
    if (answer.status === 409)
      return { compatible: false, messages: [error.message ?? 'incompatible schema'] };
    throw this.refused(`testing compatibility under "${subject}"`, answer);
  }

  /** What breaks between a schema and the subject's latest version, decided locally with avsc. */
  private async localDetail(
    subject: string,
    schema: string | object,
    level: CompatibilityLevel,
  ): Promise<string[]> {
    try {
      const latest = await this.getLatest(subject);
      return [
        ...checkCompatibility(level, canonicalSchemaText(schema), [latest.schema], latest.version).messages,
      ];
    } catch {
      return [];
    }
  }

  private toRegistered(body: unknown, subject: string): RegisteredSchema {
    const value = body as { subject?: string; id: number; version: number; schema: string };
    return { subject: value.subject ?? subject, id: value.id, version: value.version, schema: value.schema };
  }

  private refused(what: string, answer: Answer): RegistryRequestError {
    const error = (answer.body ?? {}) as ErrorBody;
    const detail = error.message ?? JSON.stringify(answer.body);
    return new RegistryRequestError(what, answer.status, error.error_code, detail);
  }

  /** One API call, retried on network errors and 5xx; any other status is returned to the caller. */
  private async request(method: string, path: string, body?: unknown): Promise<Answer> {
    const url = `${this.baseUrl}${path}`;
    let lastProblem = '';
    let lastCause: unknown;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      try {
        const response = await fetch(url, {
          method,
          headers: { Accept: CONTENT_TYPE, 'Content-Type': CONTENT_TYPE, ...this.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await response.text();
        let parsed: unknown;
        try {
          parsed = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          parsed = { message: text };
        }
        if (response.status < 500) return { status: response.status, body: parsed };
        lastProblem = `HTTP ${response.status} ${(parsed as ErrorBody | undefined)?.message ?? ''}`.trim();
      } catch (cause) {
        lastCause = cause;
        lastProblem = (cause as Error).message;
      }
      if (attempt < this.maxAttempts) {
        await new Promise((resolve) => setTimeout(resolve, this.initialBackoffMs * 2 ** (attempt - 1)));
      }
    }
    throw new RegistryUnavailableError(
      url,
      `${method} failed after ${this.maxAttempts} tries: ${lastProblem}`,
      lastCause === undefined ? {} : { cause: lastCause },
    );
  }
}
