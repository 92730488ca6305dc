import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import type { ProcessorContext } from '../../../topology/processor.js';
import type { UncaughtExceptionResponse } from '../../../topology/runtime/config.js';
import { KafkaStreams } from '../../../topology/runtime/kafka-streams.js';
import type { StreamsState } from '../../../topology/runtime/streams-state.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

/** Copies values; `huge` becomes a 2 MB value the broker refuses, `boom` throws (once, when `throwOnce`). */
function copyTopology(
  input: string,
  output: string,
  options: { throwOnce?: { thrown: boolean } } = {},
): Topology {
  return new Topology()
    .addSource('in', input, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .addProcessor<string, string, string, string>(
      'copy',
      () => {
        let ctx: ProcessorContext<string, string>;
        return {
          init: (context) => {
            ctx = context;
          },
          process: (record) => {
            if (record.value === 'boom' && options.throwOnce && !options.throwOnce.thrown) {
              options.throwOnce.thrown = true;
              throw new Error('boom');
            }
            ctx.forward({ ...record, value: record.value === 'huge' ? 'x'.repeat(2_000_000) : record.value });
          },
        };
      },
      'in',
    )
    .addSink('out', output, { keySerde: Serdes.string(), valueSerde: Serdes.string() }, 'copy');
}

async function produce(topic: string, values: string[]): Promise<void> {
  const producer = inputProducer({ clientId: 'test-values' });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `k${i}`, value })) });
  await producer.disconnect();
}

describe('KafkaStreams: production errors and the uncaught-exception handler', () => {
  const running: KafkaStreams[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((streams) => streams.close()));
  });

  const start = async (
    topology: Topology,
    extra: Partial<ConstructorParameters<typeof KafkaStreams>[1]> = {},
  ) => {
    const applicationId = uniqueName('errors');
    const streams = new KafkaStreams(topology, {
      applicationId,
      bootstrapServers: endpoints().kafkaBrokers,
      stateDir: `/tmp/${applicationId}`,
      logger: pino({ level: 'silent' }),
      ...extra,
    });
    running.push(streams);
    const states: StreamsState[] = [];
    streams.setStateListener((next) => states.push(next));
    await streams.start();
    return { streams, states };
  };

  it('log-and-continue drops an output record the broker refuses and produces the others', async () => {
    const [input, output] = await createTopics([uniqueName('in'), uniqueName('out')]);
    await produce(input!, ['a', 'huge', 'b']);
    const { streams } = await start(copyTopology(input!, output!), {
      productionExceptionHandler: 'logAndContinue',
    });
    const skipped: string[] = [];
    streams.events.on('recordSkipped', (event) => skipped.push(event.reason));
    const records = await waitFor(
      async () => {
        const all = await readAll(output!);
        return all.length >= 2 ? all : undefined;
      },
      { timeoutMs: 60_000, description: 'the two small values copied' },
    );
    expect(records.map((r) => r.value!.toString())).toEqual(['a', 'b']);
    await waitFor(() => skipped.length === 1, { description: 'the refused record reported' });
    expect(skipped).toEqual(['production']);
    expect(streams.state).toBe('RUNNING');
  });

  it('with the default fail handler, a refused record stops the instance in ERROR without committing it', async () => {
    const [input, output] = await createTopics([uniqueName('in'), uniqueName('out')]);
    await produce(input!, ['a', 'huge', 'b']);
    const errors: Error[] = [];
    const { streams, states } = await start(copyTopology(input!, output!), {
      uncaughtExceptionHandler: (error): UncaughtExceptionResponse => {
        errors.push(error);
        return 'SHUTDOWN_CLIENT';
      },
    });
    await waitFor(() => streams.state === 'ERROR', { timeoutMs: 60_000, description: 'the ERROR state' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'STRM_ERR_RUNTIME_PRODUCTION' });
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'ERROR']);
    // The input offsets past the refused record were never committed: a restart processes it again.
    const admin = createKafkaClient({
      clientId: 'test-admin',
      brokers: endpoints().kafkaBrokers,
      logger: pino({ level: 'silent' }),
    }).admin();
    await admin.connect();
    const committed = await admin
      .committedOffsets(streams.applicationId, [input!])
      .finally(() => admin.disconnect());
    expect(committed.every((c) => c.offset <= 1)).toBe(true);
    await streams.close();
    expect(states.slice(-2)).toEqual(['PENDING_SHUTDOWN', 'NOT_RUNNING']);
  });

  it('REPLACE_THREAD replaces the failed thread, which goes on from the last commit', async () => {
    const [input, output] = await createTopics([uniqueName('in'), uniqueName('out')]);
    const values = ['a', 'b', 'boom', 'c', 'd'];
    await produce(input!, values);
    const throwOnce = { thrown: false };
    const decisions: string[] = [];
    const { streams } = await start(copyTopology(input!, output!, { throwOnce }), {
      uncaughtExceptionHandler: (error) => {
        decisions.push(String((error as { cause?: Error }).cause?.message ?? error.message));
        return 'REPLACE_THREAD';
      },
    });
    const records = await waitFor(
      async () => {
        const all = await readAll(output!);
        return new Set(all.map((r) => r.value!.toString())).size === values.length ? all : undefined;
      },
      { timeoutMs: 60_000, description: 'every value copied after the thread was replaced' },
    );
    expect(throwOnce.thrown).toBe(true);
    expect(decisions).toEqual(['boom']);
    // At-least-once: values before the failure may appear twice, none is missing, order is kept.
    const copied = records.map((r) => r.value!.toString());
    expect(copied.filter((v) => v === 'boom')).toHaveLength(1);
    expect(copied.slice(-3)).toEqual(['boom', 'c', 'd']);
    await waitFor(() => streams.state === 'RUNNING', { description: 'RUNNING again' });
  });

  it('SHUTDOWN_APPLICATION stops every instance of the application, not only the failing one', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('in'), partitions: 2 },
      { topic: uniqueName('out'), partitions: 2 },
    ]);
    const applicationId = uniqueName('shutdown-app');
    const instances: KafkaStreams[] = [];
    for (const name of ['a', 'b']) {
      const streams = new KafkaStreams(copyTopology(input!, output!, { throwOnce: { thrown: false } }), {
        applicationId,
        bootstrapServers: endpoints().kafkaBrokers,
        stateDir: `/tmp/${applicationId}/${name}`,
        logger: pino({ level: 'silent' }),
        uncaughtExceptionHandler: () => 'SHUTDOWN_APPLICATION',
      });
      running.push(streams);
      await streams.start();
      instances.push(streams);
    }
    await waitFor(() => instances.every((s) => s.state === 'RUNNING' && s.localTaskIds().length === 1), {
      timeoutMs: 60_000,
      description: 'one task on each instance',
    });
    // One poison record: only the instance owning its partition fails, and it takes the other down too.
    await produce(input!, ['boom']);
    await waitFor(() => instances.every((s) => s.state === 'ERROR'), {
      timeoutMs: 60_000,
      description: 'both instances in ERROR',
    });
  });
});
