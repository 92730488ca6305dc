/**
 * A short-lived member of the application's group that joins, waits for its assignment and leaves. It is
 * how an instance makes the group rebalance, which kafkajs has no call for: to ask every instance to shut
 * down (`SHUTDOWN_APPLICATION`), or to probe whether warmed-up tasks can move now. The leader gives such
 * a member no tasks; its join and its leave are each one rebalance.
 */

import type { Logger } from 'pino';
import type { PartitionAssignorHook } from '../internal/kafka/assignor.js';
import type { KafkaClient } from '../internal/kafka/kafka-client.js';
import { decodeAssignmentInfo } from './assignment-info.js';
import { createStreamsAssignor } from './streams-assignor.js';
import type { TaskLayout } from './task-layout.js';

/**
 * Joins `groupId` with `assignor` (the same options as the instances': the brief member may be elected
 * leader and then assigns for the whole group; its own subscription says `probe` or `shutdown`), resolves `true` once an assignment arrived (`until` may insist on a
 * particular one, e.g. the shutdown request in its assignment info) or `false` after `timeoutMs`, and always leaves.
 */
export async function joinBriefly(
  kafka: KafkaClient,
  groupId: string,
  sourceTopics: ReadonlyArray<string>,
  assignor: PartitionAssignorHook,
  options: { timeoutMs: number; until?: (userData: Buffer) => boolean },
): Promise<boolean> {
  const member = kafka.groupConsumer({
    groupId,
    assignor,
  });
  let timer: NodeJS.Timeout | undefined;
  const assigned = new Promise<boolean>((resolve) => {
    const until = options.until ?? (() => true);
    member.on('assigned', (_partitions, { userData }) => {
      if (until(userData)) resolve(true);
    });
    timer = setTimeout(() => resolve(false), options.timeoutMs);
    timer.unref();
  });
  await member.connect();
  try {
    await member.run(sourceTopics, async () => undefined);
    return await assigned;
  } finally {
    clearTimeout(timer);
    await member.disconnect();
  }
}

/**
 * Tells every instance of the application to shut down: a short-lived member joins the group asking for
 * it in its subscription, and the leader hands every member the shutdown request (assignment info) instead of tasks. Logs
 * whether the request came back within `timeoutMs`; never throws (the instance is failing already).
 */
export async function requestApplicationShutdown(
  kafka: KafkaClient,
  applicationId: string,
  layout: TaskLayout,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  try {
    const delivered = await joinBriefly(
      kafka,
      applicationId,
      layout.sourceTopics,
      createStreamsAssignor({ layout, subscription: () => ({ tasks: [], shutdown: true }) }),
      { timeoutMs, until: (userData) => decodeAssignmentInfo(userData).shutdown },
    );
    logger.error({ delivered }, 'asked every instance of the application to shut down');
  } catch (error) {
    logger.error({ err: error }, 'could not tell the other instances to shut down');
  }
}
