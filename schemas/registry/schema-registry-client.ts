/**
 * The one interface the serdes and scripts use to talk to a Confluent-compatible schema registry. Two
 * implementations: {@link HttpSchemaRegistryClient} (a real registry: Confluent, or Apicurio's
 * `/apis/ccompat/v7`) and {@link InMemorySchemaRegistry} (unit tests and the TopologyTestDriver, as
 * Confluent's `mock://` registry serves Java users).
 */

/** Compatibility levels of a subject, as the Confluent API names them. */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** The level a subject gets when nothing else is said: new readers read old data. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

/** A schema as registered under a subject. */
export interface RegisteredSchema {
  readonly subject: string;
  /** Global id, the one written into the wire format. */
  readonly id: number;
  /** Version within the subject, from 1. */
  readonly version: number;
  /** The schema's JSON text. */
  readonly schema: string;
}

/** The answer of a compatibility test. */
export interface CompatibilityResult {
  readonly compatible: boolean;
  /** What breaks, when incompatible (as detailed as the registry says). */
  readonly messages: readonly string[];
}

/** A Confluent-compatible schema registry. Schemas are Avro JSON text or an equivalent object. */
export interface SchemaRegistryClient {
  /**
   * Registers a schema under a subject (idempotent: an identical schema returns its existing id).
   * @returns the global schema id
   * @throws SchemaCompatibilityError when the subject's compatibility level refuses it
   */
  register(subject: string, schema: string | object): Promise<number>;
  /**
   * The registration of exactly this schema under a subject, or `undefined` when it is not registered.
   */
  lookup(subject: string, schema: string | object): Promise<RegisteredSchema | undefined>;
  /**
   * The schema text of a global id.
   * @throws SchemaNotFoundError when the registry never issued that id
   */
  getSchemaById(id: number): Promise<string>;
  /**
   * The latest version of a subject.
   * @throws SubjectNotFoundError when the subject has no version
   */
  getLatest(subject: string): Promise<RegisteredSchema>;
  /** The subject's own compatibility level, or the global one when it has none. */
  getCompatibility(subject: string): Promise<CompatibilityLevel>;
  /** Sets the subject's compatibility level (works before the subject's first version). */
  setCompatibility(subject: string, level: CompatibilityLevel): Promise<void>;
  /**
   * Whether a schema could be registered under the subject at its level (compatible with the latest
   * version, or all versions for the transitive levels). A subject with no version accepts anything.
   */
  testCompatibility(subject: string, schema: string | object): Promise<CompatibilityResult>;
}

/**
 * A registry that can also answer synchronously because it lives in the process (the in-memory one).
 * An Avro serde over such a registry prepares itself on first use, so it works where nobody awaits
 * `prepare`/`prepareBatch`, e.g. in the TopologyTestDriver, as Confluent's `mock://` registry does in Java.
 */
export interface SynchronousSchemaRegistry {
  registerSync(subject: string, schema: string | object): number;
  lookupSync(subject: string, schema: string | object): RegisteredSchema | undefined;
  getSchemaByIdSync(id: number): string;
  getLatestSync(subject: string): RegisteredSchema;
}

/** True when the registry also answers synchronously (see {@link SynchronousSchemaRegistry}). */
export function isSynchronousRegistry(
  registry: SchemaRegistryClient,
): registry is SchemaRegistryClient & SynchronousSchemaRegistry {
  return typeof (registry as Partial<SynchronousSchemaRegistry>).registerSync === 'function';
}
