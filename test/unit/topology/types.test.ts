import { describe, expectTypeOf, it } from 'vitest';
import {
  type BranchedKStream,
  Consumed,
  type KGroupedStream,
  type KGroupedTable,
  type KStream,
  type KTable,
  Materialized,
  Serdes,
  StreamsBuilder,
  type TestOutputTopic,
  type TopologyTestDriver,
} from '../../../topology/index.js';

interface Reservation {
  readonly id: string;
  readonly property: string;
  readonly nights: number;
  readonly guest: { readonly name: string } | null;
}

describe('inferred types through a chain of DSL steps', () => {
  it('carries key and value types from the serdes through every step', () => {
    const builder = new StreamsBuilder();
    const reservations = builder.stream(
      'reservations',
      Consumed.with(Serdes.string(), Serdes.json<Reservation>()),
    );
    expectTypeOf(reservations).toEqualTypeOf<KStream<string, Reservation>>();

    const nights = reservations.filter((_, r) => r.nights > 0).mapValues((r) => r.nights);
    expectTypeOf(nights).toEqualTypeOf<KStream<string, number>>();

    const byProperty = reservations.selectKey((_, r) => r.property);
    expectTypeOf(byProperty).toEqualTypeOf<KStream<string, Reservation>>();

    const pairs = reservations.map((id, r) => ({ key: r.nights, value: [id, r.property] as const }));
    expectTypeOf(pairs).toEqualTypeOf<KStream<number, readonly [string, string]>>();

    const letters = reservations.flatMapValues((r) => r.property.split(''));
    expectTypeOf(letters).toEqualTypeOf<KStream<string, string>>();

    const grouped = reservations.groupBy((_, r) => r.property);
    expectTypeOf(grouped).toEqualTypeOf<KGroupedStream<string, Reservation>>();
    expectTypeOf(grouped.count()).toEqualTypeOf<KTable<string, number>>();
    const totals = grouped.aggregate(
      () => ({ nights: 0, bookings: 0 }),
      (_, r, agg) => ({ nights: agg.nights + r.nights, bookings: agg.bookings + 1 }),
    );
    expectTypeOf(totals).toEqualTypeOf<KTable<string, { nights: number; bookings: number }>>();
    expectTypeOf(totals.toStream()).toEqualTypeOf<
      KStream<string, { nights: number; bookings: number } | null>
    >();
    expectTypeOf(totals.toStream().filter((_, v) => v !== null)).toEqualTypeOf<
      KStream<string, { nights: number; bookings: number }>
    >();
    expectTypeOf(nights.groupByKey().reduce((a, b) => a + b)).toEqualTypeOf<KTable<string, number>>();
  });

  it('narrows values with type guards and names branches in the type', () => {
    const builder = new StreamsBuilder();
    const reservations = builder.stream(
      'reservations',
      Consumed.with(Serdes.string(), Serdes.json<Reservation>()),
    );
    const withGuest = reservations.filter(
      (_, r): r is Reservation & { guest: { name: string } } => r.guest !== null,
    );
    expectTypeOf(withGuest.mapValues((r) => r.guest.name)).toEqualTypeOf<KStream<string, string>>();

    const split = reservations
      .split()
      .branch((_, r) => r.nights > 7, 'long')
      .branch((_, r) => r.nights === 1, 'single');
    expectTypeOf(split).toEqualTypeOf<BranchedKStream<string, Reservation, 'long' | 'single'>>();
    const branches = split.defaultBranch('other');
    expectTypeOf(branches).toEqualTypeOf<{
      long: KStream<string, Reservation>;
      single: KStream<string, Reservation>;
      other: KStream<string, Reservation>;
    }>();
  });

  it('types tables, table grouping and Materialized stores', () => {
    const builder = new StreamsBuilder();
    const rooms = builder.table(
      'rooms',
      Consumed.with(Serdes.string(), Serdes.json<{ hotel: string; beds: number }>()),
    );
    const beds = rooms.mapValues((r) => r.beds);
    expectTypeOf(beds).toEqualTypeOf<KTable<string, number>>();
    const byHotel = rooms.groupBy((_, r) => ({ key: r.hotel, value: r.beds }));
    expectTypeOf(byHotel).toEqualTypeOf<KGroupedTable<string, number>>();
    expectTypeOf(
      byHotel.reduce(
        (a, b) => a + b,
        (a, b) => a - b,
      ),
    ).toEqualTypeOf<KTable<string, number>>();
    expectTypeOf(byHotel.count(Materialized.as('rooms-per-hotel').withCachingEnabled())).toEqualTypeOf<
      KTable<string, number>
    >();
  });

  it('types the test driver ends by their serdes', () => {
    expectTypeOf<TopologyTestDriver['createOutputTopic']>().returns.toEqualTypeOf<
      TestOutputTopic<unknown, unknown>
    >();
    type Out = ReturnType<TestOutputTopic<string, number>['readKeyValue']>;
    expectTypeOf<Out>().toEqualTypeOf<{ readonly key: string; readonly value: number }>();
  });
});
