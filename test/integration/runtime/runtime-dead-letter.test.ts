import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../../topology/dead-letter.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';
import { streamsClosedAfterEach } from './streams-instances.js';

interface Reading {
  readonly celsius: number;
}

function fahrenheitTopology(input: string, output: string): Topology {
  return new Topology()
    .addSource('readings', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<Reading>() })
    .addProcessor<string, Reading, string, number>(
      'to-fahrenheit',
      () => {
        let ctx: ProcessorContext<string, number>;
        return {
          init: (context) => {
            ctx = context;
          },
          process: (record) => {
            if (record.value.celsius < -273.15)
              throw new RangeError(`below absolute zero: ${record.value.celsius}`);
            ctx.forward({ ...record, value: (record.value.celsius * 9) / 5 + 32 });
          },
        };
      },
      'readings',
    )
    .addSink(
      'fahrenheit',
      output,
      { keySerde: Serdes.string(), valueSerde: Serdes.json<number>() },
      'to-fahrenheit',
    );
}

describe('KafkaStreams: dead-lettering undecodable input', () => {
  const instances = streamsClosedAfterEach();

  it('writes a malformed record to <topic>.dlq with its coordinates and goes on with the next records', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('readings'), partitions: 2 },
      { topic: uniqueName('fahrenheit'), partitions: 2 },
    ]);
    const producer = inputProducer({ clientId: 'test-readings' });
    await producer.connect();
    const send = (key: string, value: string) =>
      producer.send({ topic: input!, acks: -1, messages: [{ key, value, partition: 1 }] });
    await send('before', JSON.stringify({ celsius: 100 }));
    const [bad] = await send('broken', '{"celsius": 10');
    await send('after', JSON.stringify({ celsius: -40 }));
    await producer.disconnect();

    const streams = instances.create(fahrenheitTopology(input!, output!), {
      applicationId: uniqueName('dead-letter'),
      stateDir: '/tmp/tstreams-dead-letter-test',
      deserializationExceptionHandler: 'deadLetter',
      logger: pino({ level: 'error' }),
    });
    const deadLetters: unknown[] = [];
    streams.events.on('deadLetter', (event) => deadLetters.push(event));
    await streams.start();

    const converted = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= 2 ? records : undefined;
      },
      { timeoutMs: 60_000, description: 'the two good readings converted' },
    );
    expect(converted.map((r) => [r.key!.toString(), JSON.parse(r.value!.toString())])).toEqual([
      ['before', 212],
      ['after', -40],
    ]);

    const dlq = await waitFor(
      async () => {
        const records = await readAll(`${input}.dlq`);
        return records.length >= 1 ? records : undefined;
      },
      { description: 'the malformed reading on the dead-letter topic' },
    );
    expect(dlq).toHaveLength(1);
    const [dead] = dlq;
    expect(dead!.key!.toString()).toBe('broken');
    expect(dead!.value!.toString()).toBe('{"celsius": 10');
    const header = (name: string) => dead!.headers[name]?.toString();
    expect(header(DLQ_HEADERS.sourceTopic)).toBe(input);
    expect(header(DLQ_HEADERS.sourcePartition)).toBe('1');
    expect(header(DLQ_HEADERS.sourceOffset)).toBe(bad!.baseOffset);
    expect(header(DLQ_HEADERS.errorCode)).toMatch(/^STRM_ERR_/);
    expect(header(DLQ_HEADERS.errorMessage)).toBeTruthy();
    expect(deadLetters).toEqual([
      {
        topic: `${input}.dlq`,
        reason: 'deserialization',
        sourceTopic: input,
        sourcePartition: 1,
        sourceOffset: Number(bad!.baseOffset),
      },
    ]);
    expect(streams.state).toBe('RUNNING');
  });

  it('dead-letters an input record a processor throws on, naming the processor, and goes on', async () => {
    const [input, output] = await createTopics([uniqueName('readings'), uniqueName('fahrenheit')]);
    const producer = inputProducer({ clientId: 'test-readings' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: [
        { key: 'ok', value: JSON.stringify({ celsius: 0 }) },
        { key: 'impossible', value: JSON.stringify({ celsius: -300 }) },
        { key: 'ok-too', value: JSON.stringify({ celsius: 37 }) },
      ],
    });
    await producer.disconnect();
    const streams = instances.create(fahrenheitTopology(input!, output!), {
      applicationId: uniqueName('processing-dead-letter'),
      stateDir: '/tmp/tstreams-dead-letter-test',
      processingExceptionHandler: 'deadLetter',
      logger: pino({ level: 'error' }),
    });
    await streams.start();

    const converted = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= 2 ? records : undefined;
      },
      { timeoutMs: 60_000, description: 'the two possible readings converted' },
    );
    expect(converted.map((r) => [r.key!.toString(), JSON.parse(r.value!.toString())])).toEqual([
      ['ok', 32],
      ['ok-too', 98.6],
    ]);
    const [dead, ...more] = await waitFor(
      async () => {
        const records = await readAll(`${input}.dlq`);
        return records.length >= 1 ? records : undefined;
      },
      { description: 'the impossible reading on the dead-letter topic' },
    );
    expect(more).toEqual([]);
    expect(dead!.key!.toString()).toBe('impossible');
    expect(dead!.headers[DLQ_HEADERS.failedNode]?.toString()).toBe('to-fahrenheit');
    expect(dead!.headers[DLQ_HEADERS.sourceOffset]?.toString()).toBe('1');
    expect(dead!.headers[DLQ_HEADERS.errorMessage]?.toString()).toContain('below absolute zero');
    expect(streams.state).toBe('RUNNING');
  });
});
