/**
 * The port's {@link PartitionAssignorHook} on @platformatic/kafka's classic group protocol. Member metadata
 * is real: the hook's `userData()` goes into each member's subscription (`protocolsMetadata`), and the
 * leader's assignor reads it back from `members`. Two gaps are filled here:
 *
 * - the assignor (`partitionAssigner`) is synchronous, the hook's `assign` may be asynchronous (it reads
 *   changelog ends). {@link AsyncAssignConsumer} catches the first call's {@link AssignmentPending}, waits
 *   for the hook, and runs the library's step again, which then finds the plan computed.
 * - the assignment's user data is one buffer for every member (`assignmentUserData`), and members drop it
 *   when they decode their assignment: the leader's user data for a member travels as one marker topic in
 *   its assignment, `<prefix><base64url>` with partition 0, as in the kafkajs adapter ({@link splitAssignment}).
 */
import {
  type Callback,
  type ClusterMetadata,
  Consumer,
  type ExtendedGroupProtocolSubscription,
  type GroupAssignment,
  type GroupPartitionsAssignments,
  kMetadata,
  type MetadataOptions,
} from '@platformatic/kafka';
import type { PartitionAssignorHook } from '../assignor.js';
import type { TopicPartition } from '../types.js';

const USER_DATA_MARKER_PREFIX = '__tstreams_assignment__.';

/** Thrown by the synchronous assignor while the hook's plan for these members is being computed. */
class AssignmentPending extends Error {
  constructor(readonly work: Promise<void>) {
    super('assignment pending');
  }
}

/** The partitions of an assignment and the user data its marker topic carries (empty without one). */
export function splitAssignment(assignments: ReadonlyArray<GroupAssignment>): {
  partitions: TopicPartition[];
  userData: Buffer;
} {
  let userData = Buffer.alloc(0);
  const partitions: TopicPartition[] = [];
  for (const { topic, partitions: list } of assignments) {
    if (topic.startsWith(USER_DATA_MARKER_PREFIX)) {
      userData = Buffer.from(topic.slice(USER_DATA_MARKER_PREFIX.length), 'base64url');
      continue;
    }
    for (const partition of list) partitions.push({ topic, partition });
  }
  return { partitions, userData };
}

/**
 * The synchronous `partitionAssigner` of the hook: the plan for this exact set of members (ids and
 * metadata) when computed, else it starts the computation and throws {@link AssignmentPending}.
 */
export function hookAssigner(hook: PartitionAssignorHook) {
  let plan: { key: string; result: GroupPartitionsAssignments[] } | undefined;
  return (
    _current: string,
    members: Map<string, ExtendedGroupProtocolSubscription>,
    topics: Set<string>,
    metadata: ClusterMetadata,
  ): GroupPartitionsAssignments[] => {
    const key = [...members]
      .map(([id, member]) => `${id}:${Buffer.from(member.metadata ?? Buffer.alloc(0)).toString('base64')}`)
      .sort()
      .join(',');
    if (plan?.key === key) return plan.result;
    const partitionCounts = new Map<string, number>();
    for (const topic of topics) partitionCounts.set(topic, metadata.topics.get(topic)?.partitionsCount ?? 0);
    const decoded = [...members].map(([memberId, member]) => ({
      memberId,
      userData: Buffer.from(member.metadata ?? Buffer.alloc(0)),
    }));
    const work = Promise.resolve(hook.assign({ members: decoded, partitionCounts })).then((decisions) => {
      plan = {
        key,
        result: decoded.map(({ memberId }) => {
          const decision = decisions.get(memberId);
          const assignments = new Map<string, GroupAssignment>();
          for (const { topic, partition } of decision?.partitions ?? []) {
            const entry = assignments.get(topic) ?? { topic, partitions: [] };
            entry.partitions.push(partition);
            assignments.set(topic, entry);
          }
          if (decision?.userData !== undefined && decision.userData.length > 0) {
            const marker = `${USER_DATA_MARKER_PREFIX}${decision.userData.toString('base64url')}`;
            assignments.set(marker, { topic: marker, partitions: [0] });
          }
          return { memberId, assignments };
        }),
      };
    });
    throw new AssignmentPending(work);
  };
}

/**
 * A consumer whose leader step may wait for an asynchronous assignor: the library calls the assignor
 * synchronously inside a metadata callback; when it throws {@link AssignmentPending}, the callback is run
 * again once the plan is there (the step has no side effects before the assignor call).
 */
export class AsyncAssignConsumer extends Consumer {
  override [kMetadata](options: MetadataOptions, callback: Callback<ClusterMetadata>): void {
    super[kMetadata](options, (error, metadata) => {
      const run = () => {
        try {
          callback(error, metadata);
        } catch (thrown) {
          if (!(thrown instanceof AssignmentPending)) throw thrown;
          thrown.work.then(run, (failure) =>
            callback(failure as Error, undefined as unknown as ClusterMetadata),
          );
        }
      };
      run();
    });
  }
}
