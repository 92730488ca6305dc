import { afterEach, describe, expect, it } from 'vitest';
import { Stores } from '../../../state/index.js';
import type { KeyValueStore } from '../../../state/store.js';
import {
  Consumed,
  Grouped,
  Materialized,
  type ProcessorContext,
  Produced,
  Repartitioned,
  Serdes,
  type StreamRecord,
  StreamsBuilder,
  type Topology,
  TopologyError,
  TopologyTestDriver,
} from '../../../topology/index.js';

const str = Serdes.string();
const num = Serdes.number();
const drivers: TopologyTestDriver[] = [];
async function drive(topology: Topology, applicationId = 'app'): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(topology, { initialWallClockTimeMs: 0, applicationId });
  drivers.push(driver);
  return driver;
}
afterEach(async () => {
  for (const d of drivers.splice(0)) await d.close();
});

interface Booking {
  readonly hotel: string;
  readonly nights: number;
}
const bookingSerde = Serdes.json<Booking>();

describe('stream aggregations', () => {
  it('count, reduce and aggregate by key, in a queryable store, emitting each update', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const bookings = builder.stream('bookings', Consumed.with(str, bookingSerde));
    const grouped = bookings.groupByKey();
    grouped.count(Materialized.as('count-by-guest')).toStream().to('counts', Produced.with(str, num));
    bookings
      .mapValues((b) => b.nights)
      .groupByKey(Grouped.with(str, num))
      .reduce((a, b) => a + b, Materialized.as<string, number>('nights-by-guest').withValueSerde(num))
      .toStream()
      .to('nights', Produced.with(str, num));
    grouped
      .aggregate(
        () => [] as string[],
        (_guest, b, hotels) => [...hotels, b.hotel],
        Materialized.as<string, string[]>('hotels-by-guest').withValueSerde(Serdes.json<string[]>()),
      )
      .toStream()
      .to('hotels', Produced.with(str, Serdes.json<string[] | null>()));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('bookings', str, bookingSerde);
    input.pipeInput('ann', { hotel: 'h1', nights: 2 }, 10);
    input.pipeInput('bob', { hotel: 'h2', nights: 1 }, 20);
    input.pipeInput('ann', { hotel: 'h3', nights: 5 }, 30);
    expect(
      driver
        .createOutputTopic('counts', str, num)
        .readRecordsToList()
        .map((r) => [r.key, r.value, r.timestamp]),
    ).toEqual([
      ['ann', 1, 10],
      ['bob', 1, 20],
      ['ann', 2, 30],
    ]);
    expect(driver.createOutputTopic('nights', str, num).readKeyValuesToMap()).toEqual(
      new Map([
        ['ann', 7],
        ['bob', 1],
      ]),
    );
    expect(
      driver.createOutputTopic('hotels', str, Serdes.json<string[]>()).readKeyValuesToMap().get('ann'),
    ).toEqual(['h1', 'h3']);
    expect(driver.getKeyValueStore<string, number>('count-by-guest').get('ann')).toBe(2);
    expect(driver.getKeyValueStore<string, number>('nights-by-guest').get('ann')).toBe(7);
  });

  it('skips records with a null key or value, which belong to no group', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('in', Consumed.with(str, Serdes.json<number | null>()))
      .groupByKey()
      .count(Materialized.as('c'))
      .toStream()
      .to('out', Produced.with(str, num));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('in', str, Serdes.json<number | null>());
    input.pipeInput('a', null, 1);
    input.pipeInput(null as unknown as string, 3, 2);
    input.pipeInput('a', 3, 3);
    expect(driver.createOutputTopic('out', str, num).readKeyValuesToList()).toEqual([{ key: 'a', value: 1 }]);
  });

  it('repartitions automatically when a key change precedes an aggregation, splitting sub-topologies', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      .groupBy((_guest, b) => b.hotel, Grouped.with(str, bookingSerde).withName('by-hotel'))
      .count(Materialized.as('bookings-per-hotel'))
      .toStream()
      .to('per-hotel', Produced.with(str, num));
    const topology = builder.build();
    const description = topology.describe();
    expect(description.subtopologies).toHaveLength(2);
    expect(description.internalTopics).toEqual([
      { name: 'by-hotel-repartition', kind: 'repartition', numberOfPartitions: null },
    ]);
    const driver = await drive(topology, 'hotels');
    const input = driver.createInputTopic('bookings', str, bookingSerde);
    input.pipeInput('ann', { hotel: 'h1', nights: 1 }, 1);
    input.pipeInput('bob', { hotel: 'h1', nights: 1 }, 2);
    input.pipeInput('cat', { hotel: 'h2', nights: 1 }, 3);
    expect(driver.createOutputTopic('per-hotel', str, num).readKeyValuesToMap()).toEqual(
      new Map([
        ['h1', 2],
        ['h2', 1],
      ]),
    );
    // The repartition topic carries the records keyed by hotel, named with the application id.
    const repartitioned = driver.createOutputTopic(
      driver.internalTopic('by-hotel-repartition'),
      str,
      bookingSerde,
    );
    expect(repartitioned.name).toBe('hotels-by-hotel-repartition');
    expect(repartitioned.readKeyValuesToList().map((kv) => kv.key)).toEqual(['h1', 'h1', 'h2']);
    expect(driver.createOutputTopic('hotels-bookings-per-hotel-changelog', str, num).getQueueSize()).toBe(3);
  });

  it('does not repartition when the key is unchanged (mapValues, filter, peek keep partitioning)', () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      .filter((_, b) => b.nights > 0)
      .mapValues((b) => b.nights)
      .groupByKey(Grouped.with(str, num))
      .count();
    const description = builder.build().describe();
    expect(description.subtopologies).toHaveLength(1);
    expect(description.internalTopics).toEqual([]);
  });

  it('does not repartition after a key change marked as partitioned (markAsPartitioned)', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      // The hotel is the partitioning key; `hotel|nights` refines it, so each new key stays in one task.
      .selectKey((hotel, b) => `${hotel}|${b.nights}`)
      .markAsPartitioned()
      .groupByKey(Grouped.with(str, bookingSerde))
      .count(Materialized.as('per-hotel-and-nights'));
    const topology = builder.build();
    const description = topology.describe();
    expect(description.subtopologies).toHaveLength(1);
    expect(description.internalTopics).toEqual([]);
    const driver = await drive(topology, 'hotels');
    const input = driver.createInputTopic('bookings', str, bookingSerde);
    input.pipeInput('h1', { hotel: 'h1', nights: 2 }, 1);
    input.pipeInput('h1', { hotel: 'h1', nights: 2 }, 2);
    input.pipeInput('h1', { hotel: 'h1', nights: 3 }, 3);
    const counts = driver.getKeyValueStore<string, number>('per-hotel-and-nights');
    expect([counts.get('h1|2'), counts.get('h1|3')]).toEqual([2, 1]);
    expect([...driver.producedTopicNames()].some((t) => t.endsWith('-repartition'))).toBe(false);
  });

  it('fails at build time for a stateful step after a key change when automatic repartitioning is off', () => {
    const builder = new StreamsBuilder({ automaticRepartition: false, defaultStoreType: 'in_memory' });
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      .selectKey((_, b) => b.hotel)
      .groupByKey()
      .count();
    expect(() => builder.build()).toThrow(TopologyError);
    expect(() => builder.build()).toThrow(
      /stateful step "KSTREAM-AGGREGATE-0000000002" follows a key change at "KSTREAM-KEY-SELECT-0000000001".*call \.repartition\(\)/,
    );

    const fixed = new StreamsBuilder({ automaticRepartition: false, defaultStoreType: 'in_memory' });
    fixed
      .stream('bookings', Consumed.with(str, bookingSerde))
      .selectKey((_, b) => b.hotel)
      .repartition(Repartitioned.with(str, bookingSerde).withName('rekeyed').withNumberOfPartitions(6))
      .groupByKey()
      .count();
    const description = fixed.build().describe();
    expect(description.internalTopics).toEqual([
      { name: 'rekeyed-repartition', kind: 'repartition', numberOfPartitions: 6 },
    ]);
  });

  it('explicit repartition() feeds records through an internal topic and back', async () => {
    const builder = new StreamsBuilder();
    builder
      .stream('in', Consumed.with(str, num))
      .repartition(Repartitioned.as<string, number>('spread').withNumberOfPartitions(3))
      .mapValues((v) => v + 1)
      .to('out', Produced.with(str, num));
    const driver = await drive(builder.build(), 'r');
    driver.createInputTopic('in', str, num).pipeInput('k', 41, 5);
    expect(driver.createOutputTopic('out', str, num).readRecord()).toMatchObject({
      key: 'k',
      value: 42,
      timestamp: 5,
    });
    expect(driver.producedTopicNames()).toEqual(new Set(['r-spread-repartition', 'out']));
  });
});

describe('process() with the store of a later step', () => {
  it('connects a processor to a store an aggregation after it materializes, and runs before that step', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const bookings = builder.stream('bookings', Consumed.with(str, bookingSerde));
    // Added first, so it sees each record before the count below stores it.
    bookings
      .process<string, string>(() => {
        let context: ProcessorContext<string, string>;
        let counts: KeyValueStore<string, number>;
        return {
          init(c) {
            context = c;
            counts = c.getStateStore<KeyValueStore<string, number>>('counts');
          },
          process(record: StreamRecord<string, Booking>) {
            context.forward({ ...record, value: `${record.key} before: ${counts.get(record.key) ?? 0}` });
          },
        };
      }, 'counts')
      .to('seen', Produced.with(str, str));
    bookings.groupByKey().count(Materialized.as('counts'));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('bookings', str, bookingSerde);
    input.pipeInput('h1', { hotel: 'h1', nights: 1 });
    input.pipeInput('h1', { hotel: 'h1', nights: 2 });
    expect(driver.createOutputTopic('seen', str, str).readValuesToList()).toEqual([
      'h1 before: 0',
      'h1 before: 1',
    ]);
  });
});

describe('tables', () => {
  interface Room {
    readonly hotel: string;
    readonly beds: number;
  }
  const roomSerde = Serdes.json<Room>();

  it('table() keeps the latest value per key, deletes on null, and forwards changes to toStream()', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const rooms = builder.table('rooms', Consumed.with(str, roomSerde), Materialized.as('rooms'));
    rooms.toStream().to('room-updates', Produced.with(str, Serdes.json<Room | null>()));
    rooms
      .filter((_, r) => r.beds >= 2)
      .mapValues((r) => r.beds, Materialized.as<string, number>('big-rooms').withValueSerde(num))
      .toStream()
      .to('big-room-beds', Produced.with(str, Serdes.json<number | null>()));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('rooms', str, Serdes.json<Room | null>());
    input.pipeInput('r1', { hotel: 'h1', beds: 2 }, 1);
    input.pipeInput('r2', { hotel: 'h1', beds: 1 }, 2);
    input.pipeInput('r1', { hotel: 'h1', beds: 1 }, 3); // stops matching the filter: deleted downstream
    input.pipeInput('r2', null, 4);
    input.pipeInput('r9', null, 5); // deleting an absent key changes nothing
    expect(
      driver.createOutputTopic('room-updates', str, Serdes.json<Room | null>()).readKeyValuesToList(),
    ).toEqual([
      { key: 'r1', value: { hotel: 'h1', beds: 2 } },
      { key: 'r2', value: { hotel: 'h1', beds: 1 } },
      { key: 'r1', value: { hotel: 'h1', beds: 1 } },
      { key: 'r2', value: null },
    ]);
    expect(
      driver.createOutputTopic('big-room-beds', str, Serdes.json<number | null>()).readKeyValuesToList(),
    ).toEqual([
      { key: 'r1', value: 2 },
      { key: 'r1', value: null },
    ]);
    const store = driver.getKeyValueStore<string, Room>('rooms');
    expect(store.get('r1')).toEqual({ hotel: 'h1', beds: 1 });
    expect(store.get('r2')).toBeUndefined();
    expect(driver.getKeyValueStore<string, number>('big-rooms').get('r1')).toBeUndefined();
  });

  it('toChangeStream() forwards the new and old value of each change; through the cache, one per key per commit', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const bookings = builder.stream('bookings', Consumed.with(str, bookingSerde));
    const changesOf = (name: string, caching: boolean) => {
      const seen: Array<[string, number | null, number | null]> = [];
      const materialized = Materialized.as<string, number>(name).withValueSerde(num);
      bookings
        .groupBy((_, b) => b.hotel, Grouped.with(str, bookingSerde))
        .aggregate(
          () => 0,
          (_, b, total) => total + b.nights,
          caching ? materialized : materialized.withCachingDisabled(),
        )
        .toChangeStream()
        .foreach((key, change) => seen.push([key, change.newValue, change.oldValue]));
      return seen;
    };
    const uncached = changesOf('nights', false);
    const cached = changesOf('nights-cached', true);
    const driver = await TopologyTestDriver.create(builder.build(), {
      initialWallClockTimeMs: 0,
      applicationId: 'app',
      commit: 'manual',
    });
    drivers.push(driver);
    const input = driver.createInputTopic('bookings', str, bookingSerde);
    input.pipeInput('b1', { hotel: 'h1', nights: 2 }, 1);
    input.pipeInput('b2', { hotel: 'h1', nights: 3 }, 2);
    await driver.commit();
    input.pipeInput('b3', { hotel: 'h1', nights: 1 }, 3);
    await driver.commit();
    // Every update, each with the value before it.
    expect(uncached).toEqual([
      ['h1', 2, null],
      ['h1', 5, 2],
      ['h1', 6, 5],
    ]);
    // One change per commit: from the value the last commit forwarded to the latest.
    expect(cached).toEqual([
      ['h1', 5, null],
      ['h1', 6, 5],
    ]);
  });

  it('table groupBy aggregations subtract a row from its old group when it moves or is deleted', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const rooms = builder.table('rooms', Consumed.with(str, roomSerde));
    const byHotel = rooms.groupBy((_, r) => ({ key: r.hotel, value: r }), Grouped.with(str, roomSerde));
    byHotel.count(Materialized.as('rooms-per-hotel')).toStream().to('room-count', Produced.with(str, num));
    byHotel
      .aggregate(
        () => 0,
        (_h, r, beds) => beds + r.beds,
        (_h, r, beds) => beds - r.beds,
        Materialized.as<string, number>('beds-per-hotel').withValueSerde(num),
      )
      .toStream()
      .to('beds', Produced.with(str, num));
    rooms
      .mapValues((r) => r.beds)
      .groupBy((_, beds) => ({ key: 'all', value: beds }), Grouped.with(str, num))
      .reduce(
        (a, b) => a + b,
        (a, b) => a - b,
        Materialized.as<string, number>('total-beds').withValueSerde(num),
      );
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('rooms', str, Serdes.json<Room | null>());
    input.pipeInput('r1', { hotel: 'h1', beds: 2 }, 1);
    input.pipeInput('r2', { hotel: 'h1', beds: 3 }, 2);
    input.pipeInput('r1', { hotel: 'h2', beds: 4 }, 3); // moves from h1 to h2
    input.pipeInput('r2', null, 4); // leaves h1
    const count = driver.getKeyValueStore<string, number>('rooms-per-hotel');
    const beds = driver.getKeyValueStore<string, number>('beds-per-hotel');
    expect([count.get('h1'), count.get('h2')]).toEqual([0, 1]);
    expect([beds.get('h1'), beds.get('h2')]).toEqual([0, 4]);
    expect(driver.getKeyValueStore<string, number>('total-beds').get('all')).toBe(4);
    expect(driver.createOutputTopic('room-count', str, num).readKeyValuesToList()).toEqual([
      { key: 'h1', value: 1 },
      { key: 'h1', value: 2 },
      { key: 'h1', value: 1 }, // r1 subtracted from h1 ...
      { key: 'h2', value: 1 }, // ... and added to h2
      { key: 'h1', value: 0 },
    ]);
  });

  it('globalTable fills a store on every instance that any processor can read', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const hotels = builder.globalTable('hotels', Consumed.with(str, str), Materialized.as('hotel-names'));
    builder
      .stream('bookings', Consumed.with(str, bookingSerde))
      .processValues<string>(() => {
        let ctx: ProcessorContext<string, string>;
        let names: KeyValueStore<string, string>;
        return {
          init(c: ProcessorContext<string, string>) {
            ctx = c;
            names = c.getStateStore(hotels.queryableStoreName());
          },
          process(r: StreamRecord<string, Booking>) {
            ctx.forward({ ...r, value: names.get(r.value.hotel) ?? 'unknown hotel' });
          },
        };
      })
      .to('named', Produced.with(str, str));
    const topology = builder.build();
    const driver = await drive(topology);
    driver.createInputTopic('hotels', str, str).pipeInput('h1', 'Grand Hotel', 1);
    const bookings = driver.createInputTopic('bookings', str, bookingSerde);
    bookings.pipeInput('ann', { hotel: 'h1', nights: 1 }, 2);
    bookings.pipeInput('bob', { hotel: 'h9', nights: 1 }, 3);
    expect(driver.createOutputTopic('named', str, str).readValuesToList()).toEqual([
      'Grand Hotel',
      'unknown hotel',
    ]);
    expect(topology.describe().stores.find((s) => s.name === 'hotel-names')).toMatchObject({
      global: true,
      changelogTopic: null,
    });
  });
});

describe('process() with stores in the DSL', () => {
  it('connects stores added to the builder and reports stores that no step uses', async () => {
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('last-seen'), str, num));
    builder
      .stream('visits', Consumed.with(str, num))
      .process<string, number>(() => {
        let ctx: ProcessorContext<string, number>;
        let store: KeyValueStore<string, number>;
        return {
          init(c: ProcessorContext<string, number>) {
            ctx = c;
            store = c.getStateStore('last-seen');
          },
          process(r: StreamRecord<string, number>) {
            const previous = store.get(r.key);
            store.put(r.key, r.value);
            if (previous !== undefined) ctx.forward({ ...r, value: r.value - previous });
          },
        };
      }, 'last-seen')
      .to('gaps', Produced.with(str, num));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('visits', str, num);
    input.pipeInput('u', 100, 1);
    input.pipeInput('u', 160, 2);
    expect(driver.createOutputTopic('gaps', str, num).readValuesToList()).toEqual([60]);

    const unused = new StreamsBuilder();
    unused.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('forgotten'), str, num));
    unused.stream('visits', Consumed.with(str, num)).to('copy');
    expect(() => unused.build()).toThrow(expect.objectContaining({ code: 'STRM_ERR_TOPOLOGY_UNUSED_STORE' }));
  });

  it('persists RocksDB-backed aggregations (the default store type) in the driver state dir', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', Consumed.with(str, str)).groupByKey().count(Materialized.as('rocks-count'));
    const driver = await drive(builder.build());
    const input = driver.createInputTopic('in', str, str);
    for (let i = 0; i < 5; i++) input.pipeInput(`k${i % 2}`, 'x', i);
    const store = driver.getKeyValueStore<string, number>('rocks-count');
    expect(store.persistent).toBe(true);
    expect([store.get('k0'), store.get('k1')]).toEqual([3, 2]);
  });
});
