/**
 * A schema that carries the TypeScript type of its values, so that `avroSerde(ReservationCreatedSchema, ...)`
 * is a `Serde<ReservationCreated>` with no annotation. The generated `schemas/generated/schemas.ts`
 * defines one per record of the catalog; users can define their own with {@link defineAvroSchema}.
 */

/** A self-contained Avro record schema and, in the type system only, the type of its values. */
export interface AvroSchemaDefinition<T> {
  /** Full name of the record, e.g. `com.hotel.reservation.ReservationCreated`. */
  readonly name: string;
  /** The schema as JSON, every referenced named type inlined (what is registered). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Never set at run time: it only carries `T` for inference. */
  readonly __valueType?: T;
}

/** The value type of a schema definition. */
export type AvroValueOf<S> = S extends AvroSchemaDefinition<infer T> ? T : never;

/**
 * Declares a schema and the TypeScript type of its values; the caller is responsible for them agreeing
 * (the generated definitions are, by construction).
 * @example
 * interface Point { x: number; y: number }
 * const PointSchema = defineAvroSchema<Point>({ type: 'record', name: 'geo.Point', fields: [
 *   { name: 'x', type: 'int' }, { name: 'y', type: 'int' } ] });
 */
export function defineAvroSchema<T>(schema: Readonly<Record<string, unknown>>): AvroSchemaDefinition<T> {
  const name = schema.name;
  if (typeof name !== 'string') throw new TypeError('defineAvroSchema needs a named record schema');
  const namespace = typeof schema.namespace === 'string' ? schema.namespace : undefined;
  return { name: name.includes('.') || !namespace ? name : `${namespace}.${name}`, schema };
}
