import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkajsAdmin } from '../../../topology/internal/kafka/kafkajs/admin.js';
import { KafkajsGroupConsumer } from '../../../topology/internal/kafka/kafkajs/consumer.js';

/** A kafkajs stand-in that keeps the consumer's config and the options of its `run`. */
function fakeKafka() {
  const seen: { restartOnFailure?: (error: Error) => Promise<boolean>; run?: Record<string, unknown> } = {};
  const consumer = {
    events: {},
    on: () => undefined,
    logger: () => ({ warn: () => undefined }),
    subscribe: async () => undefined,
    run: async (options: Record<string, unknown>) => {
      seen.run = options;
    },
  };
  const kafka = {
    consumer: (config: { retry: { restartOnFailure: (error: Error) => Promise<boolean> } }) => {
      seen.restartOnFailure = config.retry.restartOnFailure;
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, seen };
}

const refused = () =>
  Object.assign(new Error('Not authorized to access group'), {
    name: 'KafkaJSProtocolError',
    type: 'GROUP_AUTHORIZATION_FAILED',
  });

describe("the port's settings for the application's own loops (api/), on kafkajs", () => {
  it('are off by default: no auto-commit, one partition at a time, a crash after the first join is not restarted', async () => {
    const { kafka, seen } = fakeKafka();
    await new KafkajsGroupConsumer(kafka, { groupId: 'g' }).run(['t'], async () => undefined);
    expect(seen.run).toMatchObject({ autoCommit: false, partitionsConsumedConcurrently: 1 });
    expect(await seen.restartOnFailure!(refused())).toBe(false);
  });

  it("give a plain kafkajs consumer's autoCommit, concurrency and restart after any crash", async () => {
    const { kafka, seen } = fakeKafka();
    const consumer = new KafkajsGroupConsumer(kafka, {
      groupId: 'g',
      autoCommitResolved: true,
      partitionsConsumedConcurrently: 64,
      restartOnCrash: true,
    });
    await consumer.run(['t'], async () => undefined);
    expect(seen.run).toMatchObject({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 64,
    });
    expect(await seen.restartOnFailure!(refused())).toBe(true);
  });

  it('pace the commits with autoCommitIntervalMs: kafkajs commits nothing by itself, its interval is the pace', async () => {
    const { kafka, seen } = fakeKafka();
    const consumer = new KafkajsGroupConsumer(kafka, {
      groupId: 'g',
      autoCommitResolved: true,
      autoCommitIntervalMs: 1_000,
    });
    await consumer.run(['t'], async () => undefined);
    expect(seen.run).toMatchObject({ autoCommit: false, autoCommitInterval: 1_000 });
  });

  it("read a group's committed offsets on every topic, -1 for a partition listed without one", async () => {
    const calls: unknown[] = [];
    const kafka = {
      admin: () => ({
        fetchOffsets: async (request: unknown) => {
          calls.push(request);
          return [
            { topic: 'a', partitions: [{ partition: 0, offset: '5', metadata: null }] },
            { topic: 'b', partitions: [{ partition: 1, offset: '-1', metadata: null }] },
          ];
        },
      }),
    } as unknown as Kafka;
    expect(await new KafkajsAdmin(kafka).groupCommittedOffsets('app')).toEqual([
      { topic: 'a', partition: 0, offset: 5 },
      { topic: 'b', partition: 1, offset: -1 },
    ]);
    expect(calls).toEqual([{ groupId: 'app' }]);
  });
});
