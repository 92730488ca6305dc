import { describe, expectTypeOf, it } from 'vitest';
import {
  BufferConfig,
  Consumed,
  JoinWindows,
  type KStream,
  type KTable,
  Materialized,
  Serdes,
  type SessionWindowedKStream,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  type TimeWindowedKStream,
  TimeWindows,
  type Windowed,
} from '../../../../topology/index.js';

interface Booking {
  readonly room: string;
  readonly nights: number;
}
interface Room {
  readonly rate: number;
}

function inputs() {
  const builder = new StreamsBuilder();
  const bookings = builder.stream('bookings', Consumed.with(Serdes.string(), Serdes.json<Booking>()));
  const rooms = builder.table('rooms', Consumed.with(Serdes.string(), Serdes.json<Room>()));
  const payments = builder.stream('payments', Consumed.with(Serdes.string(), Serdes.number()));
  const hotels = builder.globalTable('hotels', Consumed.with(Serdes.number(), Serdes.string()));
  return { bookings, rooms, payments, hotels };
}

describe('inferred types of windowed chains', () => {
  it('carries the key into Windowed<K> and the aggregate into the value', () => {
    const { bookings } = inputs();
    const grouped = bookings.groupByKey();
    const tumbling = grouped.windowedBy(TimeWindows.ofSizeWithNoGrace(1_000));
    expectTypeOf(tumbling).toEqualTypeOf<TimeWindowedKStream<string, Booking>>();
    expectTypeOf(grouped.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10))).toEqualTypeOf<
      TimeWindowedKStream<string, Booking>
    >();
    const sessions = grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10));
    expectTypeOf(sessions).toEqualTypeOf<SessionWindowedKStream<string, Booking>>();
    expectTypeOf(tumbling.count()).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expectTypeOf(
      tumbling.aggregate(
        () => 0,
        (_k, b, n) => n + b.nights,
      ),
    ).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expectTypeOf(sessions.reduce((a, b) => ({ room: a.room, nights: a.nights + b.nights }))).toEqualTypeOf<
      KTable<Windowed<string>, Booking>
    >();
    const nights = sessions.aggregate(
      () => [] as number[],
      (_k, b, all) => [...all, b.nights],
      (_k, a, b) => [...a, ...b],
      Materialized.as('nights'),
    );
    expectTypeOf(nights).toEqualTypeOf<KTable<Windowed<string>, number[]>>();
    const final = tumbling.count().suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
    expectTypeOf(final).toEqualTypeOf<KTable<Windowed<string>, number>>();
    expectTypeOf(final.toStream()).toEqualTypeOf<KStream<Windowed<string>, number | null>>();
  });

  it('refuses suppress-until-window-closes on a table that is not windowed', () => {
    const { rooms } = inputs();
    const wrong = () =>
      // @ts-expect-error untilWindowCloses needs Windowed keys
      rooms.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
    expectTypeOf(wrong).toBeFunction();
    expectTypeOf(rooms.suppress(Suppressed.untilTimeLimit(1_000, BufferConfig.maxRecords(10)))).toEqualTypeOf<
      KTable<string, Room>
    >();
    // @ts-expect-error an eager buffer cannot promise final results
    const eager = () => Suppressed.untilWindowCloses(BufferConfig.maxRecords(10));
    expectTypeOf(eager).toBeFunction();
  });
});

describe('inferred types of joins', () => {
  it('infers the joined value and the nullability of each join kind', () => {
    const { bookings, rooms, payments, hotels } = inputs();
    const priced = bookings.join(rooms, (b, room) => {
      expectTypeOf(room).toEqualTypeOf<Room>();
      return b.nights * room.rate;
    });
    expectTypeOf(priced).toEqualTypeOf<KStream<string, number>>();
    bookings.leftJoin(rooms, (_b, room) => expectTypeOf(room).toEqualTypeOf<Room | null>());
    const paid = bookings.join(
      payments,
      (b, amount) => ({ room: b.room, amount }),
      JoinWindows.ofTimeDifferenceWithNoGrace(5),
    );
    expectTypeOf(paid).toEqualTypeOf<KStream<string, { room: string; amount: number }>>();
    bookings.leftJoin(
      payments,
      (_b, amount) => expectTypeOf(amount).toEqualTypeOf<number | null>(),
      JoinWindows.ofTimeDifferenceWithNoGrace(5),
    );
    bookings.outerJoin(
      payments,
      (b, amount) => {
        expectTypeOf(b).toEqualTypeOf<Booking | null>();
        expectTypeOf(amount).toEqualTypeOf<number | null>();
      },
      JoinWindows.ofTimeDifferenceWithNoGrace(5),
    );
    const named = bookings.join(
      hotels,
      (_id, b) => b.nights,
      (b, hotel) => `${hotel}:${b.room}`,
    );
    expectTypeOf(named).toEqualTypeOf<KStream<string, string>>();
    const both = rooms.outerJoin(
      rooms.mapValues((r) => r.rate),
      (room, rate) => ({ room, rate }),
    );
    expectTypeOf(both).toEqualTypeOf<KTable<string, { room: Room | null; rate: number | null }>>();
    expectTypeOf(rooms.join(rooms, (a, b) => a.rate + b.rate)).toEqualTypeOf<KTable<string, number>>();
  });

  it('refuses to join streams or tables of different key types', () => {
    const { bookings, hotels } = inputs();
    const builder = new StreamsBuilder();
    const byNumber = builder.stream('n', Consumed.with(Serdes.number(), Serdes.number()));
    // @ts-expect-error keys differ
    const wrong = () => bookings.join(byNumber, (a, b) => [a, b], JoinWindows.ofTimeDifferenceWithNoGrace(1));
    expectTypeOf(wrong).toBeFunction();
    const selectsString = (id: string) => id;
    // @ts-expect-error the key selector must produce the global table's key type (number)
    const wrongSelector = () => bookings.join(hotels, selectsString, (b: Booking) => b);
    expectTypeOf(wrongSelector).toBeFunction();
  });
});
