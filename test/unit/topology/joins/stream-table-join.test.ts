import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Joined,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyError,
} from '../../../../topology/index.js';
import { drive } from '../windows/helpers.js';

const str = Serdes.string();

interface Booking {
  readonly room: string;
  readonly guest: string;
}
const bookingSerde = Serdes.json<Booking>();

describe('stream-table joins', () => {
  it('joins each record with the current row (inner drops rows that are missing, left joins them with null)', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const rooms = builder.table('rooms', Consumed.with(str, str), Materialized.as('rooms'));
    const bookings = builder.stream('bookings', Consumed.with(str, str));
    bookings.join(rooms, (guest, room) => `${guest}@${room}`).to('inner', Produced.with(str, str));
    bookings
      .leftJoin(rooms, (guest, room) => `${guest}@${room ?? 'none'}`)
      .to('left', Produced.with(str, str));
    const driver = await drive(builder.build());
    const roomInput = driver.createInputTopic('rooms', str, str);
    const bookingInput = driver.createInputTopic('bookings', str, str);
    bookingInput.pipeInput('r1', 'ann', 1); // no room yet
    roomInput.pipeInput('r1', 'suite', 2); // table updates emit nothing
    bookingInput.pipeInput('r1', 'bob', 3);
    roomInput.pipeInput('r1', 'deluxe', 4);
    bookingInput.pipeInput('r1', 'cyd', 5);
    roomInput.pipeInput('r1', null as unknown as string, 6); // the room is removed
    bookingInput.pipeInput('r1', 'dan', 7);
    const read = (topic: string) =>
      driver
        .createOutputTopic(topic, str, str)
        .readRecordsToList()
        .map((r) => [r.key, r.value, r.timestamp]);
    expect(read('inner')).toEqual([
      ['r1', 'bob@suite', 3],
      ['r1', 'cyd@deluxe', 5],
    ]);
    expect(read('left')).toEqual([
      ['r1', 'ann@none', 1],
      ['r1', 'bob@suite', 3],
      ['r1', 'cyd@deluxe', 5],
      ['r1', 'dan@none', 7],
    ]);
  });

  it('repartitions a stream whose key changed before joining, under the Joined name', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const rooms = builder.table('rooms', Consumed.with(str, str), Materialized.as('rooms'));
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      .selectKey((_, b) => b.room)
      .join(
        rooms,
        (b, room) => `${b.guest}@${room}`,
        Joined.with(str, bookingSerde, str).withName('booking-room'),
      )
      .to('enriched', Produced.with(str, str));
    const topology = builder.build();
    const description = topology.describe();
    expect(description.subtopologies.length).toBe(2);
    expect(JSON.parse(JSON.stringify(description)).internalTopics).toEqual([
      { name: 'booking-room-left-repartition', kind: 'repartition', numberOfPartitions: null },
    ]);
    expect(description.copartitionGroups).toEqual([['booking-room-left-repartition', 'rooms']]);
    const driver = await drive(topology);
    driver.createInputTopic('rooms', str, str).pipeInput('r7', 'attic', 1);
    driver.createInputTopic('bookings', str, bookingSerde).pipeInput('b1', { room: 'r7', guest: 'eve' }, 2);
    expect(driver.createOutputTopic('enriched', str, str).readKeyValuesToList()).toEqual([
      { key: 'r7', value: 'eve@attic' },
    ]);
  });

  it("encodes a re-keyed stream's repartition keys with the table's key serde, so equal keys share a partition", async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const rooms = builder.table('rooms', Consumed.with(str, str));
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      .selectKey((_, b) => b.room) // the DSL no longer knows the key serde here
      .join(rooms, (b, room) => `${b.guest}@${room}`, Joined.as('booking-room'))
      .to('enriched', Produced.with(str, str));
    const driver = await drive(builder.build());
    driver.createInputTopic('bookings', str, bookingSerde).pipeInput('b1', { room: 'r7', guest: 'eve' }, 1);
    const repartitioned = driver.createOutputTopic(
      'app-booking-room-left-repartition',
      Serdes.bytes(),
      Serdes.bytes(),
    );
    expect(repartitioned.readRecord().key.toString()).toBe('r7');
  });

  it('joins a global table by a key chosen per record, with no co-partitioning', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const hotels = builder.globalTable('hotels', Consumed.with(str, str));
    const bookings = builder.stream('bookings', Consumed.with(str, bookingSerde));
    bookings
      .join(
        hotels,
        (_id, b) => b.room.split('-')[0]!,
        (b, hotel) => `${b.guest}@${hotel}`,
      )
      .to('inner', Produced.with(str, str));
    bookings
      .leftJoin(
        hotels,
        (_id, b) => b.room.split('-')[0]!,
        (b, hotel) => `${b.guest}@${hotel ?? '?'}`,
      )
      .to('left', Produced.with(str, str));
    const topology = builder.build();
    expect(topology.describe().copartitionGroups).toEqual([]);
    const driver = await drive(topology);
    driver.createInputTopic('hotels', str, str).pipeInput('h1', 'Grand', 1);
    const input = driver.createInputTopic('bookings', str, bookingSerde);
    input.pipeInput('b1', { room: 'h1-101', guest: 'ann' }, 2);
    input.pipeInput('b2', { room: 'h9-101', guest: 'bob' }, 3);
    expect(driver.createOutputTopic('inner', str, str).readKeyValuesToList()).toEqual([
      { key: 'b1', value: 'ann@Grand' },
    ]);
    expect(driver.createOutputTopic('left', str, str).readKeyValuesToList()).toEqual([
      { key: 'b1', value: 'ann@Grand' },
      { key: 'b2', value: 'bob@?' },
    ]);
  });

  it('refuses an outer join of a stream with a table', () => {
    const builder = new StreamsBuilder();
    const rooms = builder.table('rooms', Consumed.with(str, str));
    const bookings = builder.stream('bookings', Consumed.with(str, str));
    // @ts-expect-error outerJoin takes only streams
    expect(() => bookings.outerJoin(rooms, (a: string, b: string) => a + b)).toThrow(TopologyError);
  });
});
