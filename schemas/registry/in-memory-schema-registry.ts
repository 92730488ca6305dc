/**
 * A schema registry held in memory, with the same interface and the same compatibility rules as a real
 * one: for unit tests and the TopologyTestDriver (as Confluent's `mock://` registry serves Java users).
 * Ids are global and start at 1; an identical schema gets the same id under every subject.
 */
import {
  InvalidSchemaError,
  SchemaCompatibilityError,
  SchemaNotFoundError,
  SubjectNotFoundError,
} from '../errors.js';
import { avroTypeFor } from '../logical-types.js';
import { canonicalSchemaText, checkCompatibility } from './compatibility.js';
import {
  type CompatibilityLevel,
  type CompatibilityResult,
  DEFAULT_COMPATIBILITY,
  type RegisteredSchema,
  type SchemaRegistryClient,
  type SynchronousSchemaRegistry,
} from './schema-registry-client.js';

/** Options of {@link InMemorySchemaRegistry}. */
export interface InMemorySchemaRegistryOptions {
  /** Level of subjects that have none of their own; BACKWARD unless said. */
  readonly globalCompatibility?: CompatibilityLevel;
}

/** An in-process {@link SchemaRegistryClient}; also counts calls, so tests can prove a hot path makes none. */
export class InMemorySchemaRegistry implements SchemaRegistryClient, SynchronousSchemaRegistry {
  private readonly idsBySchema = new Map<string, number>();
  private readonly schemasById = new Map<number, string>();
  private readonly subjects = new Map<string, RegisteredSchema[]>();
  private readonly levels = new Map<string, CompatibilityLevel>();
  private readonly globalLevel: CompatibilityLevel;
  private nextId = 1;
  /** Number of calls made to this registry, per method name. */
  readonly calls = new Map<string, number>();

  constructor(options: InMemorySchemaRegistryOptions = {}) {
    this.globalLevel = options.globalCompatibility ?? DEFAULT_COMPATIBILITY;
  }

  /** Total number of calls of every method. */
  totalCalls(): number {
    let total = 0;
    for (const count of this.calls.values()) total += count;
    return total;
  }

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  async register(subject: string, schema: string | object): Promise<number> {
    return this.registerSync(subject, schema);
  }

  /** {@link register}, synchronously. */
  registerSync(subject: string, schema: string | object): number {
    this.count('register');
    const text = canonicalSchemaText(schema);
    try {
      avroTypeFor(text); // refuse invalid Avro as a registry would
    } catch (cause) {
      throw new InvalidSchemaError(
        `Schema for subject "${subject}" is not valid Avro: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const versions = this.subjects.get(subject) ?? [];
    const existing = versions.find((version) => version.schema === text);
    if (existing) return existing.id;
    const level = this.levelOf(subject);
    const result = checkCompatibility(
      level,
      text,
      versions.map((version) => version.schema),
    );
    if (!result.compatible) throw new SchemaCompatibilityError(subject, level, result.messages);
    let id = this.idsBySchema.get(text);
    if (id === undefined) {
      id = this.nextId++;
      this.idsBySchema.set(text, id);
      this.schemasById.set(id, text);
    }
    versions.push({ subject, id, version: versions.length + 1, schema: text });
    this.subjects.set(subject, versions);
    return id;
  }

  async lookup(subject: string, schema: string | object): Promise<RegisteredSchema | undefined> {
    return this.lookupSync(subject, schema);
  }

  /** {@link lookup}, synchronously. */
  lookupSync(subject: string, schema: string | object): RegisteredSchema | undefined {
    this.count('lookup');
    const text = canonicalSchemaText(schema);
    return this.subjects.get(subject)?.find((version) => version.schema === text);
  }

  async getSchemaById(id: number): Promise<string> {
    return this.getSchemaByIdSync(id);
  }

  /** {@link getSchemaById}, synchronously. */
  getSchemaByIdSync(id: number): string {
    this.count('getSchemaById');
    const schema = this.schemasById.get(id);
    if (schema === undefined) throw new SchemaNotFoundError(id);
    return schema;
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    return this.getLatestSync(subject);
  }

  /** {@link getLatest}, synchronously. */
  getLatestSync(subject: string): RegisteredSchema {
    this.count('getLatest');
    const latest = this.subjects.get(subject)?.at(-1);
    if (!latest) throw new SubjectNotFoundError(subject);
    return latest;
  }

  async getCompatibility(subject: string): Promise<CompatibilityLevel> {
    this.count('getCompatibility');
    return this.levelOf(subject);
  }

  async setCompatibility(subject: string, level: CompatibilityLevel): Promise<void> {
    this.count('setCompatibility');
    this.levels.set(subject, level);
  }

  async testCompatibility(subject: string, schema: string | object): Promise<CompatibilityResult> {
    this.count('testCompatibility');
    const versions = this.subjects.get(subject) ?? [];
    return checkCompatibility(
      this.levelOf(subject),
      canonicalSchemaText(schema),
      versions.map((version) => version.schema),
    );
  }

  /** Every subject with at least one version, sorted. */
  listSubjects(): string[] {
    return [...this.subjects.keys()].sort();
  }

  private levelOf(subject: string): CompatibilityLevel {
    return this.levels.get(subject) ?? this.globalLevel;
  }
}
