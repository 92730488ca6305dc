/**
 * Gives kafkajs 2.2.4 the hook it lacks before a member rejoins its group: the Java consumer's
 * `onPartitionsRevoked` (eager protocol), where Kafka Streams commits every task before its partitions
 * move.
 *
 * kafkajs learns that the group is rebalancing from a heartbeat and then rejoins at once. The runtime's
 * batch handler heartbeats itself and commits before it lets kafkajs rejoin, but kafkajs also heartbeats
 * on its own, between batches: after an empty fetch, for a partition with no new records in a fetch, after
 * each batch. A rebalance noticed there made the member rejoin with work processed but not committed, and
 * the new owners of its partitions processed that input again: under at-least-once duplicates on a
 * rebalance that had every chance to be clean (1,257 extra outputs in one CI run of the third-instance
 * test), under exactly-once aborted transactions and work redone.
 *
 * Every kafkajs heartbeat goes through `Runner.prototype.heartbeat`. The patch lets it, on
 * REBALANCE_IN_PROGRESS or NOT_COORDINATOR, announce the rebalance through the consumer's own
 * `consumer.rebalancing` instrumentation event with a `waitFor` in the payload, and wait for what the
 * listeners hand it (the runtime's commit) before the error reaches kafkajs' rejoin. The group coordinator
 * accepts commits of the current generation until this member joins again, so that commit lands.
 * Patching the prototype works whenever it is done: kafkajs looks the method up at each call
 * (`kafkajs-module.ts` installs it when it loads kafkajs).
 */
import type { createRequire } from 'node:module';
import { isRebalanceError } from './errors.js';

/** The payload field a listener of `consumer.rebalancing` finds when it may delay the rejoin. */
export interface RejoinHookPayload {
  readonly groupId: string;
  readonly memberId: string;
  /** Present only on the hook's announcement: the rejoin waits for `work` (it must not reject). */
  readonly waitFor?: (work: Promise<void>) => void;
}

interface KafkajsRunner {
  heartbeat(): Promise<void>;
  readonly consumerGroup: { readonly groupId: string; readonly memberId: string };
  readonly instrumentationEmitter: { emit(event: string, payload: RejoinHookPayload): void };
}

/** Patches kafkajs' `Runner.prototype.heartbeat` (once) in the kafkajs that `require` loads. */
export function installRejoinHook(require: ReturnType<typeof createRequire>): boolean {
  const Runner = require('kafkajs/src/consumer/runner.js') as { prototype: KafkajsRunner };
  const { REBALANCING } = require('kafkajs/src/consumer/instrumentationEvents.js').events as {
    REBALANCING: string;
  };
  const original = Runner.prototype.heartbeat;
  if ((original as { rejoinHook?: boolean }).rejoinHook === true) return true;
  const heartbeat = async function (this: KafkajsRunner): Promise<void> {
    try {
      await original.call(this);
    } catch (error) {
      if (isRebalanceError(error)) {
        const work: Promise<void>[] = [];
        this.instrumentationEmitter.emit(REBALANCING, {
          groupId: this.consumerGroup.groupId,
          memberId: this.consumerGroup.memberId,
          waitFor: (promise) => work.push(promise),
        });
        await Promise.all(work);
      }
      throw error;
    }
  };
  Runner.prototype.heartbeat = Object.assign(heartbeat, { rejoinHook: true });
  return true;
}
