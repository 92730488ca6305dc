import { describe, expect, it } from 'vitest';
import { assignTasks, compareTaskIds } from '../../../topology/runtime/task-assignor.js';

const tasks = (subtopologies: number, partitions: number) =>
  Array.from(
    { length: subtopologies * partitions },
    (_, i) => `${Math.floor(i / partitions)}_${i % partitions}`,
  );

const sizes = (plan: Map<string, string[]>) => [...plan.values()].map((t) => t.length).sort();

describe('assignTasks', () => {
  it('gives every task to exactly one member, balanced to within one', () => {
    const all = tasks(2, 7);
    const plan = assignTasks(
      all,
      ['c', 'a', 'b'].map((memberId) => ({ memberId, ownedTasks: [] })),
    );
    expect([...plan.values()].flat().sort(compareTaskIds)).toEqual(all);
    expect(sizes(plan)).toEqual([4, 5, 5]);
  });

  it('keeps the tasks a member owned when a new member joins, moving only the surplus', () => {
    const all = tasks(2, 4);
    const plan = assignTasks(all, [
      { memberId: 'old', ownedTasks: all },
      { memberId: 'new', ownedTasks: [] },
    ]);
    expect(plan.get('old')).toEqual(all.slice(0, 4));
    expect(plan.get('new')).toEqual(all.slice(4));
  });

  it('ignores owned tasks that no longer exist and members owning the same task twice', () => {
    const plan = assignTasks(
      ['0_0', '0_1'],
      [
        { memberId: 'a', ownedTasks: ['0_0', '9_9'] },
        { memberId: 'b', ownedTasks: ['0_0'] },
      ],
    );
    expect(plan.get('a')).toEqual(['0_0']);
    expect(plan.get('b')).toEqual(['0_1']);
  });

  it('orders task ids by sub-topology, then partition as a number', () => {
    expect(['1_10', '0_2', '1_9', '0_10'].sort(compareTaskIds)).toEqual(['0_2', '0_10', '1_9', '1_10']);
  });
});
