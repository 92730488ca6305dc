import { describe, expect, it } from 'vitest';
import {
  Consumed,
  type KTable,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TimeWindows,
  WindowedSerdes,
} from '../../../../topology/index.js';
import { drive } from '../windows/helpers.js';

const str = Serdes.string();

type TableJoin = (rooms: KTable<string, string>, rates: KTable<string, string>) => KTable<string, string>;

async function tables(join: TableJoin) {
  const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
  const rooms = builder.table('rooms', Consumed.with(str, str), Materialized.as('rooms'));
  const rates = builder.table('rates', Consumed.with(str, str), Materialized.as('rates'));
  join(rooms, rates).toStream().to('joined', Produced.with(str, str));
  const driver = await drive(builder.build());
  const roomInput = driver.createInputTopic('rooms', str, str);
  const rateInput = driver.createInputTopic('rates', str, str);
  const output = driver.createOutputTopic('joined', str, str);
  return {
    driver,
    // A null value deletes the row (the string serde writes it as a tombstone).
    room: (k: string, v: string | null, at: number) => roomInput.pipeInput(k, v as string, at),
    rate: (k: string, v: string | null, at: number) => rateInput.pipeInput(k, v as string, at),
    read: () => output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
  };
}

const pair = (room: string | null, rate: string | null) => `${room ?? '-'}/${rate ?? '-'}`;

describe('table-table joins', () => {
  it('inner: a row exists while both sides have one, and follows changes on either side', async () => {
    const { room, rate, read } = await tables((rooms, rates) => rooms.join(rates, pair));
    room('r1', 'suite', 1); // no rate yet: nothing
    rate('r1', '100', 2);
    rate('r1', '120', 3);
    room('r1', 'deluxe', 4);
    rate('r1', null, 5); // the join row goes away
    rate('r2', '80', 6); // no room r2: nothing
    expect(read()).toEqual([
      ['r1', 'suite/100', 2],
      ['r1', 'suite/120', 3],
      ['r1', 'deluxe/120', 4],
      ['r1', null, 5],
    ]);
  });

  it('left: a row wherever the left side has one, with null for a missing right side', async () => {
    const { room, rate, read } = await tables((rooms, rates) => rooms.leftJoin(rates, pair));
    room('r1', 'suite', 1);
    rate('r1', '100', 2);
    rate('r1', null, 3);
    rate('r2', '80', 4); // no left row: nothing
    room('r1', null, 5);
    expect(read()).toEqual([
      ['r1', 'suite/-', 1],
      ['r1', 'suite/100', 2],
      ['r1', 'suite/-', 3],
      ['r1', null, 5],
    ]);
  });

  it('outer: a row wherever either side has one, and a materialized result that can be queried', async () => {
    const { driver, room, rate, read } = await tables((rooms, rates) =>
      rooms.outerJoin(rates, pair, Materialized.as<string, string>('rooms-and-rates').withValueSerde(str)),
    );
    rate('r2', '80', 1);
    room('r1', 'suite', 2);
    rate('r1', '100', 3);
    rate('r2', null, 4);
    expect(read()).toEqual([
      ['r2', '-/80', 1],
      ['r1', 'suite/-', 2],
      ['r1', 'suite/100', 3],
      ['r2', null, 4],
    ]);
    const store = driver.getKeyValueStore<string, string>('rooms-and-rates');
    expect(store.get('r1')).toBe('suite/100');
    expect(store.get('r2')).toBeUndefined();
  });

  it('joins derived tables through their value getters, and chains a join on a join', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const rooms = builder.table('rooms', Consumed.with(str, str));
    const rates = builder.table('rates', Consumed.with(str, str)).mapValues((r) => `$${r}`);
    const owners = builder.table('owners', Consumed.with(str, str));
    rooms
      .join(rates, (room, rate) => `${room}@${rate}`)
      .leftJoin(owners, (roomRate, owner) => `${roomRate} by ${owner ?? 'nobody'}`)
      .toStream()
      .to('joined', Produced.with(str, str));
    const topology = builder.build();
    expect(topology.describe().subtopologies.length).toBe(1);
    expect(topology.describe().copartitionGroups.map((g) => [...g].sort())).toEqual([
      ['rates', 'rooms'],
      ['owners', 'rates', 'rooms'],
    ]);
    const driver = await drive(topology);
    driver.createInputTopic('rooms', str, str).pipeInput('r1', 'suite', 1);
    driver.createInputTopic('owners', str, str).pipeInput('r1', 'ada', 2);
    driver.createInputTopic('rates', str, str).pipeInput('r1', '100', 3);
    expect(driver.createOutputTopic('joined', str, str).readValuesToList()).toEqual(['suite@$100 by ada']);
  });

  it('joins two windowed tables through their window stores (a windowed key finds its window)', async () => {
    const builder = new StreamsBuilder({ defaultStoreType: 'in_memory' });
    const windows = TimeWindows.ofSizeWithNoGrace(10);
    const clicks = builder.stream('clicks', Consumed.with(str, str)).groupByKey().windowedBy(windows).count();
    const buys = builder.stream('buys', Consumed.with(str, str)).groupByKey().windowedBy(windows).count();
    clicks
      .leftJoin(buys, (c, b) => `${b ?? 0}/${c}`)
      .toStream()
      .to('conversion', Produced.with(WindowedSerdes.timeWindowed(str, 10), str));
    const driver = await drive(builder.build());
    const clickInput = driver.createInputTopic('clicks', str, str);
    const buyInput = driver.createInputTopic('buys', str, str);
    clickInput.pipeInput('ann', 'c', 1);
    clickInput.pipeInput('ann', 'c', 2);
    buyInput.pipeInput('ann', 'b', 3);
    clickInput.pipeInput('ann', 'c', 12); // another window: no buys there
    const output = driver.createOutputTopic('conversion', WindowedSerdes.timeWindowed(str, 10), str);
    expect(output.readKeyValuesToList().map((kv) => [kv.key.window.start, kv.value])).toEqual([
      [0, '0/1'],
      [0, '0/2'],
      [0, '1/2'],
      [10, '0/1'],
    ]);
  });
});
