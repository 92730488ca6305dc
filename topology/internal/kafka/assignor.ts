// Must load before kafkajs: it corrects kafkajs' read_committed filter (see the module).
import './kafkajs-aborted-filter.js';
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import type { TopicPartition } from './types.js';

/** A group member as the leader sees it when it computes the assignment. */
export interface AssignmentMember {
  readonly memberId: string;
  /** What the member sent with its join request (see {@link PartitionAssignorHook.userData}). */
  readonly userData: Buffer;
}

/** What the group leader decides for one member. */
export interface MemberAssignment {
  readonly partitions: ReadonlyArray<TopicPartition>;
  readonly userData?: Buffer;
}

/**
 * The runtime's say in partition assignment. kafkajs only ships an eager round-robin assignor, which
 * would split co-partitioned topics across instances; the runtime plugs in a task-aware one through this
 * hook, and the facade does the kafkajs protocol encoding.
 */
export interface PartitionAssignorHook {
  /** The protocol name; every member of a group must offer the same one. */
  readonly name: string;
  readonly version: number;
  /** Bytes this member attaches to its join request, e.g. the tasks it owns now (for stickiness). */
  userData(): Buffer;
  /** Run on the group leader only: one entry per member id. May look things up on the cluster first. */
  assign(input: {
    readonly members: ReadonlyArray<AssignmentMember>;
    readonly partitionCounts: ReadonlyMap<string, number>;
  }): Map<string, MemberAssignment> | Promise<Map<string, MemberAssignment>>;
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
        for (const { topic, partition } of decision?.partitions ?? []) {
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
