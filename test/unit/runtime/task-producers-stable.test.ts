// One transactional producer per thread: before a task restores, a transaction an earlier owner left open
// on its changelog partition is waited for (its last stable offset reaching the high watermark); the admin
// is a stand-in whose open transaction ends after a few polls.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { KafkaAdmin } from '../../../topology/internal/kafka/admin.js';
import type { KafkaClient } from '../../../topology/internal/kafka/kafka-client.js';
import type { ResolvedStreamsConfig } from '../../../topology/runtime/config.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import { TaskProducers } from '../../../topology/runtime/task-producers.js';

function producers(perThread: boolean, openPolls: number) {
  let polls = 0;
  const admin = {
    connect: async () => {},
    disconnect: async () => {},
    // Partition 1's last stable offset stays at 10 while a transaction is open, then reaches 14.
    watermarks: async () => {
      polls++;
      return [
        { partition: 0, low: 0, high: 5 },
        { partition: 1, low: 0, high: polls > openPolls ? 14 : 10 },
      ];
    },
    highWatermarks: async () =>
      new Map([
        [0, 5],
        [1, 14],
      ]),
  } as unknown as KafkaAdmin;
  const kafka = { perThreadTransactions: perThread, admin: () => admin } as unknown as KafkaClient;
  const task = new TaskProducers({
    config: { applicationId: 'app', producer: {} } as unknown as ResolvedStreamsConfig,
    kafka,
    events: createStreamsEventEmitter(),
    logger: pino({ level: 'silent' }),
    onAcknowledged: () => {},
    onFatal: () => {},
    groupMetadata: () => undefined,
  });
  return { task, polls: () => polls };
}

describe('TaskProducers.awaitStableChangelogs', () => {
  it('per thread: waits until no transaction is open on the changelog partition', async () => {
    const { task, polls } = producers(true, 2);
    await task.awaitStableChangelogs(['app-store-changelog'], 1);
    expect(polls()).toBe(3);
  });

  it('per thread: a partition without an open transaction is not waited for', async () => {
    const { task, polls } = producers(true, 100);
    await task.awaitStableChangelogs(['app-store-changelog'], 0);
    expect(polls()).toBe(1);
  });

  it('per task: nothing to wait for (the new producer aborted the old owner transaction)', async () => {
    const { task, polls } = producers(false, 2);
    await task.awaitStableChangelogs(['app-store-changelog'], 1);
    expect(polls()).toBe(0);
  });
});
