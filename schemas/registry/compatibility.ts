/**
 * The compatibility rules of a schema registry, decided the way Avro itself decides them: a reader schema
 * can read data written with a writer schema when avsc can build a resolver between them (fields added
 * with defaults, removed fields ignored, promoted primitives, enum defaults, aliases).
 */
import { InvalidSchemaError } from '../errors.js';
import { avroTypeFor } from '../logical-types.js';
import type { CompatibilityLevel, CompatibilityResult } from './schema-registry-client.js';

/** A schema as JSON text without insignificant whitespace: the identity used to deduplicate schemas. */
export function canonicalSchemaText(schema: string | object): string {
  try {
    return JSON.stringify(typeof schema === 'string' ? JSON.parse(schema) : schema);
  } catch (cause) {
    throw new InvalidSchemaError(`Schema is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

function parse(schema: string, what: string) {
  try {
    return avroTypeFor(schema);
  } catch (cause) {
    throw new InvalidSchemaError(`${what} is not a valid Avro schema: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Why `reader` cannot read data written with `writer`, or undefined when it can. */
export function readProblem(reader: string, writer: string): string | undefined {
  const readerType = parse(reader, 'The reader schema');
  const writerType = parse(writer, 'The writer schema');
  try {
    readerType.createResolver(writerType);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Checks a candidate schema against the registered versions of a subject (oldest first) at a level.
 * Non-transitive levels compare with the latest version only, as Confluent's registry does.
 * `firstVersion` is the version number of `registered[0]`, for messages (when only recent ones are given).
 */
export function checkCompatibility(
  level: CompatibilityLevel,
  candidate: string,
  registered: readonly string[],
  firstVersion = 1,
): CompatibilityResult {
  if (level === 'NONE' || registered.length === 0) return { compatible: true, messages: [] };
  const transitive = level.endsWith('_TRANSITIVE');
  const base = level.replace('_TRANSITIVE', '');
  const firstIndex = transitive ? 0 : registered.length - 1;
  const messages: string[] = [];
  for (let index = firstIndex; index < registered.length; index += 1) {
    const existing = registered[index]!;
    const version = index + firstVersion;
    if (base === 'BACKWARD' || base === 'FULL') {
      const problem = readProblem(candidate, existing);
      if (problem)
        messages.push(`the new schema cannot read data written with version ${version} (${problem})`);
    }
    if (base === 'FORWARD' || base === 'FULL') {
      const problem = readProblem(existing, candidate);
      if (problem)
        messages.push(`version ${version} cannot read data written with the new schema (${problem})`);
    }
  }
  return { compatible: messages.length === 0, messages };
}
