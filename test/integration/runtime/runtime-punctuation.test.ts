import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessorContext } from '../../../topology/processor.js';
import { KafkaStreams } from '../../../topology/runtime/index.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

describe('KafkaStreams fires punctuators', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  it('on stream time as records advance it, and on the wall clock from the loop while input is idle', async () => {
    const [input, output] = await createTopics([uniqueName('events'), uniqueName('ticks')]);
    const topology = new Topology()
      .addSource('events', input!, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
      .addProcessor<string, string, string, string>(
        'ticker',
        () => {
          let ctx: ProcessorContext<string, string>;
          let seen = 0;
          let wallClockReported = false;
          return {
            init: (context) => {
              ctx = context;
              // Every 10 s of event time: how many records the task had seen by then.
              context.schedule(10_000, 'STREAM_TIME', (time) => {
                ctx.forward({ key: 'stream-time', value: `${time}:${seen}`, timestamp: time, headers: {} });
              });
              context.schedule(100, 'WALL_CLOCK_TIME', (time) => {
                if (seen === 0 || wallClockReported) return;
                wallClockReported = true;
                ctx.forward({ key: 'wall-clock', value: String(seen), timestamp: time, headers: {} });
              });
            },
            process: () => {
              seen++;
            },
          };
        },
        'events',
      )
      .addSink('ticks', output!, { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'ticker');

    // Event times 0 s .. 25 s, 5 s apart: stream time crosses 10 s and 20 s.
    const producer = inputProducer({ clientId: 'test-events' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: [0, 5, 10, 15, 20, 25].map((s) => ({
        key: 'k',
        value: 'e',
        timestamp: String(1_700_000_000_000 + s * 1000),
      })),
    });
    await producer.disconnect();

    const streams = new KafkaStreams(topology, {
      applicationId: uniqueName('punctuation'),
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: '/tmp/tstreams-punctuation-test',
      logger: pino({ level: process.env.RT_LOG ?? 'warn' }),
    });
    running.push(streams);
    await streams.start();

    const ticks = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.some((r) => r.key?.toString() === 'wall-clock') ? records : undefined;
      },
      { timeoutMs: 60_000, description: 'a wall-clock tick after the input went idle' },
    );
    const byKey = (key: string) =>
      ticks.filter((r) => r.key?.toString() === key).map((r) => r.value!.toString());
    expect(byKey('wall-clock')).toEqual(['6']);
    // The first stream-time punctuation aligns to the first record; then every 10 s of event time.
    const streamTime = byKey('stream-time');
    expect(streamTime.length).toBeGreaterThanOrEqual(2);
    expect(streamTime.at(-1)).toBe(`${1_700_000_020_000}:5`);
  });
});
