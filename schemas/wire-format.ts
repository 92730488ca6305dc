/**
 * The Confluent wire format of a schema-registry record: a magic byte `0`, the writer schema's id as a
 * 4-byte big-endian integer, then the Avro binary body. Every Confluent-compatible client and registry
 * (Java serdes, Apicurio's ccompat API, `@kafkajs/confluent-schema-registry`) reads and writes it.
 */
import { SerdeError } from './serde.js';

/** The first byte of every record in the wire format. */
export const MAGIC_BYTE = 0;
/** Magic byte plus schema id. */
export const WIRE_HEADER_SIZE = 5;

/** Prefixes an Avro body with the magic byte and schema id. */
export function encodeWireFormat(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_SIZE + body.length);
  out[0] = MAGIC_BYTE;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_SIZE);
  return out;
}

/**
 * The schema id of a wire-format record.
 * @throws SerdeError `STRM_ERR_SERDE_WIRE_FORMAT` when the bytes are too short or the magic byte is wrong
 *   (e.g. a JSON or plain-Avro producer wrote to a registry-serde topic).
 */
export function readSchemaId(data: Buffer, topic: string): number {
  if (data.length < WIRE_HEADER_SIZE) {
    throw new SerdeError(
      'STRM_ERR_SERDE_WIRE_FORMAT',
      `Record on ${topic} has ${data.length} bytes, fewer than the ${WIRE_HEADER_SIZE}-byte schema-registry ` +
        'header (magic byte + schema id); it was not written by a schema-registry serializer.',
    );
  }
  if (data[0] !== MAGIC_BYTE) {
    throw new SerdeError(
      'STRM_ERR_SERDE_WIRE_FORMAT',
      `Record on ${topic} starts with byte 0x${data[0]!.toString(16).padStart(2, '0')}, not the magic byte 0 ` +
        'of the schema-registry wire format; it was not written by a schema-registry serializer.',
    );
  }
  return data.readUInt32BE(1);
}
