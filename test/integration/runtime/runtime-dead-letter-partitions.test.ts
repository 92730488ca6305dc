import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../../topology/dead-letter.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

/** Readings in, the same readings out: enough for the source serde to fail on malformed JSON. */
function passThrough(input: string, output: string): Topology {
  return new Topology()
    .addSource('readings', input, { keySerde: Serdes.string(), valueSerde: Serdes.json<number>() })
    .addSink('copies', output, { keySerde: Serdes.string(), valueSerde: Serdes.json<number>() }, 'readings');
}

describe('KafkaStreams: a dead-letter topic with fewer partitions than its source', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  it('starts on an existing one-partition <topic>.dlq and dead-letters records from every source partition to it', async () => {
    // Operators often create the .dlq themselves with one partition; the source has three.
    const [input, output] = await createTopics([
      { topic: uniqueName('dlq-readings'), partitions: 3 },
      { topic: uniqueName('dlq-copies'), partitions: 3 },
    ]);
    await createTopics([{ topic: `${input}.dlq`, partitions: 1 }]);
    const producer = inputProducer({ clientId: 'test-dlq-readings' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: [0, 1, 2].flatMap((partition) => [
        { key: `good-${partition}`, value: String(partition), partition },
        { key: `broken-${partition}`, value: '{"not json', partition },
      ]),
    });
    await producer.disconnect();

    const streams = new KafkaStreams(passThrough(input!, output!), {
      applicationId: uniqueName('dlq-partitions'),
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: '/tmp/tstreams-dlq-partitions-test',
      deserializationExceptionHandler: 'deadLetter',
      logger: pino({ level: 'error' }),
    });
    running.push(streams);
    await streams.start();

    const dead = await waitFor(
      async () => {
        const records = await readAll(`${input}.dlq`);
        return records.length >= 3 ? records : undefined;
      },
      { timeoutMs: 60_000, description: 'three malformed readings on the one-partition dead-letter topic' },
    );
    expect(dead.map((record) => record.partition)).toEqual([0, 0, 0]);
    // The source coordinates travel in headers: each source partition's broken record, at offset 1.
    const sources = dead
      .map((record) => ({
        key: record.key!.toString(),
        partition: record.headers[DLQ_HEADERS.sourcePartition]?.toString(),
        offset: record.headers[DLQ_HEADERS.sourceOffset]?.toString(),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
    expect(sources).toEqual(
      [0, 1, 2].map((partition) => ({
        key: `broken-${partition}`,
        partition: String(partition),
        offset: '1',
      })),
    );
    const copies = await waitFor(
      async () => {
        const records = await readAll(output!);
        return records.length >= 3 ? records : undefined;
      },
      { description: 'the three good readings copied' },
    );
    expect(copies.map((record) => record.key!.toString()).sort()).toEqual(['good-0', 'good-1', 'good-2']);
    expect(streams.state).toBe('RUNNING');
  });
});
