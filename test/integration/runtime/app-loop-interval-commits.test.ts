// An application loop's commits paced by `autoCommitIntervalMs` on the kafkajs adapter, on the real broker:
// nothing is committed between intervals, the resolved prefix is committed at once after a failed batch,
// everything resolved is committed when the consumer stops and before a rejoin, so a second member
// joining handles none of the first member's records again.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupConsumer } from '../../../topology/internal/kafka/consumer.js';
import { createKafkaClient } from '../../../topology/internal/kafka/kafkajs/client.js';
import { endpoints, uniqueName, waitFor } from '../../support/index.js';
import { fillPartitions } from './facade-topics.js';

const logger = pino({ level: 'silent' });
const kafka = () =>
  createKafkaClient({ clientId: 'interval-commits-test', brokers: endpoints().kafkaBrokers, logger });
const INTERVAL_MS = 60_000;

describe('application loops with paced commits (autoCommitIntervalMs), kafkajs', () => {
  const admin = kafka().admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  const fill = (topic: string, partitions: number, perPartition: number) =>
    fillPartitions(kafka(), topic, partitions, perPartition);

  const committed = async (groupId: string, topic: string) =>
    (await admin.committedOffsets(groupId, [topic])).map((position) => position.offset).sort();

  function member(groupId: string, intervalMs = INTERVAL_MS): GroupConsumer {
    return kafka().groupConsumer({
      groupId,
      autoCommitResolved: true,
      autoCommitIntervalMs: intervalMs,
      restartOnCrash: true,
      maxWaitTimeMs: 100,
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: 10_000,
    });
  }

  it('commits nothing within the interval, the resolved prefix after a throw, and the rest at disconnect', async () => {
    const topic = uniqueName('paced-commits');
    await fill(topic, 1, 20);
    const groupId = uniqueName('paced-commits-group');
    const consumer = member(groupId);
    const handled: number[] = [];
    let thrown = false;
    await consumer.connect();
    await consumer.run([topic], async (batch, control) => {
      for (const record of batch.records) {
        // Once, at offset 10: the handler throws with 0..9 resolved; 10 on is fetched again.
        if (record.offset === 10 && !thrown) {
          thrown = true;
          throw new Error('handler failed once');
        }
        handled.push(record.offset);
        control.resolveOffset(record.offset);
      }
    });
    await waitFor(() => handled.length === 20, {
      description: 'every record handled once',
      timeoutMs: 30_000,
    });
    expect(handled).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // The throw committed 0..9; 10..19 were handled after it, well within the interval.
    expect(await committed(groupId, topic)).toEqual([10]);
    await consumer.disconnect();
    expect(await committed(groupId, topic)).toEqual([20]);
  });

  it('commits what the last batch resolved an interval later, with no batch after it', async () => {
    const topic = uniqueName('paced-idle');
    await fill(topic, 1, 20);
    const groupId = uniqueName('paced-idle-group');
    const consumer = member(groupId, 1_000);
    let handled = 0;
    await consumer.connect();
    await consumer.run([topic], async (batch, control) => {
      for (const record of batch.records) {
        handled++;
        control.resolveOffset(record.offset);
      }
    });
    await waitFor(() => handled === 20, { description: 'every record handled', timeoutMs: 30_000 });
    await waitFor(async () => (await committed(groupId, topic)).join() === '20', {
      description: 'offset 20 committed while the consumer runs',
      timeoutMs: 10_000,
    });
    await consumer.disconnect();
  });

  it("commits a member's resolved records before it rejoins: a member joining handles none of them again", async () => {
    const topic = uniqueName('paced-rejoin');
    await fill(topic, 2, 10);
    const groupId = uniqueName('paced-rejoin-group');
    const handledBy = { first: [] as string[], second: [] as string[] };
    const handler =
      (into: string[]) =>
      async (
        batch: Parameters<Parameters<GroupConsumer['run']>[1]>[0],
        control: Parameters<Parameters<GroupConsumer['run']>[1]>[1],
      ) => {
        for (const record of batch.records) {
          into.push(`${record.partition}:${record.offset}`);
          control.resolveOffset(record.offset);
        }
      };
    const first = member(groupId);
    await first.connect();
    await first.run([topic], handler(handledBy.first));
    await waitFor(() => handledBy.first.length === 20, {
      description: 'the first member handled all',
      timeoutMs: 30_000,
    });
    expect(await committed(groupId, topic)).toEqual([]);

    const second = member(groupId);
    await second.connect();
    await second.run([topic], handler(handledBy.second));
    await waitFor(async () => (await committed(groupId, topic)).join() === '10,10', {
      description: "the first member's positions committed at the rebalance",
      timeoutMs: 30_000,
    });
    await waitFor(() => second.assignment().length > 0, {
      description: 'the second member owns a partition',
      timeoutMs: 30_000,
    });
    // Give the second member time to fetch what it would re-handle.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(handledBy.second).toEqual([]);
    await second.disconnect();
    await first.disconnect();
  });
});
