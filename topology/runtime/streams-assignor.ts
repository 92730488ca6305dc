/**
 * The runtime's partition assignor, plugged into the consumer through the client port's hook: members announce
 * the tasks they run and how far their local state of other tasks reaches in the changelogs; the leader
 * assigns active and standby tasks with {@link assignTasks} (sticky, balanced, warm-ups instead of long
 * stalls) and hands each member the topic partitions of its active tasks.
 *
 * What members and the leader say besides partitions, and how it travels, is in `assignment-info.ts`.
 */
import type { MemberAssignment, PartitionAssignorHook } from '../internal/kafka/assignor.js';
import type { TopicPartition } from '../internal/kafka/types.js';
import {
  decodeSubscription,
  encodeAssignmentInfo,
  encodeSubscription,
  type MemberSubscription,
} from './assignment-info.js';
import { assignTasks, type MemberTasks } from './task-assignor.js';
import type { TaskLayout } from './task-layout.js';

/** How {@link createStreamsAssignor} decides. */
export interface StreamsAssignorOptions {
  readonly layout: TaskLayout;
  /** Read at every join. */
  readonly subscription: () => MemberSubscription;
  readonly standbyReplicas?: number;
  readonly acceptableRecoveryLag?: number;
  readonly maxWarmupReplicas?: number;
  /**
   * Leader only: the end offsets of every stateful task's changelogs, summed per task (read_committed ends
   * under exactly-once). Without it, lags are unknown and every member with state counts as caught up.
   */
  readonly changelogEnds?: () => Promise<ReadonlyMap<string, number>>;
}

export function createStreamsAssignor(options: StreamsAssignorOptions): PartitionAssignorHook {
  const { layout } = options;
  const statefulTasks = new Set(
    layout.tasks.filter((task) => task.changelogTopics.length > 0).map((task) => task.id),
  );
  return {
    name: 'tstreams-task-sticky',
    version: 1,
    userData: () => encodeSubscription(options.subscription()),
    async assign({ members }): Promise<Map<string, MemberAssignment>> {
      const subscriptions = members.map((member) => ({
        member,
        subscription: decodeSubscription(member.userData),
      }));
      if (subscriptions.some(({ subscription }) => subscription.shutdown === true)) {
        const shutdown = { partitions: [], userData: encodeAssignmentInfo({ shutdown: true }) };
        return new Map(members.map((member) => [member.memberId, shutdown]));
      }
      const workers = subscriptions.filter(({ subscription }) => subscription.probe !== true);
      const ends = options.changelogEnds === undefined ? undefined : await options.changelogEnds();
      const plan = assignTasks(
        layout.tasks.map((task) => task.id),
        workers.map(({ member, subscription }) => memberTasks(member.memberId, subscription, ends)),
        {
          standbyReplicas: options.standbyReplicas ?? 0,
          ...(options.acceptableRecoveryLag === undefined
            ? {}
            : { acceptableRecoveryLag: options.acceptableRecoveryLag }),
          ...(options.maxWarmupReplicas === undefined
            ? {}
            : { maxWarmupReplicas: options.maxWarmupReplicas }),
          statefulTasks,
        },
      );
      const hosts: Record<string, { a: string[]; s: string[] }> = {};
      for (const { member, subscription } of workers) {
        if (subscription.server === undefined) continue;
        const entry = hosts[subscription.server] ?? { a: [], s: [] };
        hosts[subscription.server] = entry;
        entry.a.push(...(plan.active.get(member.memberId) ?? []));
        entry.s.push(...(plan.standby.get(member.memberId) ?? []));
      }
      const specs = new Map(layout.tasks.map((task) => [task.id, task]));
      const result = new Map<string, MemberAssignment>();
      for (const { member } of subscriptions) {
        const partitions: TopicPartition[] = [];
        const standby = plan.standby.get(member.memberId) ?? [];
        const warmups = plan.warmups.get(member.memberId) ?? [];
        const userData = encodeAssignmentInfo({
          hosts,
          standby: { standby, warmups, probingRebalance: warmups.length > 0 && plan.probingRebalanceNeeded },
        });
        for (const id of plan.active.get(member.memberId) ?? []) {
          const task = specs.get(id)!;
          for (const topic of task.sourceTopics) partitions.push({ topic, partition: task.partition });
        }
        result.set(member.memberId, { partitions, userData });
      }
      return result;
    },
  };
}

/**
 * A member as the task assignor sees it: owned tasks, and per stateful task how far its local state is
 * behind the changelog ends (no local state: the whole changelog, as restoring would read). Without the
 * ends, every member that reports state counts as caught up.
 */
function memberTasks(
  memberId: string,
  subscription: MemberSubscription,
  ends: ReadonlyMap<string, number> | undefined,
): MemberTasks {
  const offsets = subscription.offsets ?? {};
  // The stream threads of one process share its host: its server when it has one, else the process.
  const host = subscription.server ?? subscription.process;
  const taskLags = new Map<string, number>();
  if (ends === undefined) {
    for (const task of Object.keys(offsets)) taskLags.set(task, 0);
  } else {
    for (const [task, end] of ends) taskLags.set(task, Math.max(0, end - (offsets[task] ?? 0)));
  }
  return {
    memberId,
    ownedTasks: subscription.tasks,
    taskLags,
    ...(host === undefined ? {} : { host }),
  };
}
