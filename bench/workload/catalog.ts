/**
 * The benchmark's property catalog, grown from the shipped reference data. The sample has four hotels,
 * and every topic is keyed by property, so four properties could keep at most four partitions busy: the
 * benchmark clones each hotel (same sizes, room types, rates and policies, ids `<id>-<nn>`) until the
 * catalog has enough keys to spread load over 12 partitions, the scale scenario's topic.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SAMPLE_CATALOG_PATH } from '../../processors/domain/reference-data-loader.js';

/** Raw JSON of one property, as in `processors/reference-data/properties.json`. */
export interface PropertyJson {
  readonly propertyId: string;
  readonly roomTypes: ReadonlyArray<{ readonly code: string; readonly capacity: number }>;
  readonly [field: string]: unknown;
}

/** The shipped sample's properties, as raw JSON. */
export function sampleProperties(path: string = SAMPLE_CATALOG_PATH): PropertyJson[] {
  const json = JSON.parse(readFileSync(path, 'utf8')) as { properties: PropertyJson[] };
  return json.properties;
}

/**
 * `count` properties cloned round-robin from `templates` (the sample's sizes repeat: a small Zurich
 * hotel, a large New York one, ...). `count` below the number of templates keeps the first ones.
 */
export function expandProperties(templates: readonly PropertyJson[], count: number): PropertyJson[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`the benchmark catalog needs at least one property, got ${count}`);
  }
  const properties: PropertyJson[] = [];
  for (let i = 0; i < count; i++) {
    const template = templates[i % templates.length]!;
    const copy = Math.floor(i / templates.length) + 1;
    properties.push({ ...template, propertyId: `${template.propertyId}-${String(copy).padStart(2, '0')}` });
  }
  return properties;
}

/** Writes an expanded catalog of `count` properties to `path` (read by the pipeline and the peers). */
export function writeBenchCatalog(path: string, count: number): PropertyJson[] {
  const properties = expandProperties(sampleProperties(), count);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    `${JSON.stringify({ description: `benchmark catalog: ${count} clones of the sample hotels`, properties }, null, 2)}\n`,
  );
  return properties;
}
