/**
 * Global tables and topic-pattern sources on the real broker, under each guarantee. A global store holds
 * its whole topic before the first join (records written before the start), follows changes made while
 * running, and gives every instance the same copy whatever partitions the instance owns. A pattern source
 * reads every topic whose whole name matches when the instance starts.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder } from '../../../topology/index.js';
import { KafkaStreams, type ProcessingGuarantee } from '../../../topology/runtime/index.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { type Booking, bookingsWithHotelNames } from './hotel-names-module.js';

async function send(topic: string, messages: Array<{ key: string; value: string }>): Promise<void> {
  const producer = inputProducer({ clientId: 'test-global' });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

describe.each<ProcessingGuarantee>(['at_least_once', 'exactly_once'])(
  'global tables and pattern sources (%s)',
  (guarantee) => {
    const running: KafkaStreams[] = [];
    afterEach(async () => {
      await Promise.all(running.splice(0).map((streams) => streams.close()));
    });

    it('is read whole before the first join and follows changes made while running, on every instance', async () => {
      const [hotels, bookings, output] = await createTopics([
        { topic: uniqueName('hotels'), partitions: 3 },
        { topic: uniqueName('bookings'), partitions: 4 },
        { topic: uniqueName('named-bookings'), partitions: 4 },
      ]);
      // 60 hotels over 3 partitions, written before any instance starts.
      await send(
        hotels!,
        Array.from({ length: 60 }, (_, i) => ({ key: `h${i}`, value: `Hotel ${i}` })),
      );
      const applicationId = uniqueName('global');
      const start = async (name: string) => {
        const streams = new KafkaStreams(bookingsWithHotelNames(hotels!, bookings!, output!), {
          applicationId,
          bootstrapServers: endpoints().kafkaBrokers,
          stateDir: `/tmp/${applicationId}/${name}`,
          processingGuarantee: guarantee,
          commitIntervalMs: 100,
          consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 },
          logger: pino({ level: 'silent' }),
        });
        running.push(streams);
        await streams.start();
        return streams;
      };
      const [first, second] = [await start('a'), await start('b')];
      await waitFor(
        () =>
          first.state === 'RUNNING' &&
          second.state === 'RUNNING' &&
          first.localTaskIds().length + second.localTaskIds().length === 4 &&
          first.localTaskIds().length > 0 &&
          second.localTaskIds().length > 0,
        { timeoutMs: 60_000, description: 'both instances running, the 4 tasks split between them' },
      );

      // Every booking's hotel is known on whichever instance owns its partition.
      await send(
        bookings!,
        Array.from({ length: 60 }, (_, i) => ({
          key: `b${i}`,
          value: JSON.stringify({ hotel: `h${i}`, guest: `g${i}` } satisfies Booking),
        })),
      );
      const isolation = guarantee === 'exactly_once' ? 'read_committed' : 'read_uncommitted';
      const firstRound = await waitFor(
        async () => {
          const records = await readAll(output!, { isolation });
          return records.length >= 60 ? records : undefined;
        },
        { timeoutMs: 60_000, description: '60 joined bookings' },
      );
      const joined = new Map(firstRound.map((r) => [r.key!.toString(), r.value!.toString()]));
      expect(joined.size).toBe(60);
      for (let i = 0; i < 60; i++) expect(joined.get(`b${i}`)).toBe(`g${i}@Hotel ${i}`);

      // A hotel renamed and one added while running reach both instances' copies.
      await send(hotels!, [
        { key: 'h7', value: 'Renamed 7' },
        { key: 'h99', value: 'Hotel 99' },
      ]);
      await waitFor(
        () =>
          [first, second].every((streams) => {
            // A global store is whole on every instance: any partition number names it.
            const store = streams.store<{ get(key: string): string | undefined }>('hotel-names', 0);
            return store.get('h7') === 'Renamed 7' && store.get('h99') === 'Hotel 99';
          }),
        { timeoutMs: 30_000, description: 'both global copies updated' },
      );
      await send(
        bookings!,
        ['h7', 'h99', 'h-none'].map((hotel, i) => ({
          key: `late-${i}`,
          value: JSON.stringify({ hotel, guest: `late${i}` } satisfies Booking),
        })),
      );
      const late = await waitFor(
        async () => {
          const records = (await readAll(output!, { isolation })).filter((r) =>
            r.key!.toString().startsWith('late-'),
          );
          return records.length >= 3 ? records : undefined;
        },
        { timeoutMs: 60_000, description: 'the late bookings joined' },
      );
      expect(Object.fromEntries(late.map((r) => [r.key!.toString(), r.value!.toString()]))).toEqual({
        'late-0': 'late0@Renamed 7',
        'late-1': 'late1@Hotel 99',
        'late-2': 'late2@?',
      });
    });

    it('reads every topic whose whole name matches a pattern source', async () => {
      const base = uniqueName('prices');
      const [eu, us, other, output] = await createTopics([
        { topic: `${base}-eu`, partitions: 2 },
        { topic: `${base}-us`, partitions: 3 },
        { topic: `old-${base}-eu`, partitions: 1 },
        { topic: uniqueName('all-prices'), partitions: 2 },
      ]);
      for (const [topic, region] of [
        [eu!, 'eu'],
        [us!, 'us'],
        [other!, 'old'],
      ] as const) {
        await send(
          topic,
          Array.from({ length: 10 }, (_, i) => ({ key: `${region}-${i}`, value: `${region}:${i}` })),
        );
      }
      const builder = new StreamsBuilder();
      const str = Serdes.string();
      builder
        .stream(new RegExp(`${base}-(eu|us)`), Consumed.with(str, str))
        .to(output!, Produced.with(str, str));
      const applicationId = uniqueName('pattern');
      const streams = new KafkaStreams(builder.build(), {
        applicationId,
        bootstrapServers: endpoints().kafkaBrokers,
        stateDir: `/tmp/${applicationId}`,
        processingGuarantee: guarantee,
        autoOffsetReset: 'earliest',
        commitIntervalMs: 100,
        logger: pino({ level: 'silent' }),
      });
      running.push(streams);
      await streams.start();
      await waitFor(() => streams.state === 'RUNNING' && streams.localTaskIds().length === 3, {
        timeoutMs: 60_000,
        description: 'one task per partition of the widest matching topic',
      });
      const isolation = guarantee === 'exactly_once' ? 'read_committed' : 'read_uncommitted';
      const copied = await waitFor(
        async () => {
          const records = await readAll(output!, { isolation });
          return records.length >= 20 ? records : undefined;
        },
        { timeoutMs: 60_000, description: '20 records copied' },
      );
      const values = copied.map((r) => r.value!.toString()).sort();
      expect(values).toEqual(
        [
          ...Array.from({ length: 10 }, (_, i) => `eu:${i}`),
          ...Array.from({ length: 10 }, (_, i) => `us:${i}`),
        ].sort(),
      );
    });
  },
);
