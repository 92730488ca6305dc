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
 * The runtime's say in partition assignment: a client's own assignors (kafkajs ships an eager round-robin
 * one) would split co-partitioned topics across instances, so the runtime plugs in a task-aware one
 * through this hook, and the client adapter does the protocol encoding.
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
