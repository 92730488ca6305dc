/**
 * The pieces of a throw-away consumer group, kafkajs' only way to read chosen partitions from chosen
 * offsets (it has no manual assignment and cannot seek before it runs): the start offsets are committed
 * for the group before it joins, a one-member assignor hands the single member exactly the wanted
 * partitions, and the group is deleted once read. Used by store restoration (`changelog-reader.ts`) and by
 * standby replicas (`changelog-follower.ts`).
 */
import type { Kafka } from 'kafkajs';
import { KafkaAdmin } from './admin.js';
import type { PartitionAssignorHook } from './assignor.js';
import type { TopicPartition } from './types.js';

/** A partition to read from `startOffset` (0, the default, reads from the earliest offset kept). */
export interface StartPosition extends TopicPartition {
  readonly startOffset?: number;
}

/**
 * Commits `startOffset` for every position that starts past 0, so that the group's member starts there.
 * Positions starting at 0 are left uncommitted: the member then starts at the earliest offset still kept,
 * which is what 0 means on a compacted or truncated topic.
 */
export async function commitStartOffsets(
  kafka: Kafka,
  groupId: string,
  positions: ReadonlyArray<StartPosition>,
): Promise<void> {
  const starts = positions.filter((position) => (position.startOffset ?? 0) > 0);
  if (starts.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of new Set(starts.map((position) => position.topic))) {
      await admin.setOffsets({
        groupId,
        topic,
        partitions: starts
          .filter((position) => position.topic === topic)
          .map((position) => ({ partition: position.partition, offset: String(position.startOffset) })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** An assignor that gives the first member every wanted partition (the group is meant to have one member). */
export function singleMemberAssignor(
  name: string,
  partitions: ReadonlyArray<TopicPartition>,
): PartitionAssignorHook {
  return {
    name,
    version: 1,
    userData: () => Buffer.alloc(0),
    assign: ({ members }) =>
      new Map(
        members.map((member, index) => [member.memberId, { partitions: index === 0 ? partitions : [] }]),
      ),
  };
}

/**
 * Deletes a throw-away group (its member must have left), so that it does not stay listed on the
 * cluster with its offsets. A fresh admin, because a kafkajs admin that was disconnected does not
 * reconnect cleanly.
 */
export async function deleteThrowawayGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = new KafkaAdmin(kafka);
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}
