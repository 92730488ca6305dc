/**
 * An Avro {@link Serde} over a Confluent-compatible schema registry, in the Confluent wire format.
 *
 * The hot path is synchronous and makes no network call: `prepare(context)` registers (or looks up) the
 * writer schema of a topic once and caches its id, and `prepareBatch(payloads)` fetches the writer schemas
 * of ids not seen before and builds a resolver from each into the serde's own (reader) schema. A record
 * written with an older or newer compatible schema is then read as the reader's type: fields added with a
 * default are filled in, fields the reader does not know are skipped.
 *
 * @example
 * const serde = avroSerde(ReservationCreatedSchema, { registry });
 * await serde.prepare({ topic: 'reservation.created', isKey: false });
 * const bytes = serde.serialize(event, { topic: 'reservation.created', isKey: false });
 */
import type avro from 'avsc';
import { SchemaNotFoundError, SubjectNotFoundError } from './errors.js';
import { avroTypeFor } from './logical-types.js';
import { canonicalSchemaText } from './registry/compatibility.js';
import {
  isSynchronousRegistry,
  type SchemaRegistryClient,
  type SynchronousSchemaRegistry,
} from './registry/schema-registry-client.js';
import { type Serde, type SerdeContext, SerdeError } from './serde.js';
import { type SubjectNameStrategy, topicNameStrategy } from './subject-name-strategy.js';
import type { AvroSchemaDefinition } from './typed-schema.js';
import { readSchemaId, WIRE_HEADER_SIZE } from './wire-format.js';

/** Options of {@link avroSerde}. */
export interface AvroSerdeOptions {
  readonly registry: SchemaRegistryClient;
  /** How subjects are named; {@link topicNameStrategy} (`<topic>-value`) unless said. */
  readonly subjectNameStrategy?: SubjectNameStrategy;
  /**
   * Register the serde's schema under the subject on `prepare` (default true). Off, the schema must be
   * registered already (e.g. by `npm run schemas:check` in a deployment pipeline) and is looked up.
   */
  readonly autoRegister?: boolean;
  /**
   * With `autoRegister` off: write with the subject's latest version instead of looking up this exact
   * schema (Confluent's `use.latest.version`); values are then encoded with that schema.
   */
  readonly useLatestVersion?: boolean;
}

interface Writer {
  readonly id: number;
  readonly type: avro.Type;
}

interface Reader {
  readonly type: avro.Type;
  /** Absent when the writer schema is the reader's own: decode directly. */
  readonly resolver?: ReturnType<avro.Type['createResolver']>;
}

function contextKey(context: SerdeContext): string {
  return `${context.isKey ? 'key' : 'value'}:${context.topic}`;
}

/** A typed Avro serde for the records of one schema; see the module doc. */
export class AvroSerde<T> implements Serde<T> {
  readonly name: string;
  /** Full name of the record, e.g. `com.hotel.reservation.ReservationCreated`. */
  readonly recordName: string;
  private readonly readerType: avro.Type;
  private readonly readerText: string;
  private readonly registry: SchemaRegistryClient;
  private readonly subjectName: SubjectNameStrategy;
  private readonly autoRegister: boolean;
  private readonly useLatestVersion: boolean;
  /** Writer per topic and key/value, filled by `prepare`. */
  private readonly writers = new Map<string, Writer>();
  private readonly pendingWriters = new Map<string, Promise<void>>();
  /** Reader per writer schema id, filled by `prepare`/`prepareBatch`. */
  private readonly readers = new Map<number, Reader>();
  /** Ids that can never be read (unknown to the registry, or an incompatible writer schema). */
  private readonly failedIds = new Map<number, SerdeError>();
  private readonly pendingIds = new Map<number, Promise<void>>();
  /** Reused encode buffer: one copy per record instead of two. */
  private scratch = Buffer.allocUnsafe(4096);

  constructor(definition: AvroSchemaDefinition<T>, options: AvroSerdeOptions) {
    this.recordName = definition.name;
    this.name = `avro(${definition.name.slice(definition.name.lastIndexOf('.') + 1)})`;
    this.readerType = avroTypeFor(definition.schema);
    this.readerText = canonicalSchemaText(definition.schema);
    this.registry = options.registry;
    this.subjectName = options.subjectNameStrategy ?? topicNameStrategy;
    this.autoRegister = options.autoRegister ?? true;
    this.useLatestVersion = options.useLatestVersion ?? false;
  }

  /** The subject this serde uses for a topic, by its naming strategy. */
  subjectFor(context: SerdeContext): string {
    return this.subjectName({ topic: context.topic, isKey: context.isKey, recordName: this.recordName });
  }

  /**
   * Registers or looks up the writer schema of `context.topic` and caches its id; idempotent and cheap
   * once done. Rejects with a `SchemaError` (e.g. `SchemaCompatibilityError`, or a retriable
   * `RegistryUnavailableError`).
   */
  prepare(context: SerdeContext): Promise<void> {
    const key = contextKey(context);
    if (this.writers.has(key)) return Promise.resolve();
    let pending = this.pendingWriters.get(key);
    if (!pending) {
      pending = this.resolveWriter(context)
        .then((writer) => {
          this.writers.set(key, writer);
        })
        .finally(() => this.pendingWriters.delete(key));
      this.pendingWriters.set(key, pending);
    }
    return pending;
  }

  private async resolveWriter(context: SerdeContext): Promise<Writer> {
    const subject = this.subjectFor(context);
    if (this.autoRegister)
      return this.installWriter(subject, { id: await this.registry.register(subject, this.readerText) });
    if (this.useLatestVersion) return this.installWriter(subject, await this.registry.getLatest(subject));
    return this.installWriter(subject, await this.registry.lookup(subject, this.readerText));
  }

  /** `prepare`, done synchronously on first use when the registry lives in the process. */
  private resolveWriterSync(context: SerdeContext, registry: SynchronousSchemaRegistry): Writer {
    const subject = this.subjectFor(context);
    if (this.autoRegister)
      return this.installWriter(subject, { id: registry.registerSync(subject, this.readerText) });
    if (this.useLatestVersion) return this.installWriter(subject, registry.getLatestSync(subject));
    return this.installWriter(subject, registry.lookupSync(subject, this.readerText));
  }

  /** The writer for a registration: our own schema's id, or (latest version) the registered schema. */
  private installWriter(subject: string, registered: { id: number; schema?: string } | undefined): Writer {
    if (!registered) throw new SubjectNotFoundError(subject);
    if (registered.schema !== undefined && canonicalSchemaText(registered.schema) !== this.readerText) {
      this.installReader(registered.id, registered.schema);
      return { id: registered.id, type: avroTypeFor(registered.schema) };
    }
    this.readers.set(registered.id, { type: this.readerType });
    return { id: registered.id, type: this.readerType };
  }

  /**
   * Fetches the writer schema of every id in the batch not seen before (once per id, concurrently), so
   * that `deserialize` of each payload is synchronous. Payloads that are not in the wire format are left
   * for `deserialize` to reject one by one. An id the registry does not know is remembered and fails its
   * records with `STRM_ERR_SERDE_UNKNOWN_SCHEMA`; a registry outage rejects the whole call (retriable).
   */
  async prepareBatch(payloads: ReadonlyArray<Buffer | null>, _context?: SerdeContext): Promise<void> {
    const ids = new Set<number>();
    for (const payload of payloads) {
      if (payload === null || payload.length < WIRE_HEADER_SIZE || payload[0] !== 0) continue;
      const id = payload.readUInt32BE(1);
      if (!this.readers.has(id) && !this.failedIds.has(id)) ids.add(id);
    }
    await Promise.all([...ids].map((id) => this.prepareId(id)));
  }

  private prepareId(id: number): Promise<void> {
    if (this.readers.has(id) || this.failedIds.has(id)) return Promise.resolve();
    let pending = this.pendingIds.get(id);
    if (!pending) {
      pending = this.fetchReader(id).finally(() => this.pendingIds.delete(id));
      this.pendingIds.set(id, pending);
    }
    return pending;
  }

  private async fetchReader(id: number): Promise<void> {
    let writerText: string;
    try {
      writerText = await this.registry.getSchemaById(id);
    } catch (error) {
      if (!(error instanceof SchemaNotFoundError)) throw error;
      this.installUnknown(id, error);
      return;
    }
    this.installReader(id, writerText);
  }

  private fetchReaderSync(id: number, registry: SynchronousSchemaRegistry): void {
    let writerText: string;
    try {
      writerText = registry.getSchemaByIdSync(id);
    } catch (error) {
      if (!(error instanceof SchemaNotFoundError)) throw error;
      this.installUnknown(id, error);
      return;
    }
    this.installReader(id, writerText);
  }

  private installUnknown(id: number, error: SchemaNotFoundError): void {
    this.failedIds.set(
      id,
      new SerdeError('STRM_ERR_SERDE_UNKNOWN_SCHEMA', `${this.name}: ${error.message}`, { cause: error }),
    );
  }

  /** Caches how to read records of writer schema `id`: directly, through a resolver, or not at all. */
  private installReader(id: number, writerText: string): void {
    if (canonicalSchemaText(writerText) === this.readerText) {
      this.readers.set(id, { type: this.readerType });
      return;
    }
    try {
      const writerType = avroTypeFor(writerText);
      this.readers.set(id, { type: this.readerType, resolver: this.readerType.createResolver(writerType) });
    } catch (cause) {
      this.failedIds.set(
        id,
        new SerdeError(
          'STRM_ERR_SERDE_DECODE',
          `${this.name} cannot read records written with schema id ${id}: ${(cause as Error).message}. ` +
            'The writer schema is not compatible with the reader schema; check the subject compatibility level.',
          { cause },
        ),
      );
    }
  }

  /**
   * Encodes a value in the wire format with the topic's writer schema id; `null` stays `null`.
   * Over an in-process registry (the in-memory one) an unprepared context is prepared on first use.
   * @throws SerdeError `STRM_ERR_SERDE_NOT_PREPARED` before `prepare(context)`, `STRM_ERR_SERDE_ENCODE`
   *   when the value does not match the schema (the message names the invalid fields).
   */
  serialize(value: T, context: SerdeContext): Buffer | null {
    if (value === null) return null;
    const writer = this.writers.get(contextKey(context)) ?? this.prepareOnFirstUse(context);
    let end: number;
    try {
      this.scratch.writeUInt8(0, 0);
      this.scratch.writeUInt32BE(writer.id, 1);
      end = writer.type.encode(value, this.scratch, WIRE_HEADER_SIZE);
      if (end < 0) {
        // avsc returns minus the number of missing bytes: grow and encode again.
        this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
        this.scratch.writeUInt8(0, 0);
        this.scratch.writeUInt32BE(writer.id, 1);
        end = writer.type.encode(value, this.scratch, WIRE_HEADER_SIZE);
      }
    } catch (cause) {
      throw new SerdeError(
        'STRM_ERR_SERDE_ENCODE',
        `${this.name} cannot encode a value for ${context.topic}: ${this.invalidPaths(writer.type, value)}`,
        { cause },
      );
    }
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }

  /**
   * Decodes a wire-format record into the reader type, resolving from its writer schema; `null` (a
   * tombstone) stays `null`.
   * @throws SerdeError `STRM_ERR_SERDE_WIRE_FORMAT` (no magic byte/id), `STRM_ERR_SERDE_UNKNOWN_SCHEMA`
   *   (id unknown to the registry), `STRM_ERR_SERDE_DECODE` (body does not decode, or an incompatible
   *   writer schema), `STRM_ERR_SERDE_NOT_PREPARED` (id not fetched: call `prepareBatch` first).
   */
  deserialize(data: Buffer | null, context: SerdeContext): T {
    // A tombstone has no schema; callers that read tombstones type their values `T | null`.
    if (data === null) return null as T;
    const id = readSchemaId(data, context.topic);
    const reader = this.readers.get(id) ?? this.fetchOnFirstUse(id);
    if (!reader) {
      const failed = this.failedIds.get(id);
      if (failed) throw failed;
      throw this.notPrepared(`schema id ${id} on ${context.topic}`, 'await serde.prepareBatch(payloads)');
    }
    try {
      return reader.type.fromBuffer(data.subarray(WIRE_HEADER_SIZE), reader.resolver) as T;
    } catch (cause) {
      throw new SerdeError(
        'STRM_ERR_SERDE_DECODE',
        `${this.name} cannot decode a record of ${context.topic} written with schema id ${id}: ` +
          `${(cause as Error).message}. The body is corrupt or was not written with that schema.`,
        { cause },
      );
    }
  }

  /** The writer of a context that was not prepared: made now if the registry is in-process, else an error. */
  private prepareOnFirstUse(context: SerdeContext): Writer {
    if (!isSynchronousRegistry(this.registry)) {
      throw this.notPrepared(`serialize for ${contextKey(context)}`, 'await serde.prepare(context)');
    }
    let writer: Writer;
    try {
      writer = this.resolveWriterSync(context, this.registry);
    } catch (cause) {
      throw new SerdeError(
        'STRM_ERR_SERDE_ENCODE',
        `${this.name} cannot register its schema for ${context.topic}: ${(cause as Error).message}`,
        { cause },
      );
    }
    this.writers.set(contextKey(context), writer);
    return writer;
  }

  /** The reader of an id not fetched yet, fetched now if the registry is in-process. */
  private fetchOnFirstUse(id: number): Reader | undefined {
    if (this.failedIds.has(id) || !isSynchronousRegistry(this.registry)) return undefined;
    this.fetchReaderSync(id, this.registry);
    return this.readers.get(id);
  }

  private notPrepared(what: string, fix: string): SerdeError {
    return new SerdeError(
      'STRM_ERR_SERDE_NOT_PREPARED',
      `${this.name} is not prepared for ${what}: ${fix} first (the runtime does this before the record loop).`,
    );
  }

  private invalidPaths(type: avro.Type, value: unknown): string {
    const problems: string[] = [];
    type.isValid(value, {
      errorHook: (path, invalid) => {
        problems.push(`${path.join('.') || '(root)'} = ${JSON.stringify(invalid) ?? String(invalid)}`);
      },
    });
    return problems.length > 0
      ? `invalid field(s) ${problems.join(', ')}`
      : 'the value does not match the schema';
  }
}

/**
 * A typed Avro serde for a schema definition (e.g. the generated `ReservationCreatedSchema`).
 * @example
 * const serde = avroSerde(ReservationCreatedSchema, { registry, autoRegister: false });
 */
export function avroSerde<T>(definition: AvroSchemaDefinition<T>, options: AvroSerdeOptions): AvroSerde<T> {
  return new AvroSerde(definition, options);
}
