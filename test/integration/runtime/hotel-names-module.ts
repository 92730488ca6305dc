/**
 * Bookings joined with a global table of hotel names: the topology of the global-table tests, also as a
 * topology module (`buildTopology`) for instances with several stream threads.
 */
import { Consumed, Materialized, Produced, Serdes, StreamsBuilder } from '../../../topology/index.js';
import type { Topology } from '../../../topology/topology.js';

export interface Booking {
  readonly hotel: string;
  readonly guest: string;
}

/** `hotels` (id → name) as a global table; `bookings` joined with it into `guest@name` on `output`. */
export function bookingsWithHotelNames(hotels: string, bookings: string, output: string): Topology {
  const builder = new StreamsBuilder();
  const str = Serdes.string();
  const names = builder.globalTable(hotels, Consumed.with(str, str), Materialized.as('hotel-names'));
  builder
    .stream(bookings, Consumed.with(str, Serdes.json<Booking>()))
    .leftJoin(
      names,
      (_id, booking) => booking.hotel,
      (booking, name) => `${booking.guest}@${name ?? '?'}`,
    )
    .to(output, Produced.with(str, str));
  return builder.build();
}

export function buildTopology(args: { hotels: string; bookings: string; output: string }): Topology {
  return bookingsWithHotelNames(args.hotels, args.bookings, args.output);
}
