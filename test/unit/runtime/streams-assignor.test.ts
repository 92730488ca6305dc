import { describe, expect, it } from 'vitest';
import {
  createStreamsAssignor,
  decodeHostsMarker,
  HOSTS_MARKER_PREFIX,
  SHUTDOWN_APPLICATION_MARKER,
} from '../../../topology/runtime/streams-assignor.js';
import { computeTaskLayout } from '../../../topology/runtime/task-layout.js';
import { Serdes } from '../../../topology/serdes/index.js';
import { Topology } from '../../../topology/topology.js';

const serdes = { keySerde: Serdes.string(), valueSerde: Serdes.string() };
const joinTopology = () =>
  new Topology()
    .addSource('left', 'left', serdes)
    .addSource('right', 'right', serdes)
    .addProcessor('join', () => ({ process: () => undefined }), 'left', 'right')
    .copartitionSources('left', 'right')
    .addSink('out', 'out', serdes, 'join');

describe('the streams assignor', () => {
  const layout = computeTaskLayout(
    joinTopology().plan(),
    'app',
    new Map([
      ['left', 4],
      ['right', 4],
      ['out', 1],
    ]),
  );
  const member = (memberId: string, tasks: string[], shutdown = false) => ({
    memberId,
    userData: Buffer.from(JSON.stringify({ version: 1, tasks, shutdown: shutdown || undefined })),
  });

  it('hands out whole tasks: partition p of both joined topics goes to the same member', () => {
    const hook = createStreamsAssignor(layout, () => []);
    const plan = hook.assign({ members: [member('m1', []), member('m2', [])], partitionCounts: new Map() });
    for (const { partitions } of plan.values()) {
      const left = partitions.filter((p) => p.topic === 'left').map((p) => p.partition);
      const right = partitions.filter((p) => p.topic === 'right').map((p) => p.partition);
      expect(left).toHaveLength(2);
      expect(right).toEqual(left);
    }
  });

  it('announces the tasks a member owns and keeps them where they were', () => {
    const hook = createStreamsAssignor(layout, () => ['0_3', '0_2']);
    expect(JSON.parse(hook.userData().toString())).toEqual({ version: 1, tasks: ['0_3', '0_2'] });
    const plan = hook.assign({
      members: [member('a', ['0_0', '0_1']), member('b', ['0_2', '0_3'])],
      partitionCounts: new Map(),
    });
    expect(
      plan
        .get('b')!
        .partitions.filter((p) => p.topic === 'left')
        .map((p) => p.partition),
    ).toEqual([2, 3]);
  });

  it('gives every member the shutdown marker when one member asks for SHUTDOWN_APPLICATION', () => {
    const hook = createStreamsAssignor(
      layout,
      () => [],
      () => true,
    );
    expect(JSON.parse(hook.userData().toString())).toMatchObject({ shutdown: true });
    const plan = hook.assign({
      members: [member('a', ['0_0']), member('b', [], true)],
      partitionCounts: new Map(),
    });
    for (const id of ['a', 'b']) {
      expect(plan.get(id)!.partitions).toEqual([{ topic: SHUTDOWN_APPLICATION_MARKER, partition: 0 }]);
    }
  });

  it('shares which server runs which tasks through a hosts marker topic in every assignment', () => {
    const hook = createStreamsAssignor(
      layout,
      () => [],
      () => false,
      'a.local:1',
    );
    expect(JSON.parse(hook.userData().toString())).toMatchObject({ server: 'a.local:1' });
    const withServer = (memberId: string, server: string) => ({
      memberId,
      userData: Buffer.from(JSON.stringify({ version: 1, tasks: [], server })),
    });
    const plan = hook.assign({
      members: [withServer('m1', 'a.local:1'), withServer('m2', 'b.local:2')],
      partitionCounts: new Map(),
    });
    const markers = [...plan.values()].map(
      (a) => a.partitions.find((p) => p.topic.startsWith(HOSTS_MARKER_PREFIX))!.topic,
    );
    expect(new Set(markers).size).toBe(1);
    const hosts = decodeHostsMarker(markers[0]!)!;
    expect([...hosts.keys()].sort()).toEqual(['a.local:1', 'b.local:2']);
    expect([...hosts.values()].flat().sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    expect(decodeHostsMarker('orders')).toBeUndefined();
  });
});
