// The executor's commit with one transactional producer per thread (KIP-447): one transaction for every
// task, and when it fails every task is closed dirty, the producer replaced and the tasks revived (fenced:
// closed, and a rebalance decides); the producers and tasks are stand-ins.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaFacadeError } from '../../../topology/internal/kafka/errors.js';
import type { TopicPartitionOffset } from '../../../topology/internal/kafka/types.js';
import type { ActiveTask } from '../../../topology/runtime/active-task.js';
import { createStreamsEventEmitter } from '../../../topology/runtime/events.js';
import type { SenderLanes } from '../../../topology/runtime/sender-lanes.js';
import type { StateDirectory } from '../../../topology/runtime/state-directory.js';
import { TaskExecutor } from '../../../topology/runtime/task-executor.js';
import type { TaskProducers } from '../../../topology/runtime/task-producers.js';

function task(id: string, offset: number): ActiveTask {
  const offsets: TopicPartitionOffset[] = [{ topic: 'in', partition: Number(id.slice(2)), offset }];
  const committed: TopicPartitionOffset[][] = [];
  return {
    id,
    spec: { id },
    engine: { clearCommitRequest: () => {} },
    offsetsToCommit: () => offsets,
    markCommitted: (list: TopicPartitionOffset[]) => committed.push(list),
    committed,
  } as unknown as ActiveTask;
}

function setup(failure?: Error) {
  const log: string[] = [];
  const producers = {
    perThread: true,
    commitThread: async (tasks: ReadonlyArray<ActiveTask>, offsets: ReadonlyArray<TopicPartitionOffset>) => {
      log.push(`commit ${tasks.map((t) => t.id).join(',')} @ ${offsets.map((o) => o.offset).join(',')}`);
      if (failure !== undefined) throw failure;
    },
    resetThreadProducer: async () => {
      log.push('reset');
    },
  } as unknown as TaskProducers;
  const executor = new TaskExecutor({
    logger: pino({ level: 'silent' }),
    events: createStreamsEventEmitter(),
    sender: {} as SenderLanes,
    stateDirectory: {} as StateDirectory,
    producers,
    commitOffsets: async () => {},
    closeTask: async (closed, clean) => {
      log.push(`close ${closed.id} ${clean ? 'clean' : 'dirty'}`);
    },
    onTransactionCommitted: (taskId) => log.push(`committed ${taskId}`),
    revive: async (spec) => {
      log.push(`revive ${spec.id}`);
    },
    onFenced: () => log.push('fenced'),
    failed: () => false,
  });
  return { executor, log };
}

describe('TaskExecutor with one transactional producer per thread', () => {
  it('commits every task in one transaction with all their positions', async () => {
    const { executor, log } = setup();
    const tasks = [task('0_0', 10), task('0_1', 20)];
    await executor.commit(tasks, 'interval');
    expect(log).toEqual(['commit 0_0,0_1 @ 10,20', 'committed 0_0', 'committed 0_1']);
    expect(tasks.map((t) => (t as unknown as { committed: unknown[] }).committed)).toEqual([
      [[{ topic: 'in', partition: 0, offset: 10 }]],
      [[{ topic: 'in', partition: 1, offset: 20 }]],
    ]);
  });

  it('closes every task dirty, replaces the producer and revives the tasks it is told to keep', async () => {
    const failure = new KafkaFacadeError('STRM_ERR_KAFKA_TRANSACTION', 'EndTxn failed', { retriable: true });
    const { executor, log } = setup(failure);
    await executor.commit([task('0_0', 10), task('0_1', 20)], 'rebalance', (id) => id !== '0_1');
    expect(log).toEqual([
      'commit 0_0,0_1 @ 10,20',
      'close 0_0 dirty',
      'close 0_1 dirty',
      'reset',
      'revive 0_0',
    ]);
  });

  it('fenced: closes every task dirty and asks for a rebalance, reviving none', async () => {
    const fenced = new KafkaFacadeError('STRM_ERR_KAFKA_PRODUCER_FENCED', 'ILLEGAL_GENERATION', {
      retriable: true,
    });
    const { executor, log } = setup(fenced);
    await executor.commit([task('0_0', 10), task('0_1', 20)], 'interval');
    expect(log).toEqual(['commit 0_0,0_1 @ 10,20', 'close 0_0 dirty', 'close 0_1 dirty', 'reset', 'fenced']);
  });
});
