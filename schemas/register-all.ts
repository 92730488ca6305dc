/**
 * Registers every schema of the catalog under its topic's value subject (and the DLQ envelope under each
 * `<topic>.dlq-value`), after giving each subject its compatibility level explicitly, and checks that each
 * schema in the repository is compatible with the version registered before. An incompatible change stops
 * with a {@link SchemaCompatibilityError} naming the subject and what broke.
 *
 * `npm run schemas:check` runs it against `SCHEMA_REGISTRY_URL` (default: a lone local stack's Apicurio).
 * Apicurio quirk: a subject with no config of its own reports the global level, so the level is always set
 * per subject rather than trusted to a default.
 */
import { fileURLToPath } from 'node:url';
import { SchemaCatalog } from './catalog.js';
import { loadTopicMap, type TopicMap } from './codegen.js';
import { SchemaCompatibilityError, SubjectNotFoundError } from './errors.js';
import { HttpSchemaRegistryClient } from './registry/http-schema-registry.js';
import {
  type CompatibilityLevel,
  DEFAULT_COMPATIBILITY,
  type SchemaRegistryClient,
} from './registry/schema-registry-client.js';

/** Full name of the dead-letter envelope, registered for the `.dlq` topic of every catalog topic. */
export const DEAD_LETTER_RECORD = 'com.hotel.dlq.DeadLetter';

/** Where a lone local stack serves Apicurio's Confluent API (`npm run stack:status` prints the real one). */
const LOCAL_REGISTRY_URL = 'http://127.0.0.1:8081/apis/ccompat/v7';

/** What happened to one subject. */
export interface SubjectOutcome {
  readonly subject: string;
  readonly recordName: string;
  readonly id: number;
  /** `registered` when this run added a version, `unchanged` when the same schema was there already. */
  readonly change: 'registered' | 'unchanged';
}

/** Options of {@link registerAll}. */
export interface RegisterAllOptions {
  readonly registry: SchemaRegistryClient;
  readonly catalog?: SchemaCatalog;
  readonly topics?: TopicMap;
  /** Level set on every subject; BACKWARD unless said. */
  readonly compatibility?: CompatibilityLevel;
  /** Prefix of every subject (tests use a unique one so runs do not collide). */
  readonly subjectPrefix?: string;
}

/** The subject -> record pairs the catalog defines: `<topic>-value` and `<topic>.dlq-value`. */
export function catalogSubjects(
  topics: TopicMap,
  prefix = '',
): Array<{ subject: string; recordName: string }> {
  return Object.entries(topics)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([topic, recordName]) => [
      { subject: `${prefix}${topic}-value`, recordName },
      { subject: `${prefix}${topic}.dlq-value`, recordName: DEAD_LETTER_RECORD },
    ]);
}

async function setLevel(registry: SchemaRegistryClient, subject: string, level: CompatibilityLevel) {
  try {
    await registry.setCompatibility(subject, level);
    return true;
  } catch (error) {
    // Some registries only accept a subject config once the subject exists.
    if (error instanceof SubjectNotFoundError) return false;
    throw error;
  }
}

/**
 * Sets the level of, checks and registers every catalog subject, in a stable order.
 * @throws SchemaCompatibilityError at the first subject whose schema in the repository breaks its level
 */
export async function registerAll(options: RegisterAllOptions): Promise<SubjectOutcome[]> {
  const { registry } = options;
  const catalog = options.catalog ?? SchemaCatalog.load();
  const topics = options.topics ?? loadTopicMap();
  const level = options.compatibility ?? DEFAULT_COMPATIBILITY;
  const outcomes: SubjectOutcome[] = [];
  for (const { subject, recordName } of catalogSubjects(topics, options.subjectPrefix)) {
    const schema = catalog.resolve(recordName);
    const levelSet = await setLevel(registry, subject, level);
    const existing = await registry.lookup(subject, schema);
    if (existing) {
      outcomes.push({ subject, recordName, id: existing.id, change: 'unchanged' });
      continue;
    }
    const check = await registry.testCompatibility(subject, schema);
    if (!check.compatible) throw new SchemaCompatibilityError(subject, level, check.messages);
    const id = await registry.register(subject, schema);
    if (!levelSet) await registry.setCompatibility(subject, level);
    outcomes.push({ subject, recordName, id, change: 'registered' });
  }
  return outcomes;
}

async function main(): Promise<number> {
  const url = process.env.SCHEMA_REGISTRY_URL ?? LOCAL_REGISTRY_URL;
  const registry = new HttpSchemaRegistryClient({ url });
  try {
    const outcomes = await registerAll({ registry });
    for (const outcome of outcomes) {
      console.log(
        `${outcome.change.padEnd(10)} ${outcome.subject} (id ${outcome.id}, ${outcome.recordName})`,
      );
    }
    const added = outcomes.filter((outcome) => outcome.change === 'registered').length;
    console.log(`schemas:check: ${outcomes.length} subjects compatible at ${url}, ${added} new version(s).`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
