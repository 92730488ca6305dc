import { describe, expect, it } from 'vitest';
import { assignTasks, compareTaskIds, type MemberTasks } from '../../../topology/runtime/task-assignor.js';

const tasks = (subtopologies: number, partitions: number) =>
  Array.from(
    { length: subtopologies * partitions },
    (_, i) => `${Math.floor(i / partitions)}_${i % partitions}`,
  );

const sizes = (plan: Map<string, string[]>) => [...plan.values()].map((t) => t.length).sort();

const fresh = (...ids: string[]): MemberTasks[] => ids.map((memberId) => ({ memberId, ownedTasks: [] }));

/** Lags of `lag` for every given task. */
const lagsOf = (taskIds: ReadonlyArray<string>, lag: number) => new Map(taskIds.map((t) => [t, lag]));

describe('assignTasks: active tasks', () => {
  it('gives every task to exactly one member, balanced to within one', () => {
    const all = tasks(2, 7);
    const { active, standby, warmups, probingRebalanceNeeded } = assignTasks(all, fresh('c', 'a', 'b'));
    expect([...active.values()].flat().sort(compareTaskIds)).toEqual(all);
    expect(sizes(active)).toEqual([4, 5, 5]);
    expect([...standby.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect([...standby.values()].flat()).toEqual([]);
    expect(warmups.size).toBe(0);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it('is deterministic whatever order the members come in', () => {
    const all = tasks(2, 5);
    const members: MemberTasks[] = [
      { memberId: 'b', ownedTasks: ['0_1', '1_3'], taskLags: lagsOf(all, 50_000), host: 'h1' },
      { memberId: 'a', ownedTasks: ['0_0'], taskLags: lagsOf(['0_1'], 3), host: 'h1' },
      { memberId: 'c', ownedTasks: [], host: 'h2' },
    ];
    const options = { standbyReplicas: 1 };
    expect(assignTasks(all, [...members].reverse(), options)).toEqual(assignTasks(all, members, options));
  });

  it('keeps the stateless tasks a member owned when a new member joins, moving only the surplus', () => {
    const all = tasks(2, 4);
    const { active } = assignTasks(
      all,
      [
        { memberId: 'old', ownedTasks: all },
        { memberId: 'new', ownedTasks: [] },
      ],
      { statefulTasks: new Set() },
    );
    expect(active.get('old')).toEqual(all.slice(0, 4));
    expect(active.get('new')).toEqual(all.slice(4));
  });

  it('moves only the surplus of each member to a third member joining (stateless tasks)', () => {
    const all = tasks(1, 6);
    const before = { a: ['0_0', '0_2', '0_4'], b: ['0_1', '0_3', '0_5'] };
    const { active, probingRebalanceNeeded } = assignTasks(
      all,
      [
        { memberId: 'a', ownedTasks: before.a },
        { memberId: 'b', ownedTasks: before.b },
        { memberId: 'c', ownedTasks: [] },
      ],
      { statefulTasks: new Set() },
    );
    expect(sizes(active)).toEqual([2, 2, 2]);
    // Each old member keeps two of its own tasks; only the third of each moves.
    expect(active.get('a')!.every((t) => before.a.includes(t))).toBe(true);
    expect(active.get('b')!.every((t) => before.b.includes(t))).toBe(true);
    expect(active.get('c')).toEqual(['0_4', '0_5']);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it('moves only the surplus to a third member that holds caught-up state (stateful tasks)', () => {
    const all = tasks(1, 6);
    const { active, warmups, probingRebalanceNeeded } = assignTasks(all, [
      { memberId: 'a', ownedTasks: ['0_0', '0_2', '0_4'] },
      { memberId: 'b', ownedTasks: ['0_1', '0_3', '0_5'] },
      { memberId: 'c', ownedTasks: [], taskLags: lagsOf(all, 30) },
    ]);
    expect(active.get('a')).toEqual(['0_0', '0_2']);
    expect(active.get('b')).toEqual(['0_1', '0_3']);
    expect(active.get('c')).toEqual(['0_4', '0_5']);
    expect(warmups.size).toBe(0);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it('ignores owned tasks that no longer exist and members owning the same task twice', () => {
    const { active } = assignTasks(
      ['0_0', '0_1'],
      [
        { memberId: 'a', ownedTasks: ['0_0', '9_9'] },
        { memberId: 'b', ownedTasks: ['0_0'] },
      ],
    );
    expect(active.get('a')).toEqual(['0_0']);
    expect(active.get('b')).toEqual(['0_1']);
  });

  it('gives an unowned task to the least-loaded member that has its state', () => {
    const { active } = assignTasks(
      ['0_0', '0_1'],
      [
        { memberId: 'a', ownedTasks: [] },
        { memberId: 'b', ownedTasks: [], taskLags: new Map([['0_0', 20]]) },
      ],
    );
    expect(active.get('b')).toEqual(['0_0']);
    expect(active.get('a')).toEqual(['0_1']);
  });

  it('returns empty maps for no members, and members without tasks when there are none', () => {
    expect(assignTasks(['0_0'], []).active.size).toBe(0);
    const { active, standby } = assignTasks([], fresh('a'), { standbyReplicas: 1 });
    expect(active.get('a')).toEqual([]);
    expect(standby.get('a')).toEqual([]);
  });

  it('rejects options that cannot work, with a config error', () => {
    for (const options of [
      { standbyReplicas: -1 },
      { maxWarmupReplicas: 0 },
      { acceptableRecoveryLag: -5 },
    ]) {
      expect(() => assignTasks(['0_0'], fresh('a'), options)).toThrow(
        expect.objectContaining({ name: 'RuntimeError', code: 'STRM_ERR_RUNTIME_CONFIG' }),
      );
    }
  });
});

describe('assignTasks: warm-ups', () => {
  const all = tasks(1, 4);
  const oldOwner: MemberTasks = { memberId: 'a', ownedTasks: all };

  it('keeps a task on its caught-up owner while a new member warms it up, and asks for a probing rebalance', () => {
    const { active, standby, warmups, probingRebalanceNeeded } = assignTasks(all, [
      oldOwner,
      { memberId: 'b', ownedTasks: [] },
    ]);
    // The balanced target gives 0_2 and 0_3 to b, which has no state: they stay on a meanwhile.
    expect(active.get('a')).toEqual(all);
    expect(active.get('b')).toEqual([]);
    expect(warmups.get('b')).toEqual(['0_2', '0_3']);
    expect(standby.get('b')).toEqual(['0_2', '0_3']);
    expect(probingRebalanceNeeded).toBe(true);
  });

  it('moves the task once the new member reports a lag within the acceptable recovery lag', () => {
    const { active, warmups, probingRebalanceNeeded } = assignTasks(
      all,
      [oldOwner, { memberId: 'b', ownedTasks: [], taskLags: lagsOf(['0_2', '0_3'], 40) }],
      { acceptableRecoveryLag: 100 },
    );
    expect(active.get('a')).toEqual(['0_0', '0_1']);
    expect(active.get('b')).toEqual(['0_2', '0_3']);
    expect(warmups.size).toBe(0);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it('keeps warming up a member whose lag is still above the acceptable recovery lag', () => {
    const { active, warmups } = assignTasks(
      all,
      [
        oldOwner,
        {
          memberId: 'b',
          ownedTasks: [],
          taskLags: new Map([
            ['0_2', 40],
            ['0_3', 101],
          ]),
        },
      ],
      { acceptableRecoveryLag: 100 },
    );
    expect(active.get('b')).toEqual(['0_2']);
    expect(warmups.get('b')).toEqual(['0_3']);
  });

  it('gives at most maxWarmupReplicas warm-ups; the other moves wait on the caught-up member too', () => {
    const many = tasks(2, 4);
    const { active, warmups, probingRebalanceNeeded } = assignTasks(
      many,
      [
        { memberId: 'a', ownedTasks: many },
        { memberId: 'b', ownedTasks: [] },
      ],
      { maxWarmupReplicas: 1 },
    );
    expect(active.get('a')).toEqual(many);
    expect([...warmups.values()].flat()).toEqual(['1_0']);
    expect(probingRebalanceNeeded).toBe(true);
  });

  it('moves directly to the balanced target when no member is caught up (fresh application)', () => {
    const { active, warmups, probingRebalanceNeeded } = assignTasks(all, [
      { memberId: 'a', ownedTasks: [], taskLags: lagsOf(all, 50_000) },
      { memberId: 'b', ownedTasks: [] },
    ]);
    expect(sizes(active)).toEqual([2, 2]);
    expect(warmups.size).toBe(0);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it('never warms up stateless tasks: they move at once', () => {
    const { active, warmups, probingRebalanceNeeded } = assignTasks(
      all,
      [oldOwner, { memberId: 'b', ownedTasks: [] }],
      { statefulTasks: new Set(['0_2']) },
    );
    // The owner keeps its stateful task first; the stateless ones balance the load without a warm-up.
    expect(active.get('a')).toEqual(['0_0', '0_2']);
    expect(active.get('b')).toEqual(['0_1', '0_3']);
    expect(warmups.get('b') ?? []).toEqual([]);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it('keeps the task on its previous owner rather than on another caught-up member', () => {
    const { active, warmups } = assignTasks(
      ['0_0', '0_1', '0_2'],
      [
        { memberId: 'a', ownedTasks: [], taskLags: lagsOf(['0_2'], 0) },
        { memberId: 'b', ownedTasks: ['0_0', '0_1', '0_2'] },
        { memberId: 'c', ownedTasks: [] },
      ],
    );
    // Target: a 0_1, b 0_0, c 0_2; a and c are not caught up for their targets, b owned both.
    expect(active.get('b')).toEqual(['0_0', '0_1', '0_2']);
    expect(warmups.get('a')).toEqual(['0_1']);
    expect(warmups.get('c')).toEqual(['0_2']);
  });

  it('without a previous owner, keeps the task on the caught-up member with the lowest lag', () => {
    const { active, warmups } = assignTasks(
      ['0_0', '0_1', '0_2'],
      [
        { memberId: 'x', ownedTasks: [] },
        { memberId: 'y', ownedTasks: ['0_1'], taskLags: lagsOf(['0_0'], 50) },
        { memberId: 'z', ownedTasks: ['0_2'], taskLags: lagsOf(['0_0'], 10) },
      ],
    );
    expect(active.get('z')).toEqual(['0_0', '0_2']);
    expect(warmups.get('x')).toEqual(['0_0']);
  });
});

describe('assignTasks: standbys', () => {
  it('gives each stateful task distinct standbys, never its active member, spread evenly', () => {
    const all = tasks(2, 3);
    const { active, standby } = assignTasks(all, fresh('a', 'b', 'c'), { standbyReplicas: 2 });
    for (const task of all) {
      const activeMember = [...active].find(([, list]) => list.includes(task))![0];
      const holders = [...standby].filter(([, list]) => list.includes(task)).map(([id]) => id);
      expect(holders).toHaveLength(2);
      expect(holders).not.toContain(activeMember);
    }
    expect(sizes(standby)).toEqual([4, 4, 4]);
  });

  it('gives as many standbys as there are other members, without error', () => {
    const { standby } = assignTasks(['0_0'], fresh('a', 'b'), { standbyReplicas: 3 });
    expect([...standby.values()].flat()).toEqual(['0_0']);
  });

  it('gives stateless tasks no standbys', () => {
    const { standby } = assignTasks(['0_0', '1_0'], fresh('a', 'b'), {
      standbyReplicas: 1,
      statefulTasks: new Set(['1_0']),
    });
    expect([...standby.values()].flat()).toEqual(['1_0']);
  });

  it('puts a standby on another host than the active when it can', () => {
    const { active, standby } = assignTasks(
      ['0_0'],
      [
        { memberId: 'a', ownedTasks: ['0_0'], host: 'h1' },
        { memberId: 'b', ownedTasks: [], host: 'h1' },
        { memberId: 'c', ownedTasks: [], host: 'h2' },
      ],
      { standbyReplicas: 1 },
    );
    expect(active.get('a')).toEqual(['0_0']);
    expect(standby.get('c')).toEqual(['0_0']);
    expect(standby.get('b')).toEqual([]);
  });

  it('ranks caught-up members alike, so that host and spread decide among them', () => {
    const { standby } = assignTasks(
      ['0_0'],
      [
        { memberId: 'a', ownedTasks: ['0_0'], host: 'h1' },
        { memberId: 'b', ownedTasks: [], host: 'h1', taskLags: lagsOf(['0_0'], 5) },
        { memberId: 'c', ownedTasks: [], host: 'h2', taskLags: lagsOf(['0_0'], 500) },
      ],
      { standbyReplicas: 1 },
    );
    expect(standby.get('c')).toEqual(['0_0']);
  });

  it('prefers the member with state on disk, the lowest lag first, over host and spread', () => {
    const members: MemberTasks[] = [
      { memberId: 'a', ownedTasks: ['0_0'], host: 'h1' },
      { memberId: 'b', ownedTasks: [], host: 'h2' },
      { memberId: 'c', ownedTasks: [], host: 'h1', taskLags: lagsOf(['0_0'], 60_000) },
      { memberId: 'd', ownedTasks: [], host: 'h1', taskLags: lagsOf(['0_0'], 20_000) },
    ];
    const one = assignTasks(['0_0'], members, { standbyReplicas: 1 });
    expect(one.standby.get('d')).toEqual(['0_0']);
    const two = assignTasks(['0_0'], members, { standbyReplicas: 2 });
    expect([...two.standby].filter(([, l]) => l.length > 0).map(([id]) => id)).toEqual(['c', 'd']);
  });

  it('counts a warm-up as one of the standbys of its task', () => {
    const { active, standby, warmups } = assignTasks(
      ['0_0', '0_1'],
      [
        { memberId: 'a', ownedTasks: ['0_0', '0_1'] },
        { memberId: 'b', ownedTasks: [] },
        { memberId: 'c', ownedTasks: [] },
      ],
      { standbyReplicas: 1 },
    );
    // Target: a keeps 0_0, b gets 0_1 but has no state, so a keeps it and b warms it up.
    expect(active.get('a')).toEqual(['0_0', '0_1']);
    expect(warmups.get('b')).toEqual(['0_1']);
    // 0_1 needs no other standby; 0_0's goes to c, which has fewer standbys than b.
    expect(standby.get('b')).toEqual(['0_1']);
    expect(standby.get('c')).toEqual(['0_0']);
  });

  it("gives a failed member's tasks to the members holding their standbys", () => {
    const all = tasks(1, 6);
    // Three members ran two tasks each with one standby; c fails, a and b announce lags of their standbys.
    const { active, warmups, probingRebalanceNeeded } = assignTasks(
      all,
      [
        { memberId: 'a', ownedTasks: ['0_0', '0_1'], taskLags: lagsOf(['0_4', '0_2'], 12) },
        { memberId: 'b', ownedTasks: ['0_2', '0_3'], taskLags: lagsOf(['0_5', '0_0'], 7) },
      ],
      { standbyReplicas: 1 },
    );
    expect(active.get('a')).toEqual(['0_0', '0_1', '0_4']);
    expect(active.get('b')).toEqual(['0_2', '0_3', '0_5']);
    expect(warmups.size).toBe(0);
    expect(probingRebalanceNeeded).toBe(false);
  });

  it("keeps a failed member's task on its standby holder even when balance would send it elsewhere", () => {
    const all = tasks(1, 6);
    // c ran 0_4 and 0_5, both with their standby on a.
    const { active, warmups, probingRebalanceNeeded } = assignTasks(
      all,
      [
        {
          memberId: 'a',
          ownedTasks: ['0_0', '0_1'],
          taskLags: new Map([
            ['0_4', 12],
            ['0_5', 3],
          ]),
        },
        { memberId: 'b', ownedTasks: ['0_2', '0_3'] },
      ],
      { standbyReplicas: 1 },
    );
    expect(active.get('a')).toEqual(['0_0', '0_1', '0_4', '0_5']);
    expect(active.get('b')).toEqual(['0_2', '0_3']);
    expect(warmups.get('b')).toEqual(['0_5']);
    expect(probingRebalanceNeeded).toBe(true);
  });
});

describe('compareTaskIds', () => {
  it('orders task ids by sub-topology, then partition as a number', () => {
    expect(['1_10', '0_2', '1_9', '0_10'].sort(compareTaskIds)).toEqual(['0_2', '0_10', '1_9', '1_10']);
  });
});
