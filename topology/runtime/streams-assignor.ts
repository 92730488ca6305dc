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
/**
 * The marker topic the leader assigns to every member when one asked to shut the whole application down
 * (`SHUTDOWN_APPLICATION`): kafkajs reports it as an unsubscribed topic, which the members watch for.
 */
export const SHUTDOWN_APPLICATION_MARKER = '__tstreams_shutdown_application__';

/**
 * Prefix of the marker topic that carries which server (`applicationServer`) runs which tasks, as
 * base64url JSON `{ "<host:port>": ["1_0", ...] }`. kafkajs hands members no assignment user data, but it
 * reports topics a member was assigned without subscribing to them: that is the channel.
 */
export const HOSTS_MARKER_PREFIX = '__tstreams_hosts__.';

/** Decodes a hosts marker topic name, or returns undefined for any other name. */
export function decodeHostsMarker(topic: string): Map<string, string[]> | undefined {
  if (!topic.startsWith(HOSTS_MARKER_PREFIX)) return undefined;
  try {
    const parsed = JSON.parse(
      Buffer.from(topic.slice(HOSTS_MARKER_PREFIX.length), 'base64url').toString('utf8'),
    );
    return new Map(Object.entries(parsed as Record<string, string[]>));
  } catch {
    return undefined;
  }
}

export function createStreamsAssignor(
  layout: TaskLayout,
  ownedTasks: () => ReadonlyArray<string>,
  shutdownRequested: () => boolean = () => false,
  applicationServer?: string,
): PartitionAssignorHook {
  return {
    name: 'tstreams-task-sticky',
    version: 1,
    userData: () =>
      Buffer.from(
        JSON.stringify({
          version: 1,
          tasks: ownedTasks(),
          shutdown: shutdownRequested() || undefined,
          server: applicationServer,
        }),
      ),
    assign({ members }): Map<string, MemberAssignment> {
      if (members.some((member) => decodeUserData(member).shutdown === true)) {
        const marker = { partitions: [{ topic: SHUTDOWN_APPLICATION_MARKER, partition: 0 }] };
        return new Map(members.map((member) => [member.memberId, marker]));
      }
      const plan = assignTasks(
        layout.tasks.map((task) => task.id),
        members.map((member) => ({ memberId: member.memberId, ownedTasks: decodeUserData(member).tasks })),
      );
      const specs = new Map(layout.tasks.map((task) => [task.id, task]));
      const hosts: Record<string, string[]> = {};
      for (const member of members) {
        const { server } = decodeUserData(member);
        if (server !== undefined)
          hosts[server] = [...(hosts[server] ?? []), ...(plan.get(member.memberId) ?? [])];
      }
      const hostsMarker =
        Object.keys(hosts).length === 0
          ? undefined
          : `${HOSTS_MARKER_PREFIX}${Buffer.from(JSON.stringify(hosts)).toString('base64url')}`;
      const result = new Map<string, MemberAssignment>();
      for (const [memberId, taskIds] of plan) {
        const partitions: TopicPartition[] =
          hostsMarker === undefined ? [] : [{ topic: hostsMarker, partition: 0 }];
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

function decodeUserData(member: AssignmentMember): { tasks: string[]; shutdown: boolean; server?: string } {
  try {
    const parsed = JSON.parse(member.userData.toString('utf8')) as {
      tasks?: unknown;
      shutdown?: unknown;
      server?: unknown;
    };
    const tasks = Array.isArray(parsed.tasks)
      ? parsed.tasks.filter((t): t is string => typeof t === 'string')
      : [];
    return {
      tasks,
      shutdown: parsed.shutdown === true,
      ...(typeof parsed.server === 'string' ? { server: parsed.server } : {}),
    };
  } catch {
    // A member of another version or with no user data: no stickiness, no request.
    return { tasks: [], shutdown: false };
  }
}
