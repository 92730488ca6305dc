import { afterEach, describe, expect, it } from 'vitest';
import { sampleReservationCreated } from '../../../bench/serdes/sample-reservation.js';
import { avroSerde } from '../../../schemas/avro-serde.js';
import { type ReservationCreated, ReservationCreatedSchema } from '../../../schemas/generated/index.js';
import { InMemorySchemaRegistry } from '../../../schemas/registry/in-memory-schema-registry.js';
import { encodeWireFormat } from '../../../schemas/wire-format.js';
import {
  Consumed,
  DLQ_HEADERS,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../../topology/index.js';

interface RoomNights {
  confirmationNumber: string;
  roomNights: number;
}

/** reservation.created (Avro) -> room-nights per reservation (JSON). */
function roomNightsTopology(registry: InMemorySchemaRegistry) {
  const builder = new StreamsBuilder();
  builder
    .stream(
      'reservation.created',
      Consumed.with(Serdes.string(), avroSerde(ReservationCreatedSchema, { registry })),
    )
    .mapValues(
      (event: ReservationCreated): RoomNights => ({
        confirmationNumber: event.confirmationNumber,
        roomNights: event.stayDetails.nights * event.stayDetails.rooms,
      }),
    )
    .to('room-nights', Produced.with(Serdes.string(), Serdes.json<RoomNights>()));
  return builder.build();
}

let driver: TopologyTestDriver | undefined;
afterEach(async () => {
  await driver?.close();
  driver = undefined;
});

describe('Avro serdes in the TopologyTestDriver (in-memory registry, no prepare calls)', () => {
  it('reads Avro events and dead-letters each kind of bad input without stopping', async () => {
    const registry = new InMemorySchemaRegistry();
    driver = await TopologyTestDriver.create(roomNightsTopology(registry), {
      deserializationErrors: 'deadLetter',
    });
    const events = driver.createInputTopic(
      'reservation.created',
      Serdes.string(),
      avroSerde(ReservationCreatedSchema, { registry }),
    );
    const raw = driver.createInputTopic('reservation.created', Serdes.string(), Serdes.bytes());
    const output = driver.createOutputTopic('room-nights', Serdes.string(), Serdes.json<RoomNights>());
    const dlq = driver.createOutputTopic('reservation.created.dlq', Serdes.string(), Serdes.bytes());

    events.pipeInput('PROP-LIS-001', sampleReservationCreated(1));
    const good = avroSerde(ReservationCreatedSchema, { registry }).serialize(sampleReservationCreated(2), {
      topic: 'reservation.created',
      isKey: false,
    })!;
    raw.pipeInput('PROP-LIS-001', Buffer.from('{"json":true}')); // not the wire format
    raw.pipeInput('PROP-LIS-001', encodeWireFormat(9_999, good.subarray(5))); // unknown schema id
    raw.pipeInput('PROP-LIS-001', good.subarray(0, 30)); // truncated body
    events.pipeInput('PROP-LIS-001', sampleReservationCreated(3));

    expect(output.readValuesToList()).toEqual([
      { confirmationNumber: 'RSV-2026-000001', roomNights: 6 },
      { confirmationNumber: 'RSV-2026-000003', roomNights: 6 },
    ]);
    const dead = dlq.readRecordsToList();
    expect(dead.map((record) => String(record.headers?.[DLQ_HEADERS.errorCode]))).toEqual([
      'STRM_ERR_SERDE_WIRE_FORMAT',
      'STRM_ERR_SERDE_UNKNOWN_SCHEMA',
      'STRM_ERR_SERDE_DECODE',
    ]);
    expect(dead[0]!.value).toEqual(Buffer.from('{"json":true}'));
  });
});
