/** The port's {@link PartitionAssignorHook} as a kafkajs partition assigner. */
import type { PartitionAssigner } from 'kafkajs';
import type { PartitionAssignorHook } from '../assignor.js';
import { kafkajs } from './kafkajs-module.js';

const { AssignerProtocol } = kafkajs;

/**
 * kafkajs hands members no assignment user data (it decodes and drops it), but it reports the topics a
 * member was assigned without subscribing to them: the leader's user data for a member travels as one
 * such marker topic, `<prefix><base64url of the bytes>`, which the member's consumer decodes
 * ({@link decodeAssignmentUserData}) and hands out with its `assigned` event.
 */
const USER_DATA_MARKER_PREFIX = '__tstreams_assignment__.';

/** The marker topic that carries `userData`. */
export function encodeAssignmentUserData(userData: Buffer): string {
  return `${USER_DATA_MARKER_PREFIX}${userData.toString('base64url')}`;
}

/** The user data among the unsubscribed topics of an assignment, if one carries it. */
export function decodeAssignmentUserData(topics: ReadonlyArray<string>): Buffer | undefined {
  const marker = topics.find((topic) => topic.startsWith(USER_DATA_MARKER_PREFIX));
  return marker === undefined
    ? undefined
    : Buffer.from(marker.slice(USER_DATA_MARKER_PREFIX.length), 'base64url');
}

/** Wraps a {@link PartitionAssignorHook} into the kafkajs assigner protocol. */
export function toKafkaAssigner(hook: PartitionAssignorHook): PartitionAssigner {
  return ({ cluster }) => ({
    name: hook.name,
    version: hook.version,
    protocol({ topics }) {
      return {
        name: hook.name,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: hook.version,
          topics,
          userData: hook.userData(),
        }),
      };
    },
    async assign({ members, topics }) {
      const partitionCounts = new Map<string, number>();
      for (const topic of topics)
        partitionCounts.set(topic, cluster.findTopicPartitionMetadata(topic).length);
      const decoded = members.map((member) => ({
        memberId: member.memberId,
        userData: AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.userData ?? Buffer.alloc(0),
      }));
      const plan = await hook.assign({ members: decoded, partitionCounts });
      return decoded.map(({ memberId }) => {
        const decision = plan.get(memberId);
        const assignment: Record<string, number[]> = {};
        const assigned = [...(decision?.partitions ?? [])];
        if (decision?.userData !== undefined && decision.userData.length > 0)
          assigned.push({ topic: encodeAssignmentUserData(decision.userData), partition: 0 });
        for (const { topic, partition } of assigned) {
          let partitions = assignment[topic];
          if (partitions === undefined) {
            partitions = [];
            assignment[topic] = partitions;
          }
          partitions.push(partition);
        }
        return {
          memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: hook.version,
            assignment,
            userData: decision?.userData ?? Buffer.alloc(0),
          }),
        };
      });
    },
  });
}
