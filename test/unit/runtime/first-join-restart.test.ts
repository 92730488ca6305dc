import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { KafkajsGroupConsumer } from '../../../topology/internal/kafka/kafkajs/consumer.js';

/** A kafkajs stand-in that keeps the retry options the member was created with, and its logger's warnings. */
function fakeKafka() {
  const warnings: string[] = [];
  let restartOnFailure: ((error: Error) => Promise<boolean>) | undefined;
  const consumer = {
    events: {},
    on: () => undefined,
    logger: () => ({ warn: (message: string) => warnings.push(message) }),
  };
  const kafka = {
    consumer: (config: { retry: { restartOnFailure: (error: Error) => Promise<boolean> } }) => {
      restartOnFailure = config.retry.restartOnFailure;
      return consumer;
    },
  } as unknown as Kafka;
  return { kafka, warnings, crash: (error: Error) => restartOnFailure!(error) };
}

/** The error kafkajs reports while the group coordinator loads `__consumer_offsets` (a new cluster). */
function coordinatorLoading(): Error {
  return Object.assign(new Error('The coordinator is loading'), {
    name: 'KafkaJSProtocolError',
    type: 'GROUP_LOAD_IN_PROGRESS',
    retriable: true,
  });
}

describe('KafkajsGroupConsumer: a first join the cluster is not ready for', () => {
  it('is restarted with one warning that says it joins again, at most five times', async () => {
    const { kafka, warnings, crash } = fakeKafka();
    new KafkajsGroupConsumer(kafka, { groupId: 'g' });
    const restarts: boolean[] = [];
    for (let i = 0; i < 6; i++) restarts.push(await crash(coordinatorLoading()));
    expect(restarts).toEqual([true, true, true, true, true, false]);
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toBe(
      "the cluster is not ready for this member's first join yet (The coordinator is loading); joining again (restart 1 of 5)",
    );
  });

  it('is not restarted, and not warned about, for an error that needs a person', async () => {
    const { kafka, warnings, crash } = fakeKafka();
    new KafkajsGroupConsumer(kafka, { groupId: 'g' });
    const denied = Object.assign(new Error('Not authorized to access group'), {
      name: 'KafkaJSProtocolError',
      type: 'GROUP_AUTHORIZATION_FAILED',
    });
    expect(await crash(denied)).toBe(false);
    expect(warnings).toEqual([]);
  });
});
