import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { PartitionAssignorHook } from '../../../topology/internal/kafka/assignor.js';
import {
  decodeAssignmentUserData,
  encodeAssignmentUserData,
  toKafkaAssigner,
} from '../../../topology/internal/kafka/kafkajs/assigner.js';

const require = createRequire(import.meta.url);
const { AssignerProtocol } = require('kafkajs') as typeof import('kafkajs');

describe('kafkajs adapter: assignment user data, which kafkajs drops, travels as a marker topic', () => {
  it('round-trips any bytes and finds them among other unsubscribed topics', () => {
    const bytes = Buffer.from(JSON.stringify({ hosts: { 'a:1': ['0_0'] }, shutdown: true }));
    const marker = encodeAssignmentUserData(bytes);
    expect(decodeAssignmentUserData(['other', marker])).toEqual(bytes);
    expect(decodeAssignmentUserData(['other'])).toBeUndefined();
  });

  it("adds the marker to a member's assignment only when the leader gave it user data", async () => {
    const hook: PartitionAssignorHook = {
      name: 'test',
      version: 1,
      userData: () => Buffer.alloc(0),
      assign: ({ members }) =>
        new Map([
          [
            members[0]!.memberId,
            { partitions: [{ topic: 'in', partition: 0 }], userData: Buffer.from('hi') },
          ],
          [members[1]!.memberId, { partitions: [{ topic: 'in', partition: 1 }] }],
        ]),
    };
    const cluster = { findTopicPartitionMetadata: () => [{}, {}] };
    const assigner = toKafkaAssigner(hook)({ cluster } as never);
    const metadata = AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics: ['in'],
      userData: Buffer.alloc(0),
    });
    const assigned = await assigner.assign({
      members: [
        { memberId: 'a', memberMetadata: metadata },
        { memberId: 'b', memberMetadata: metadata },
      ],
      topics: ['in'],
    } as never);
    const topicsOf = (memberId: string) =>
      AssignerProtocol.MemberAssignment.decode(
        assigned.find((a) => a.memberId === memberId)!.memberAssignment,
      )!.assignment;
    const a = topicsOf('a');
    expect(a.in).toEqual([0]);
    expect(decodeAssignmentUserData(Object.keys(a))).toEqual(Buffer.from('hi'));
    expect(Object.keys(topicsOf('b'))).toEqual(['in']);
  });
});
