import { describe, expect, it } from 'vitest';
import { Stores } from '../../../state/stores.js';
import {
  decodeAssignmentInfo,
  encodeAssignmentInfo,
  type MemberSubscription,
} from '../../../topology/runtime/assignment-info.js';
import { createStreamsAssignor } from '../../../topology/runtime/streams-assignor.js';
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
  const assignor = (subscription: MemberSubscription, extra: { standbyReplicas?: number } = {}) =>
    createStreamsAssignor({ layout, subscription: () => subscription, ...extra });
  const statefulLayout = computeTaskLayout(
    new Topology()
      .addSource('in', 'in', serdes)
      .addProcessor('count', () => ({ process: () => undefined }), 'in')
      .addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.string(), Serdes.string()),
        'count',
      )
      .plan(),
    'app',
    new Map([['in', 4]]),
  );

  it('hands out whole tasks: partition p of both joined topics goes to the same member', async () => {
    const hook = assignor({ tasks: [] });
    const plan = await hook.assign({
      members: [member('m1', []), member('m2', [])],
      partitionCounts: new Map(),
    });
    for (const { partitions } of plan.values()) {
      const left = partitions.filter((p) => p.topic === 'left').map((p) => p.partition);
      const right = partitions.filter((p) => p.topic === 'right').map((p) => p.partition);
      expect(left).toHaveLength(2);
      expect(right).toEqual(left);
    }
  });

  it('announces the tasks a member owns and keeps them where they were', async () => {
    const hook = assignor({ tasks: ['0_3', '0_2'] });
    expect(JSON.parse(hook.userData().toString())).toEqual({ version: 2, tasks: ['0_3', '0_2'] });
    const plan = await hook.assign({
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

  it('tells every member, in its assignment info, to shut down when one asks for SHUTDOWN_APPLICATION', async () => {
    const hook = assignor({ tasks: [], shutdown: true });
    expect(JSON.parse(hook.userData().toString())).toMatchObject({ shutdown: true });
    const plan = await hook.assign({
      members: [member('a', ['0_0']), member('b', [], true)],
      partitionCounts: new Map(),
    });
    for (const id of ['a', 'b']) {
      expect(plan.get(id)!.partitions).toEqual([]);
      expect(decodeAssignmentInfo(plan.get(id)!.userData!).shutdown).toBe(true);
    }
  });

  it('shares which server runs which tasks through the assignment info of every member', async () => {
    const hook = assignor({ tasks: [], server: 'a.local:1' });
    expect(JSON.parse(hook.userData().toString())).toMatchObject({ server: 'a.local:1' });
    const withServer = (memberId: string, server: string) => ({
      memberId,
      userData: Buffer.from(JSON.stringify({ version: 1, tasks: [], server })),
    });
    const plan = await hook.assign({
      members: [withServer('m1', 'a.local:1'), withServer('m2', 'b.local:2')],
      partitionCounts: new Map(),
    });
    const infos = [...plan.values()].map((a) => decodeAssignmentInfo(a.userData!));
    expect(infos[0]!.hosts).toEqual(infos[1]!.hosts);
    expect(infos.map((info) => info.shutdown)).toEqual([false, false]);
    const hosts = infos[0]!.hosts;
    expect([...hosts.keys()].sort()).toEqual(['a.local:1', 'b.local:2']);
    expect([...hosts.values()].flatMap((host) => host.active).sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    expect([...hosts.values()].flatMap((host) => host.standby)).toEqual([]);
    expect(decodeAssignmentInfo(Buffer.from('not json')).hosts.size).toBe(0);
    expect(decodeAssignmentInfo(Buffer.alloc(0)).shutdown).toBe(false);
  });

  it('places a standby of every stateful task on another member and tells it through its assignment info', async () => {
    const hook = createStreamsAssignor({
      layout: statefulLayout,
      subscription: () => ({ tasks: [] }),
      standbyReplicas: 1,
    });
    const withServer = (memberId: string, tasks: string[]) => ({
      memberId,
      userData: Buffer.from(JSON.stringify({ version: 2, tasks, server: `${memberId}:1` })),
    });
    const plan = await hook.assign({
      members: [withServer('a', ['0_0', '0_1']), withServer('b', ['0_2', '0_3'])],
      partitionCounts: new Map(),
    });
    const standbyOf = (memberId: string) => decodeAssignmentInfo(plan.get(memberId)!.userData!).standby;
    expect(standbyOf('a')).toEqual({ standby: ['0_2', '0_3'], warmups: [], probingRebalance: false });
    expect(standbyOf('b').standby).toEqual(['0_0', '0_1']);
    const hosts = decodeAssignmentInfo(plan.get('a')!.userData!).hosts;
    expect(hosts.get('a:1')).toEqual({ active: ['0_0', '0_1'], standby: ['0_2', '0_3'] });
  });

  it('puts the standby on another process than the active task: stream threads of one instance share a host', async () => {
    const hook = createStreamsAssignor({
      layout: statefulLayout,
      subscription: () => ({ tasks: [] }),
      standbyReplicas: 1,
    });
    const thread = (memberId: string, process: string, tasks: string[]) => ({
      memberId,
      userData: Buffer.from(JSON.stringify({ version: 2, tasks, process })),
    });
    const plan = await hook.assign({
      // a1 and a2: two stream threads of one instance (no applicationServer); b: another instance.
      members: [thread('a1', 'pa', ['0_0']), thread('a2', 'pa', ['0_1']), thread('b', 'pb', ['0_2', '0_3'])],
      partitionCounts: new Map(),
    });
    const standbyOf = (memberId: string) =>
      decodeAssignmentInfo(plan.get(memberId)!.userData!).standby?.standby ?? [];
    // Without the process, a2 (fewer active tasks) would take 0_0's standby, in the same process as 0_0.
    expect(standbyOf('b')).toEqual(['0_0', '0_1']);
    expect([...standbyOf('a1'), ...standbyOf('a2')].sort()).toEqual(['0_2', '0_3']);
  });

  it('keeps a task on its caught-up owner while a member far behind warms up, and asks it to probe', async () => {
    const hook = createStreamsAssignor({
      layout: statefulLayout,
      subscription: () => ({ tasks: [] }),
      changelogEnds: async () => new Map(statefulLayout.tasks.map((task) => [task.id, 1_000_000])),
    });
    const plan = await hook.assign({
      members: [member('old', ['0_0', '0_1', '0_2', '0_3']), member('new', [])],
      partitionCounts: new Map(),
    });
    const inputs = (memberId: string) => plan.get(memberId)!.partitions.filter((p) => p.topic === 'in');
    expect(inputs('old')).toHaveLength(4);
    expect(inputs('new')).toHaveLength(0);
    const { standby } = decodeAssignmentInfo(plan.get('new')!.userData!);
    expect(standby).toMatchObject({ probingRebalance: true });
    expect(standby.warmups.length).toBeGreaterThan(0);
  });

  it('gives a probing member no tasks', async () => {
    const hook = assignor({ tasks: [] });
    const probe = {
      memberId: 'probe',
      userData: Buffer.from(JSON.stringify({ version: 2, tasks: [], probe: true })),
    };
    const plan = await hook.assign({ members: [member('a', []), probe], partitionCounts: new Map() });
    expect(plan.get('probe')!.partitions).toEqual([]);
    expect(plan.get('a')!.partitions.filter((p) => p.topic === 'left')).toHaveLength(4);
  });
});

describe('assignment info: what the leader tells a member besides its partitions', () => {
  it('round-trips hosts, standbys with warm-ups and the shutdown request, and is empty when there is nothing to say', () => {
    expect(
      encodeAssignmentInfo({ hosts: {}, standby: { standby: [], warmups: [], probingRebalance: false } }),
    ).toEqual(Buffer.alloc(0));
    const info = decodeAssignmentInfo(
      encodeAssignmentInfo({
        hosts: { 'a:1': { a: ['0_0'], s: ['0_1'] } },
        standby: { standby: ['0_1', '0_2'], warmups: ['0_2'], probingRebalance: true },
        shutdown: true,
      }),
    );
    expect(info).toEqual({
      hosts: new Map([['a:1', { active: ['0_0'], standby: ['0_1'] }]]),
      standby: { standby: ['0_1', '0_2'], warmups: ['0_2'], probingRebalance: true },
      shutdown: true,
    });
  });
});
