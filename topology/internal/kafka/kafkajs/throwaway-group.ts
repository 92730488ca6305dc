/**
 * The pieces of a throw-away consumer group, kafkajs' only way to read chosen partitions from chosen
 * offsets (it has no manual assignment and cannot seek before it runs): the start offsets are committed
 * for the group before it joins, a one-member assignor hands the single member exactly the wanted
 * partitions, and the group is deleted once read. Used by store restoration (`changelog-reader.ts`) and by
 * standby replicas (`changelog-follower.ts`).
 */
import type { Kafka } from 'kafkajs';
import type { PartitionAssignorHook } from '../assignor.js';
import type { TopicPartition } from '../types.js';
import { KafkajsAdmin } from './admin.js';

/** A partition to read from `startOffset` (0, the default, reads from the earliest offset kept). */
export interface StartPosition extends TopicPartition {
  readonly startOffset?: number;
}

/**
 * Commits `startOffset` for every position that starts past 0, so that the group's member starts there.
 * Positions starting at 0 are left uncommitted: the member then starts at the earliest offset still kept,
 * which is what 0 means on a compacted or truncated topic.
 *
 * Not kafkajs' `admin.setOffsets`: its helper consumer pauses every partition and then waits out a whole
 * empty fetch (`maxWaitTime`, 5 s, not configurable) per call, measured 5 s per restart of a standby and
 * per restore from a checkpoint. This one does the same (join the group, pause, seek, which commits with
 * auto-commit on) with a 10 ms fetch wait, and stops as soon as the group's offsets are the wanted ones.
 */
export async function commitStartOffsets(
  kafka: Kafka,
  groupId: string,
  positions: ReadonlyArray<StartPosition>,
): Promise<void> {
  const starts = positions.filter((position) => (position.startOffset ?? 0) > 0);
  if (starts.length === 0) return;
  const topics = [...new Set(starts.map((position) => position.topic))];
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: SEEK_FETCH_WAIT_MS,
    allowAutoTopicCreation: false,
    retry: { retries: 5, initialRetryTime: 100, restartOnFailure: async () => false },
  });
  const admin = new KafkajsAdmin(kafka);
  await Promise.all([consumer.connect(), admin.connect()]);
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      // One read-back at a time, none once done (the admin disconnects right after).
      let checking = false;
      let done = false;
      // kafkajs applies (and, with auto-commit, commits) seeks at the start of each broker's fetch;
      // after a fetch the offsets are read back, since partitions led by other brokers may still wait.
      consumer.on(consumer.events.FETCH, () => {
        if (checking || done) return;
        checking = true;
        allCommitted(admin, groupId, topics, starts)
          .then((committed) => {
            checking = false;
            if (committed) {
              done = true;
              resolve();
            }
          })
          .catch((error: unknown) => {
            done = true;
            reject(error);
          });
      });
      consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
      consumer
        .run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: async () => undefined })
        .catch(reject);
      // kafkajs creates the consumer group synchronously in run(): pause and seek are accepted now.
      consumer.pause(topics.map((topic) => ({ topic })));
      for (const { topic, partition, startOffset } of starts)
        consumer.seek({ topic, partition, offset: String(startOffset) });
    });
  } finally {
    await Promise.allSettled([consumer.disconnect(), admin.disconnect()]);
  }
}

/** How long the committing consumer's (empty, all paused) fetches wait, milliseconds. */
const SEEK_FETCH_WAIT_MS = 10;

async function allCommitted(
  admin: KafkajsAdmin,
  groupId: string,
  topics: ReadonlyArray<string>,
  starts: ReadonlyArray<StartPosition>,
): Promise<boolean> {
  const committed = new Map(
    (await admin.committedOffsets(groupId, topics)).map((entry) => [
      `${entry.topic}\u0000${entry.partition}`,
      entry.offset,
    ]),
  );
  return starts.every(
    (start) => committed.get(`${start.topic}\u0000${start.partition}`) === start.startOffset,
  );
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
  const admin = new KafkajsAdmin(kafka);
  await admin.connect();
  try {
    await admin.deleteGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}
