/**
 * Invariants of the task assignor over random members, lags, hosts and options: the hand-written cases in
 * task-assignor.test.ts pin the preferences; these make sure no combination loses a task or puts a
 * standby on its own active member.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignmentOptions,
  assignTasks,
  compareTaskIds,
  DEFAULT_ACCEPTABLE_RECOVERY_LAG,
  DEFAULT_MAX_WARMUP_REPLICAS,
  type MemberTasks,
  type TaskAssignment,
} from '../../../topology/runtime/task-assignor.js';

const taskIdsArb = fc
  .record({ subtopologies: fc.integer({ min: 1, max: 3 }), partitions: fc.integer({ min: 1, max: 8 }) })
  .map(({ subtopologies, partitions }) =>
    Array.from(
      { length: subtopologies * partitions },
      (_, i) => `${Math.floor(i / partitions)}_${i % partitions}`,
    ),
  );

const memberArb = (taskIds: string[]) =>
  fc.record({
    // Owned tasks may overlap between members (a zombie) or name tasks that no longer exist.
    ownedTasks: fc.subarray([...taskIds, '9_9']),
    taskLags: fc.option(
      fc
        .array(
          fc.tuple(
            fc.constantFrom(...taskIds),
            fc.oneof(fc.integer({ min: 0, max: 30_000 }), fc.constant(5)),
          ),
        )
        .map((entries) => new Map(entries)),
      { nil: undefined },
    ),
    host: fc.option(fc.constantFrom('h1', 'h2', 'h3'), { nil: undefined }),
  });

const scenarioArb = taskIdsArb.chain((taskIds) =>
  fc.record({
    taskIds: fc.constant(taskIds),
    members: fc
      .array(memberArb(taskIds), { minLength: 1, maxLength: 6 })
      .map((specs) => specs.map((spec, i): MemberTasks => ({ memberId: `m${i}`, ...spec }))),
    options: fc.record(
      {
        standbyReplicas: fc.integer({ min: 0, max: 3 }),
        acceptableRecoveryLag: fc.integer({ min: 0, max: 20_000 }),
        maxWarmupReplicas: fc.integer({ min: 1, max: 3 }),
        statefulTasks: fc.subarray(taskIds).map((subset) => new Set(subset)),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<AssignmentOptions>,
  }),
);

/** The lag rules of the assignor's contract, restated independently. */
function lagOf(member: MemberTasks, task: string, options: AssignmentOptions): number {
  if (options.statefulTasks !== undefined && !options.statefulTasks.has(task)) return 0;
  if (member.ownedTasks.includes(task)) return 0;
  return member.taskLags?.get(task) ?? Number.POSITIVE_INFINITY;
}

function holdersOf(plan: Map<string, string[]>, task: string): string[] {
  return [...plan].filter(([, list]) => list.includes(task)).map(([memberId]) => memberId);
}

/** Every broken invariant, described (an empty list when all hold); one expect per run keeps 300 runs fast. */
function violations(
  taskIds: string[],
  members: MemberTasks[],
  options: AssignmentOptions,
  result: TaskAssignment,
): string[] {
  const { active, standby, warmups, probingRebalanceNeeded } = result;
  const found: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) found.push(what);
  };
  const memberIds = members.map((m) => m.memberId).sort();
  const isStateful = (task: string) => options.statefulTasks?.has(task) ?? true;
  const acceptable = options.acceptableRecoveryLag ?? DEFAULT_ACCEPTABLE_RECOVERY_LAG;
  const replicas = options.standbyReplicas ?? 0;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

  check(same([...active.keys()].sort(), memberIds), 'every member is a key of active');
  check(same([...standby.keys()].sort(), memberIds), 'every member is a key of standby');
  check(same([...active.values()].flat().sort(compareTaskIds), taskIds), 'every task active exactly once');
  for (const plan of [active, standby, warmups])
    for (const [memberId, list] of plan)
      check(same(list, [...new Set(list)].sort(compareTaskIds)), `${memberId}: sorted, no duplicates`);

  let warmupCount = 0;
  for (const task of taskIds) {
    const [activeId] = holdersOf(active, task);
    const standbyIds = holdersOf(standby, task);
    const warmupIds = holdersOf(warmups, task);
    warmupCount += warmupIds.length;
    check(!standbyIds.includes(activeId!), `${task}: standby on its active member`);
    check(
      warmupIds.every((id) => standbyIds.includes(id)),
      `${task}: warm-up not among the standbys`,
    );
    if (!isStateful(task)) {
      check(standbyIds.length === 0 && warmupIds.length === 0, `${task}: stateless with a standby`);
      continue;
    }
    check(warmupIds.length <= 1, `${task}: more than one warm-up`);
    const wanted = Math.min(replicas, members.length - 1);
    check(standbyIds.length === Math.max(wanted, warmupIds.length), `${task}: ${standbyIds.length} standbys`);
    // A task never stalls on a member without its state while another member has it.
    const caughtUp = (m: MemberTasks) => lagOf(m, task, options) <= acceptable;
    const activeMember = members.find((m) => m.memberId === activeId)!;
    check(caughtUp(activeMember) || !members.some(caughtUp), `${task}: active not caught up, another is`);
  }
  check(
    warmupCount <= (options.maxWarmupReplicas ?? DEFAULT_MAX_WARMUP_REPLICAS),
    `${warmupCount} warm-ups over the budget`,
  );
  if (!probingRebalanceNeeded) {
    check(warmupCount === 0, 'warm-ups without a probing rebalance');
    const counts = [...active.values()].map((list) => list.length);
    check(Math.max(...counts) - Math.min(...counts) <= 1, `unbalanced without probing: ${counts}`);
  }
  return found;
}

describe('assignTasks properties', () => {
  it('assigns every task once, standbys never on the active, warm-ups within budget, balanced unless probing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ taskIds, members, options }) => {
        expect(violations(taskIds, members, options, assignTasks(taskIds, members, options))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same assignment whatever order the members come in', () => {
    fc.assert(
      fc.property(scenarioArb, ({ taskIds, members, options }) => {
        const forward = assignTasks(taskIds, members, options);
        expect(assignTasks([...taskIds].reverse(), [...members].reverse(), options)).toEqual(forward);
      }),
      { numRuns: 50 },
    );
  });
});
