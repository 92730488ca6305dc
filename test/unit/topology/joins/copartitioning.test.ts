import { describe, expect, it } from 'vitest';
import {
  Consumed,
  Joined,
  JoinWindows,
  Repartitioned,
  Serdes,
  StreamsBuilder,
  type Topology,
  TopologyError,
} from '../../../../topology/index.js';
import { RuntimeError } from '../../../../topology/runtime/errors.js';
import { computeTaskLayout } from '../../../../topology/runtime/task-layout.js';

const str = Serdes.string();

function bookingsJoinRooms(rekey: boolean): Topology {
  const builder = new StreamsBuilder();
  const rooms = builder.table('rooms', Consumed.with(str, str));
  const bookings = builder.stream('bookings', Consumed.with(str, str));
  (rekey ? bookings.selectKey((_, room) => room) : bookings).join(rooms, (b, r) => `${b}${r}`).to('out');
  return builder.build();
}

describe('co-partitioning of joins', () => {
  it('records the joined topics as a co-partition group', () => {
    expect(bookingsJoinRooms(false).describe().copartitionGroups).toEqual([['bookings', 'rooms']]);
  });

  it('lets the runtime refuse joined topics with different partition counts, naming both', () => {
    const plan = bookingsJoinRooms(false).plan();
    const layout = computeTaskLayout(
      plan,
      'app',
      new Map([
        ['bookings', 3],
        ['rooms', 3],
        ['out', 1],
      ]),
    );
    expect(layout.tasks.map((t) => t.id)).toEqual(['0_0', '0_1', '0_2']);
    let error: unknown;
    try {
      computeTaskLayout(
        plan,
        'app',
        new Map([
          ['bookings', 4],
          ['rooms', 2],
        ]),
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as RuntimeError).code).toBe('STRM_ERR_RUNTIME_NOT_COPARTITIONED');
    expect((error as Error).message).toMatch(/"bookings" \(4\), "rooms" \(2\)/);
  });

  it('gives the repartition topic of a re-keyed stream the partition count of the table it joins', () => {
    const plan = bookingsJoinRooms(true).plan();
    const layout = computeTaskLayout(
      plan,
      'app',
      new Map([
        ['bookings', 6],
        ['rooms', 2],
      ]),
    );
    const repartition = [...plan.internalTopics.keys()][0]!;
    expect(layout.partitionCounts.get(`app-${repartition}`)).toBe(2);
    expect(layout.tasks.filter((t) => t.sourceTopics.includes('rooms')).length).toBe(2);
  });

  it('refuses at build time joined repartition topics that declare different partition counts', () => {
    const builder = new StreamsBuilder();
    const left = builder
      .stream('left', Consumed.with(str, str))
      .repartition(Repartitioned.as<string, string>('l').withNumberOfPartitions(3));
    const right = builder
      .stream('right', Consumed.with(str, str))
      .repartition(Repartitioned.as<string, string>('r').withNumberOfPartitions(4));
    left.join(right, (a, b) => a + b, JoinWindows.ofTimeDifferenceWithNoGrace(10)).to('out');
    let error: unknown;
    try {
      builder.build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    expect((error as TopologyError).code).toBe('STRM_ERR_TOPOLOGY_NOT_COPARTITIONED');
    expect((error as Error).message).toMatch(/"l-repartition" \(3\), "r-repartition" \(4\)/);
  });

  it('with automatic repartitioning off, names the join that follows a key change', () => {
    const builder = new StreamsBuilder({ automaticRepartition: false });
    const rooms = builder.table('rooms', Consumed.with(str, str));
    builder
      .stream('bookings', Consumed.with(str, str))
      .selectKey((_, room) => room)
      .join(rooms, (b, r) => b + r, Joined.as('booking-room'))
      .to('out');
    expect(() => builder.build()).toThrow(
      /stateful step "booking-room" follows a key change at "KSTREAM-KEY-SELECT-/,
    );
  });

  it('refuses a join of a topic pattern, which cannot be checked', () => {
    const builder = new StreamsBuilder();
    const rooms = builder.table('rooms', Consumed.with(str, str));
    builder
      .stream(/bookings-.*/, Consumed.with(str, str))
      .join(rooms, (b, r) => b + r)
      .to('out');
    expect(() => builder.build()).toThrow(/reads a topic pattern.*read the joined topics by name/);
  });
});
