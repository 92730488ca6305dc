import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../../topology/internal/kafka/default-client.js';
import { createTopics, endpoints, inputProducer, readAll, uniqueName, waitFor } from '../../support/index.js';

describe('KafkaStreams shutdown handler', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('on SIGTERM finishes, flushes, commits the input ends and exits 0', async () => {
    const [input, output] = await createTopics([
      { topic: uniqueName('in'), partitions: 2 },
      { topic: uniqueName('out'), partitions: 2 },
    ]);
    const applicationId = uniqueName('sigterm');
    const producer = inputProducer({ clientId: 'test-sigterm' });
    await producer.connect();
    await producer.send({
      topic: input!,
      acks: -1,
      messages: Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    await producer.disconnect();

    child = spawn(process.execPath, ['--import', 'tsx', 'test/integration/runtime/sigterm-app.ts'], {
      env: {
        ...process.env,
        INPUT: input,
        OUTPUT: output,
        APPLICATION_ID: applicationId,
        KAFKA_BROKERS: endpoints().kafkaBrokers.join(','),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
    });
    await waitFor(() => stdout.includes('RUNNING'), { timeoutMs: 60_000, description: 'the app running' });
    await waitFor(async () => (await readAll(output!)).length >= 500, {
      timeoutMs: 60_000,
      description: 'every record copied',
    });

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);

    const admin = createKafkaClient({
      clientId: 'test-admin',
      brokers: endpoints().kafkaBrokers,
      logger: pino({ level: 'silent' }),
    }).admin();
    await admin.connect();
    try {
      const ends = await admin.watermarks(input!);
      const committed = await admin.committedOffsets(applicationId, [input!]);
      expect(committed.map((c) => [c.partition, c.offset]).sort()).toEqual(
        ends.map((e) => [e.partition, e.high]).sort(),
      );
    } finally {
      await admin.disconnect();
    }
  });
});
