/**
 * The `.avsc` catalog: every named type of `schemas/avro/**`, one per file, with shared types
 * (`com.hotel.common.Money`, ...) referenced by full name. A schema registry wants each schema
 * self-contained, so {@link SchemaCatalog.resolve} inlines the definition of every referenced type at its
 * first use (later uses stay references), as the Avro Maven plugin's "imports" do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidSchemaError, SchemaCatalogError } from './errors.js';
import { avroTypeFor } from './logical-types.js';

/** The folder of this repository's `.avsc` files. */
export const DEFAULT_AVRO_DIR = fileURLToPath(new URL('./avro/', import.meta.url));

/** An Avro schema as parsed JSON. */
export type AvroJson =
  | string
  | AvroJson[]
  | { [key: string]: AvroJson | undefined }
  | number
  | boolean
  | null;

type AvroObject = { [key: string]: AvroJson | undefined };

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** One named type as read from its file. */
export interface CatalogEntry {
  /** Full name, e.g. `com.hotel.reservation.ReservationCreated`. */
  readonly fullName: string;
  /** Path relative to the catalog folder, e.g. `reservation/ReservationCreated.avsc`. */
  readonly file: string;
  /** The schema as written in the file (references not inlined). */
  readonly schema: AvroObject;
}

function isObject(value: AvroJson | undefined): value is AvroObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fullNameOf(schema: AvroObject, enclosingNamespace: string | undefined): string {
  const name = String(schema.name);
  if (name.includes('.')) return name;
  const namespace = typeof schema.namespace === 'string' ? schema.namespace : enclosingNamespace;
  return namespace ? `${namespace}.${name}` : name;
}

function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? undefined : fullName.slice(0, dot);
}

/** The named types of a folder of `.avsc` files, and their self-contained (resolved) schemas. */
export class SchemaCatalog {
  private readonly entries = new Map<string, CatalogEntry>();

  /** Builds a catalog from entries; throws {@link SchemaCatalogError} on a duplicate full name. */
  constructor(entries: Iterable<CatalogEntry>) {
    for (const entry of entries) {
      const existing = this.entries.get(entry.fullName);
      if (existing) {
        throw new SchemaCatalogError(
          `Type ${entry.fullName} is defined twice, in ${existing.file} and ${entry.file}; keep one file per type.`,
        );
      }
      this.entries.set(entry.fullName, entry);
    }
  }

  /** Reads every `*.avsc` under `dir` (recursively, in sorted order so output is deterministic). */
  static load(dir: string = DEFAULT_AVRO_DIR): SchemaCatalog {
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.avsc'))
      .sort();
    return new SchemaCatalog(
      files.map((file) => {
        const path = join(dir, file);
        let schema: AvroJson;
        try {
          schema = JSON.parse(readFileSync(path, 'utf8')) as AvroJson;
        } catch (cause) {
          throw new InvalidSchemaError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause });
        }
        if (!isObject(schema) || typeof schema.name !== 'string') {
          throw new SchemaCatalogError(
            `${file} must hold one named type (record, enum or fixed) with a "name".`,
          );
        }
        return { fullName: fullNameOf(schema, undefined), file: relative(dir, path), schema };
      }),
    );
  }

  /** Every entry, sorted by full name. */
  list(): CatalogEntry[] {
    return [...this.entries.values()].sort((a, b) => a.fullName.localeCompare(b.fullName));
  }

  /** The entry of a full name, or undefined. */
  get(fullName: string): CatalogEntry | undefined {
    return this.entries.get(fullName);
  }

  /** The record types that are events: every record outside the `common` namespace. */
  events(): CatalogEntry[] {
    return this.list().filter(
      (entry) => entry.schema.type === 'record' && !entry.fullName.includes('.common.'),
    );
  }

  /**
   * The self-contained schema of a type: each referenced catalog type is inlined at its first use.
   * Validated by parsing it with avsc, so a bad default or an unknown name fails here, naming the file.
   */
  resolve(fullName: string): AvroObject {
    const entry = this.entries.get(fullName);
    if (!entry) throw new SchemaCatalogError(`No .avsc file defines ${fullName}.`);
    const defined = new Set<string>();
    const resolved = this.inline(entry.schema, namespaceOf(fullName), defined, entry.file) as AvroObject;
    try {
      avroTypeFor(resolved);
    } catch (cause) {
      throw new InvalidSchemaError(`${entry.file} is not a valid Avro schema: ${(cause as Error).message}`, {
        cause,
      });
    }
    return resolved;
  }

  private inline(
    schema: AvroJson,
    namespace: string | undefined,
    defined: Set<string>,
    file: string,
  ): AvroJson {
    if (typeof schema === 'string') {
      if (PRIMITIVES.has(schema)) return schema;
      const fullName = schema.includes('.') || !namespace ? schema : `${namespace}.${schema}`;
      if (defined.has(fullName) || defined.has(schema)) return schema;
      const target = this.entries.get(fullName) ?? this.entries.get(schema);
      if (!target) {
        throw new SchemaCatalogError(
          `${file} refers to type "${schema}", which no .avsc file defines; use the full name ` +
            '(e.g. com.hotel.common.Money) or add the file.',
        );
      }
      // The inlined definition keeps its own namespace so its unqualified names still resolve.
      const copy: AvroObject = { ...target.schema, namespace: namespaceOf(target.fullName) };
      return this.inline(copy, namespace, defined, target.file);
    }
    if (Array.isArray(schema)) return schema.map((branch) => this.inline(branch, namespace, defined, file));
    if (!isObject(schema)) return schema;

    const out: AvroObject = { ...schema };
    let inner = namespace;
    if (
      typeof schema.name === 'string' &&
      ['record', 'error', 'enum', 'fixed'].includes(String(schema.type))
    ) {
      const fullName = fullNameOf(schema, namespace);
      defined.add(fullName);
      inner = namespaceOf(fullName);
    }
    if (Array.isArray(schema.fields)) {
      out.fields = schema.fields.map((field) =>
        isObject(field) ? { ...field, type: this.inline(field.type ?? null, inner, defined, file) } : field,
      );
    }
    if (schema.items !== undefined) out.items = this.inline(schema.items, inner, defined, file);
    if (schema.values !== undefined) out.values = this.inline(schema.values, inner, defined, file);
    // `{ "type": "com.hotel.common.Money" }` wraps a reference.
    if (typeof schema.type === 'string' && !PRIMITIVES.has(schema.type) && !isComplexKeyword(schema.type)) {
      return this.inline(schema.type, namespace, defined, file);
    }
    if (Array.isArray(schema.type) || isObject(schema.type))
      out.type = this.inline(schema.type, inner, defined, file);
    return out;
  }
}

function isComplexKeyword(type: string): boolean {
  return ['record', 'error', 'enum', 'fixed', 'array', 'map'].includes(type);
}
