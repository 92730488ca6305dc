/**
 * The runtime's partition assignor, plugged into the consumer through the facade's hook: members announce
 * the tasks they run and how far their local state of other tasks reaches in the changelogs; the leader
 * assigns active and standby tasks with {@link assignTasks} (sticky, balanced, warm-ups instead of long
 * stalls) and hands each member the topic partitions of its active tasks.
 *
 * kafkajs hands members no assignment user data, but it reports topics a member was assigned without
 * subscribing to them: marker topics carry what is not a partition (standbys, warm-ups, who runs what).
 */
import type {
  AssignmentMember,
  MemberAssignment,
  PartitionAssignorHook,
} from '../internal/kafka/assignor.js';
import type { TopicPartition } from '../internal/kafka/types.js';
import { assignTasks, type MemberTasks } from './task-assignor.js';
import type { TaskLayout } from './task-layout.js';

/**
 * The marker topic the leader assigns to every member when one asked to shut the whole application down
 * (`SHUTDOWN_APPLICATION`): kafkajs reports it as an unsubscribed topic, which the members watch for.
 */
export const SHUTDOWN_APPLICATION_MARKER = '__tstreams_shutdown_application__';

/**
 * Prefix of the marker topic that carries which server (`applicationServer`) runs which tasks, active and
 * standby, as base64url JSON `{ "<host:port>": { "a": ["1_0"], "s": ["0_1"] } }`.
 */
export const HOSTS_MARKER_PREFIX = '__tstreams_hosts__.';

/**
 * Prefix of the marker topic that tells one member its standby tasks, which of them are warm-ups and
 * whether it should trigger a probing rebalance once they caught up: base64url JSON `{ s, w, p }`.
 */
export const STANDBY_MARKER_PREFIX = '__tstreams_standby__.';

/** The tasks one server runs. */
export interface HostTasks {
  readonly active: ReadonlyArray<string>;
  readonly standby: ReadonlyArray<string>;
}

/** A member's standby assignment. */
export interface StandbyAssignment {
  readonly standby: ReadonlyArray<string>;
  /** The subset of `standby` that warms up for a move. */
  readonly warmups: ReadonlyArray<string>;
  /** True when the leader kept tasks back for warm-ups: rejoin once they caught up. */
  readonly probingRebalance: boolean;
}

/** What a member sends with every join. */
export interface MemberSubscription {
  /** Active tasks it runs now (stickiness). */
  readonly tasks: ReadonlyArray<string>;
  /**
   * Per task it holds local state of (standby, or a checkpoint on disk): the sum over the task's changelog
   * partitions of the next offset that state would read. The leader turns it into a lag.
   */
  readonly offsets?: Readonly<Record<string, number>>;
  /** Asks the whole application to shut down. */
  readonly shutdown?: boolean;
  /** A short-lived member that only triggers a rebalance: it gets no tasks. */
  readonly probe?: boolean;
  readonly server?: string;
}

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

/** Decodes a hosts marker topic name, or returns undefined for any other name. */
export function decodeHostsMarker(topic: string): Map<string, HostTasks> | undefined {
  const parsed = decodeMarker(topic, HOSTS_MARKER_PREFIX);
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null) return undefined;
  const hosts = new Map<string, HostTasks>();
  for (const [server, value] of Object.entries(parsed as Record<string, { a?: unknown; s?: unknown }>)) {
    hosts.set(server, { active: strings(value?.a), standby: strings(value?.s) });
  }
  return hosts;
}

/** Decodes a standby marker topic name, or returns undefined for any other name. */
export function decodeStandbyMarker(topic: string): StandbyAssignment | undefined {
  const parsed = decodeMarker(topic, STANDBY_MARKER_PREFIX) as
    | { s?: unknown; w?: unknown; p?: unknown }
    | undefined;
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null) return undefined;
  return { standby: strings(parsed.s), warmups: strings(parsed.w), probingRebalance: parsed.p === true };
}

export function createStreamsAssignor(options: StreamsAssignorOptions): PartitionAssignorHook {
  const { layout } = options;
  const statefulTasks = new Set(
    layout.tasks.filter((task) => task.changelogTopics.length > 0).map((task) => task.id),
  );
  return {
    name: 'tstreams-task-sticky',
    version: 1,
    userData: () => Buffer.from(JSON.stringify({ version: 2, ...options.subscription() })),
    async assign({ members }): Promise<Map<string, MemberAssignment>> {
      const subscriptions = members.map((member) => ({ member, subscription: decodeUserData(member) }));
      if (subscriptions.some(({ subscription }) => subscription.shutdown === true)) {
        const marker = { partitions: [{ topic: SHUTDOWN_APPLICATION_MARKER, partition: 0 }] };
        return new Map(members.map((member) => [member.memberId, marker]));
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
      const hostsMarker =
        Object.keys(hosts).length === 0 ? undefined : encodeMarker(HOSTS_MARKER_PREFIX, hosts);
      const specs = new Map(layout.tasks.map((task) => [task.id, task]));
      const result = new Map<string, MemberAssignment>();
      for (const { member } of subscriptions) {
        const partitions: TopicPartition[] = [];
        if (hostsMarker !== undefined) partitions.push({ topic: hostsMarker, partition: 0 });
        const standby = plan.standby.get(member.memberId) ?? [];
        const warmups = plan.warmups.get(member.memberId) ?? [];
        if (standby.length > 0) {
          const marker = encodeMarker(STANDBY_MARKER_PREFIX, {
            s: standby,
            w: warmups,
            p: warmups.length > 0 && plan.probingRebalanceNeeded,
          });
          partitions.push({ topic: marker, partition: 0 });
        }
        for (const id of plan.active.get(member.memberId) ?? []) {
          const task = specs.get(id)!;
          for (const topic of task.sourceTopics) partitions.push({ topic, partition: task.partition });
        }
        result.set(member.memberId, { partitions });
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
    ...(subscription.server === undefined ? {} : { host: subscription.server }),
  };
}

function decodeUserData(member: AssignmentMember): MemberSubscription {
  try {
    const parsed = JSON.parse(member.userData.toString('utf8')) as Record<string, unknown>;
    const offsets: Record<string, number> = {};
    if (typeof parsed.offsets === 'object' && parsed.offsets !== null) {
      for (const [task, offset] of Object.entries(parsed.offsets as Record<string, unknown>))
        if (typeof offset === 'number' && Number.isFinite(offset)) offsets[task] = offset;
    }
    return {
      tasks: strings(parsed.tasks),
      offsets,
      shutdown: parsed.shutdown === true,
      probe: parsed.probe === true,
      ...(typeof parsed.server === 'string' ? { server: parsed.server } : {}),
    };
  } catch {
    // A member of another version or with no user data: no stickiness, no request.
    return { tasks: [] };
  }
}

function encodeMarker(prefix: string, value: unknown): string {
  return `${prefix}${Buffer.from(JSON.stringify(value)).toString('base64url')}`;
}

function decodeMarker(topic: string, prefix: string): unknown {
  if (!topic.startsWith(prefix)) return undefined;
  try {
    return JSON.parse(Buffer.from(topic.slice(prefix.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
