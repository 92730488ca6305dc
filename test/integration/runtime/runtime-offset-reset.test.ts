import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Consumed, Produced, Serdes, StreamsBuilder } from '../../../topology/index.js';
import { KafkaStreams, RuntimeError, type StreamsConfig } from '../../../topology/runtime/index.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

const str = Serdes.String();

function copyTopology(input: string, output: string) {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(str, str)).to(output, Produced.with(str, str));
  return builder.build();
}

async function produce(topic: string, values: string[], partition?: number): Promise<void> {
  const producer = inputProducer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ key: value, value, partition })) });
  await producer.disconnect();
}

// autoOffsetReset decides where a group without committed offsets starts; cleanUp() refuses a running
// instance. Against the shared broker.
describe('autoOffsetReset and cleanUp() on a real broker', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  function streamsFor(input: string, output: string, config: Partial<StreamsConfig>): KafkaStreams {
    const streams = new KafkaStreams(copyTopology(input, output), {
      applicationId: uniqueName('offset-reset'),
      bootstrapServers: endpoints().kafkaBrokers,
      logger: pino({ level: 'silent' }),
      commitIntervalMs: 200,
      ...config,
    });
    running.push(streams);
    return streams;
  }

  it('latest skips what was written before the group joined; none then resumes from its commits', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('reset-in'), partitions: 2 },
      uniqueName('reset-out'),
    ]);
    await produce(input!, ['old-1', 'old-2']);
    const applicationId = uniqueName('offset-reset-latest');

    const latest = streamsFor(input!, output!, { applicationId, autoOffsetReset: 'latest' });
    await latest.start();
    await waitFor(() => latest.state === 'RUNNING', { description: 'the latest instance RUNNING' });
    await expect(latest.cleanUp()).rejects.toThrow(
      expect.objectContaining({ code: 'STRM_ERR_RUNTIME_ILLEGAL_STATE' }),
    );
    // `latest` is resolved when the member first fetches a partition, a moment after RUNNING (so it is in
    // Kafka's consumer): keep writing to both partitions until records of each come through (so each gets a
    // committed offset for `none` below), then no old one may be among them.
    let sent = 0;
    const copied = await waitFor(
      async () => {
        sent++;
        await produce(input!, [`new-p0-${sent}`], 0);
        await produce(input!, [`new-p1-${sent}`], 1);
        const all = await readAll(output!);
        const values = all.map((r) => r.value!.toString());
        const both =
          values.some((v) => v.startsWith('new-p0-')) && values.some((v) => v.startsWith('new-p1-'));
        return both ? all : undefined;
      },
      { intervalMs: 500, description: 'new records of both partitions copied' },
    );
    await latest.close();
    const values = (await readAll(output!)).map((r) => r.value!.toString());
    expect(copied.length).toBeGreaterThan(0);
    expect(values.filter((value) => value.startsWith('old-'))).toEqual([]);
    expect(values.every((value) => value.startsWith('new-'))).toBe(true);

    // Same group: every partition now has a committed offset, so `none` starts and goes on from there.
    const none = streamsFor(input!, output!, { applicationId, autoOffsetReset: 'none' });
    await none.start();
    await produce(input!, ['after']);
    const after = await waitFor(
      async () => {
        const all = (await readAll(output!)).map((r) => r.value!.toString());
        return all.includes('after') ? all : undefined;
      },
      { description: 'after copied' },
    );
    // Nothing before the commit was read again, nothing old was read at all.
    expect(after.filter((value) => value === 'after')).toHaveLength(1);
    expect(after.filter((value) => value.startsWith('old-'))).toEqual([]);
  });

  it('none refuses to start a group that never committed, naming the partitions', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('reset-none-in'), partitions: 2 },
      uniqueName('reset-none-out'),
    ]);
    const streams = streamsFor(input!, output!, { autoOffsetReset: 'none' });
    const failure = await streams.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeError);
    expect(failure).toMatchObject({ code: 'STRM_ERR_RUNTIME_NO_COMMITTED_OFFSET' });
    expect(String((failure as Error).message)).toContain(`${input}-0, ${input}-1`);
    expect(streams.state).toBe('ERROR');
  });

  it('earliest, the default, reads what was there before', async () => {
    const [input, output] = await createTopics([
      uniqueName('reset-earliest-in'),
      uniqueName('reset-earliest-out'),
    ]);
    await produce(input!, ['before']);
    const streams = streamsFor(input!, output!, {});
    await streams.start();
    const records = await waitFor(async () => {
      const all = await readAll(output!);
      return all.length >= 1 ? all : undefined;
    });
    expect(records.map((r) => r.value!.toString())).toEqual(['before']);
  });
});
