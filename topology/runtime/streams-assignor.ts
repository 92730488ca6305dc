/**
 * The runtime's partition assignor, plugged into the consumer through the facade's hook: members announce
 * the tasks they own, the leader assigns tasks with {@link assignTasks} and hands each member the topic
 * partitions of its tasks.
 */
import type {
  AssignmentMember,
  MemberAssignment,
  PartitionAssignorHook,
} from '../internal/kafka/assignor.js';
import type { TopicPartition } from '../internal/kafka/types.js';
import { assignTasks } from './task-assignor.js';
import type { TaskLayout } from './task-layout.js';

/** Builds the hook; `ownedTasks` is read at every join, so stickiness follows the current tasks. */
export function createStreamsAssignor(
  layout: TaskLayout,
  ownedTasks: () => ReadonlyArray<string>,
): PartitionAssignorHook {
  return {
    name: 'tstreams-task-sticky',
    version: 1,
    userData: () => Buffer.from(JSON.stringify({ version: 1, tasks: ownedTasks() })),
    assign({ members }): Map<string, MemberAssignment> {
      const plan = assignTasks(
        layout.tasks.map((task) => task.id),
        members.map((member) => ({ memberId: member.memberId, ownedTasks: decodeOwnedTasks(member) })),
      );
      const specs = new Map(layout.tasks.map((task) => [task.id, task]));
      const result = new Map<string, MemberAssignment>();
      for (const [memberId, taskIds] of plan) {
        const partitions: TopicPartition[] = [];
        for (const id of taskIds) {
          const task = specs.get(id)!;
          for (const topic of task.sourceTopics) partitions.push({ topic, partition: task.partition });
        }
        result.set(memberId, { partitions });
      }
      return result;
    },
  };
}

function decodeOwnedTasks(member: AssignmentMember): string[] {
  try {
    const parsed = JSON.parse(member.userData.toString('utf8')) as { tasks?: unknown };
    return Array.isArray(parsed.tasks) ? parsed.tasks.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    // A member of another version or with no user data: it simply gets no stickiness.
    return [];
  }
}
