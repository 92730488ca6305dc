import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { rejoinHookInstalled } from '../../../topology/internal/kafka/kafkajs/kafkajs-module.js';
import type { RejoinHookPayload } from '../../../topology/internal/kafka/kafkajs/rejoin-hook.js';

const require = createRequire(import.meta.url);
const Runner = require('kafkajs/src/consumer/runner.js') as {
  prototype: { heartbeat(this: unknown): Promise<void> };
};

/** A kafkajs runner as far as its heartbeat sees it: a group whose heartbeat fails with `error`. */
function runnerWhoseHeartbeatFails(error: Error | undefined) {
  const announced: Array<{ event: string; payload: RejoinHookPayload }> = [];
  const runner = {
    heartbeatInterval: 1_000,
    consumerGroup: {
      groupId: 'g',
      memberId: 'm-1',
      heartbeat: async () => {
        if (error !== undefined) throw error;
      },
    },
    autoCommitOffsets: async () => undefined,
    instrumentationEmitter: {
      emit: (event: string, payload: RejoinHookPayload): void => {
        announced.push({ event, payload });
      },
    },
  };
  return { runner, announced };
}

const kafkaError = (type: string) => Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });

describe('kafkajs rejoin hook', () => {
  it('is installed on the runner kafkajs uses', () => {
    expect(rejoinHookInstalled).toBe(true);
  });

  it('on a rebalance, waits for the work listeners hand it before the error reaches the rejoin', async () => {
    const rebalancing = kafkaError('REBALANCE_IN_PROGRESS');
    const { runner, announced } = runnerWhoseHeartbeatFails(rebalancing);
    const steps: string[] = [];
    runner.instrumentationEmitter.emit = (event, payload) => {
      announced.push({ event, payload });
      payload.waitFor?.(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            steps.push('committed');
            resolve();
          }, 20),
        ),
      );
    };
    await expect(Runner.prototype.heartbeat.call(runner).finally(() => steps.push('rejoin'))).rejects.toBe(
      rebalancing,
    );
    expect(steps).toEqual(['committed', 'rejoin']);
    expect(announced).toHaveLength(1);
    expect(announced[0]!.event).toBe('consumer.rebalancing');
    expect(announced[0]!.payload).toMatchObject({ groupId: 'g', memberId: 'm-1' });
  });

  it('says nothing on a successful heartbeat or on an error that is not a rebalance', async () => {
    const quiet = runnerWhoseHeartbeatFails(undefined);
    await Runner.prototype.heartbeat.call(quiet.runner);
    expect(quiet.announced).toEqual([]);

    const gone = kafkaError('UNKNOWN_MEMBER_ID');
    const lost = runnerWhoseHeartbeatFails(gone);
    await expect(Runner.prototype.heartbeat.call(lost.runner)).rejects.toBe(gone);
    expect(lost.announced).toEqual([]);
  });
});
