/**
 * Public surface of the schemas module: Avro serdes over a Confluent-compatible schema registry, the
 * registry clients, subject naming strategies, logical-type helpers and coded errors. It knows nothing of
 * the reservation domain; the hotel events' types and schemas are generated into `./generated/index.js`.
 *
 * @example
 * import { avroSerde, HttpSchemaRegistryClient } from './schemas/index.js';
 * import { ReservationCreatedSchema } from './schemas/generated/index.js';
 * const registry = new HttpSchemaRegistryClient({ url: process.env.SCHEMA_REGISTRY_URL! });
 * const serde = avroSerde(ReservationCreatedSchema, { registry }); // Serde<ReservationCreated>
 */
export { AvroSerde, type AvroSerdeOptions, avroSerde } from './avro-serde.js';
export { DecimalFormatError, formatDecimal, parseDecimal } from './decimal.js';
export {
  InvalidSchemaError,
  RegistryRequestError,
  RegistryUnavailableError,
  SCHEMA_ERROR_CODES,
  SchemaCatalogError,
  SchemaCompatibilityError,
  SchemaError,
  type SchemaErrorCode,
  SchemaNotFoundError,
  SubjectNotFoundError,
} from './errors.js';
export {
  avroTypeFor,
  type Decimal,
  type EpochMillis,
  epochDayToLocalDate,
  type LocalDate,
  localDateToEpochDay,
} from './logical-types.js';
export { checkCompatibility } from './registry/compatibility.js';
export { HttpSchemaRegistryClient, type HttpSchemaRegistryOptions } from './registry/http-schema-registry.js';
export {
  InMemorySchemaRegistry,
  type InMemorySchemaRegistryOptions,
} from './registry/in-memory-schema-registry.js';
export {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  type CompatibilityResult,
  DEFAULT_COMPATIBILITY,
  type RegisteredSchema,
  type SchemaRegistryClient,
} from './registry/schema-registry-client.js';
export {
  type Deserializer,
  type Serde,
  type SerdeContext,
  SerdeError,
  type SerdeErrorCode,
  type Serializer,
} from './serde.js';
export {
  recordNameStrategy,
  type SubjectNameInput,
  type SubjectNameStrategy,
  topicNameStrategy,
  topicRecordNameStrategy,
} from './subject-name-strategy.js';
export { type AvroSchemaDefinition, type AvroValueOf, defineAvroSchema } from './typed-schema.js';
export { encodeWireFormat, MAGIC_BYTE, readSchemaId, WIRE_HEADER_SIZE } from './wire-format.js';
